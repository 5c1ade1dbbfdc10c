"""公共服务门户 without login: 通知公告 of published rounds (never drafts) with their 通知附件, links to the 公示
lists and 证书查验 (a link whose page is not installed is hidden, never broken), reached from the login page,
laid out for a phone."""

import io

import pytest
from django.db import transaction

from title_review.attachments.tests.helpers import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def notices(django_db_setup, django_db_blocker):
    """A published round with a notice and a 通知附件, and a draft round with one: built once per module."""
    from title_review.accounts.models import User
    from title_review.attachments.services import upload_attachment
    from title_review.organisations.models import Organisation
    from title_review.reviews.tests.conftest import publish_review_round
    from title_review.rounds import services

    def attach(user, round_, name):
        upload = io.BytesIO(PDF)
        upload.name = name
        upload.size = len(PDF)
        return upload_attachment(actor=user, owner=user, kind="notice", upload=upload, target=round_)

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            users = {u.username: u for u in User.objects.all()}
            orgs = {o.name: o for o in Organisation.objects.all()}
            published = publish_review_round(users, orgs)
            services.update_round(
                actor=users["hzadmin"], round_id=published.pk, changes={"notice": "请于截止时间前完成网上申报。"}
            )
            draft = services.create_round(
                actor=users["hzadmin"],
                publisher=orgs["杭州市职称工作领导小组办公室"],
                title="2027年度草稿活动（未发布）",
                year=2027,
                kind="review",
                series=published.series,
                committee=published.committee,
                opens_at=published.opens_at,
                closes_at=published.closes_at,
            )
            built = {
                "published": published,
                "draft": draft,
                "file": attach(users["hzadmin"], published, "评审工作通知.pdf"),
                "draft_file": attach(users["hzadmin"], draft, "草稿通知.pdf"),
            }
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def test_anyone_reads_the_published_notices_with_their_files_and_never_a_draft(
    client, notices, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/public/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "2026年度中小学教师职称评审" in text and "请于截止时间前完成网上申报。" in text
    assert "评审工作通知.pdf" in text and f"/public/notices/files/{notices['file'].pk}/" in text
    assert "草稿活动" not in text and "草稿通知.pdf" not in text
    assert 'name="viewport"' in text  # laid out for a phone, as every page of the site


def test_a_published_notices_file_downloads_without_login_and_a_drafts_does_not(client, notices):
    response = client.get(f"/public/notices/files/{notices['file'].pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert client.get(f"/public/notices/files/{notices['draft_file'].pk}/").status_code == 404
    assert client.get("/public/notices/files/999999999/").status_code == 404


def test_the_portal_links_the_publicity_lists_and_certificate_verification(client, notices):
    from title_review.portal.views import _first_url

    text = client.get("/public/").content.decode()
    assert 'href="/certificates/verify/"' in text and "证书查验" in text
    publicity = _first_url(("results:public_list", "results:publicity"))
    assert publicity.startswith("/results/") and f'href="{publicity}"' in text and "评审结果公示" in text


def test_a_link_to_a_page_that_is_not_installed_is_hidden(client, notices, monkeypatch):
    from title_review.portal import views

    monkeypatch.setattr(
        views, "PUBLIC_LINKS", ((("nowhere:list",), "不存在的公示", "", "bi-x"), *views.PUBLIC_LINKS[1:])
    )
    response = client.get("/public/")
    assert response.status_code == 200
    assert "不存在的公示" not in response.content.decode() and "证书查验" in response.content.decode()


def test_the_login_page_links_the_portal(client, seeded):
    text = client.get("/accounts/login/").content.decode()
    assert 'href="/public/"' in text and "证书查验" in text
