"""帮助 (issue 15 point 8): the manuals' FAQ at /help/, open without login, linked from every layout and from
each error about a file; the file limits it shows are read from the constants the upload checks use."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from title_review.attachments.tests.helpers import pdf
from title_review.attachments.types import ATTACHMENT_TYPES, format_size_limit
from title_review.core.excel import MAX_IMPORT_BYTES
from title_review.organisations.employers import LICENCE_MAX_BYTES, SEAL_MAX_BYTES
from title_review.organisations.tests.test_employers import registration

ANCHORS = ("browsers", "password", "files", "returned", "withdraw", "contact")
HELP_LINK = 'href="/help/"'
FILE_HELP_LINK = 'href="/help/#files"'


def _limits_table(html: str) -> dict[str, tuple[str, str]]:
    table = html.split('data-testid="help-file-limits"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td[^>]*>(.*?)</td></tr>", table)
    return {label: (formats, limit) for label, formats, limit in rows}


def test_anonymous_visitors_read_the_help_page(client, db):
    response = client.get("/help/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "帮助" in html
    for anchor in ANCHORS:
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html
    assert "主菜单" not in html  # the public layout, no menu
    assert 'href="/accounts/password/reset/"' in html and 'href="/organisations/employer/password/reset/"' in html


def test_a_signed_in_user_reads_it_inside_the_layout_with_the_menu(users, login):
    response = login("applicant").get("/help/")
    assert response.status_code == 200
    assert response.templates[0].name == "system/help.html"
    html = response.content.decode()
    assert "主菜单" in html and 'id="files"' in html


def test_the_file_limits_shown_are_the_limits_enforced(client, db, settings):
    settings.ATTACHMENT_LIMITS = {"paper": 30 * 1024 * 1024}  # a deployment override shows at once
    table = _limits_table(client.get("/help/").content.decode())
    for attachment_type in ATTACHMENT_TYPES.values():
        assert table[attachment_type.label] == (attachment_type.formats, format_size_limit(attachment_type.max_bytes))
    assert table[ATTACHMENT_TYPES["paper"].label][1] == "30 MB"
    assert table["营业执照扫描件（单位注册）"] == ("PDF、JPG、PNG", format_size_limit(LICENCE_MAX_BYTES))
    assert table["单位签章（单位注册）"] == ("JPG、PNG", format_size_limit(SEAL_MAX_BYTES))
    assert table["批量导入的 Excel 文件"][1] == format_size_limit(MAX_IMPORT_BYTES)


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password/reset/", "/accounts/register/"])
def test_public_pages_link_to_help(client, db, path):
    assert HELP_LINK in client.get(path).content.decode()


def test_every_signed_in_page_links_to_help_in_the_top_bar(users, login):
    client = login("applicant")
    for path in ("/", "/accounts/profile/", "/declarations/mine/"):
        html = client.get(path).content.decode()
        top_bar = html.split("</header>", 1)[0]
        assert HELP_LINK in top_bar, path


def test_a_refused_attachment_upload_links_to_the_file_help(users, login):
    response = login("applicant").post(
        "/attachments/upload/",
        {"attachment_kind": "review_form", "attachment_file": pdf(content=b"MZ\x90\x00" + b"\x00" * 100)},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "内容与扩展名不符" in html
    error = html.split('data-testid="attachment-error"', 1)[1].split("</div>", 1)[0]
    assert FILE_HELP_LINK in error and "查看帮助" in error


def test_an_upload_block_without_error_has_no_help_link(users, login):
    response = login("applicant").post(
        "/attachments/upload/", {"attachment_kind": "review_form", "attachment_file": pdf()}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and FILE_HELP_LINK not in response.content.decode()


def test_a_refused_licence_at_registration_links_to_the_file_help(client, orgs):
    bad = SimpleUploadedFile("licence.exe", b"MZ...")
    html = client.post("/organisations/employer/register/", registration(orgs, licence=bad)).content.decode()
    assert "只能是 PDF、JPG、PNG" in html
    feedback = re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', html)
    assert any("只能是 PDF、JPG、PNG" in f and FILE_HELP_LINK in f for f in feedback)
    assert not any(FILE_HELP_LINK in f for f in feedback if "只能是" not in f)
