"""电子证书 end to end in a real browser: the city office numbers a certificate waiting after its 发文 → the
holder downloads the PDF (signed; it validates against the installation's CA) → its QR link, opened by
someone not signed in (a phone), shows 有效 → the office revokes it with a reason and a basis → the same link
shows 已撤销; the holder sees that they were looked up. The public portal leads to 证书查验 from the login page."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .pages import field, named, open_menu, screenshot, sign_in, sign_out, submit

pytestmark = pytest.mark.browser

APPLICANT_ID = "330106199003071236"


def test_number_download_verify_revoke(page, open_page, users, orgs):
    from title_review.certificates import signing
    from title_review.certificates.tests.helpers import issue

    # After the 发文 the results app leaves the certificate 待编号 with the batch's 发文字号.
    certificate = issue(users["hzadmin"], orgs["杭州市第一人民医院"], name="韩申报", id_number=APPLICANT_ID)
    type(certificate).objects.filter(pk=certificate.pk).update(document_number="浙人社〔2026〕9号", review_year=2026)

    sign_in(page, "hzadmin")
    open_menu(page, "证书编号")
    row = page.get_by_test_id(f"pending-{certificate.pk}")
    expect(row).to_contain_text("330106********1236")
    row.get_by_role("checkbox").check()
    field(page, "评审年度").fill("2026")
    field(page, "发证单位").fill("浙江省人力资源和社会保障厅")
    field(page, "地区代码").fill("330000")
    field(page, "评委会代码").fill("001")
    submit(page, "为选中的证书编号")
    expect(page.get_by_role("alert")).to_contain_text("已为 1 本证书编号（33000020260120010001")
    expect(page.get_by_role("alert")).to_contain_text("浙人社〔2026〕9号")
    expect(page.get_by_text("没有待编号的证书。")).to_be_visible()
    sign_out(page)

    sign_in(page, "applicant")
    open_menu(page, "我的证书")
    mine = page.get_by_test_id("mine-33000020260120010001")
    expect(mine).to_contain_text("有效")
    with page.expect_download() as download:
        mine.get_by_role("link", name=named("下载")).click()
    pdf = download.value.path().read_bytes()
    assert signing.validate_pdf(pdf).valid
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "韩申报" in text and "33000020260120010001" in text and "330106********1236" in text
    link = re.search(r"(https?://[^\s]+?/certificates/verify/[^/]+/)", text).group(1)

    phone = open_page()  # someone else, not signed in, scanning the QR code
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(link)
    result = phone.get_by_test_id("verify-result")
    expect(result).to_contain_text("33000020260120010001")
    expect(result.get_by_test_id("status")).to_have_text("有效")
    expect(result).to_contain_text("韩**")
    expect(phone.locator("main")).not_to_contain_text("韩申报")
    screenshot(phone, "certificate-verify-valid")

    sign_out(page)
    sign_in(page, "hzadmin")
    open_menu(page, "证书信息")
    with page.expect_navigation():
        page.get_by_test_id(f"revoke-{certificate.pk}").click()
    submit(page, "撤销证书")  # nothing filled: refused, nothing changed
    expect(page.get_by_text("请填写撤销原因。")).to_be_visible()
    field(page, "撤销原因").fill("申报材料弄虚作假")
    field(page, "撤销依据").fill("人社部令第40号第四十条")
    submit(page, "撤销证书")
    expect(page.get_by_role("alert")).to_contain_text("已撤销韩申报的证书（33000020260120010001），并记入诚信档案。")

    phone.reload()
    expect(result.get_by_test_id("status")).to_have_text("已撤销")
    expect(phone.get_by_test_id("revoked")).to_contain_text("申报材料弄虚作假")
    expect(phone.get_by_test_id("revoked")).to_contain_text("人社部令第40号第四十条")
    screenshot(phone, "certificate-verify-revoked")

    sign_out(page)
    sign_in(page, "applicant")
    open_menu(page, "我的证书")
    expect(page.get_by_test_id("mine-33000020260120010001")).to_contain_text("已撤销")
    expect(page.get_by_role("table", name="未登录查验")).to_contain_text("2")


def test_the_portal_leads_from_the_login_page_to_certificate_verification(page):
    page.goto("/accounts/login/")
    with page.expect_navigation():
        page.get_by_test_id("portal-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("公共服务")
    with page.expect_navigation():
        page.get_by_test_id("portal-link").filter(has_text="证书查验").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("证书查验")
    field(page, "证书编号").fill("33000020269999990001")
    field(page, "姓名").fill("无此人")
    submit(page, "查验")
    expect(page.get_by_test_id("not-found")).to_contain_text("未查到该证书")
