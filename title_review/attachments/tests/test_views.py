"""The upload block, downloads and deletes as a signed-in user meets them."""

from urllib.parse import quote

import pytest
from django.template import Context, Template
from django.test import override_settings

from title_review.access.attachments import register_target, target_key, unregister_target
from title_review.access.policies import organisations_visible_to
from title_review.attachments.models import Attachment
from title_review.attachments.services import lock_attachments, upload_attachment
from title_review.attachments.types import ATTACHMENT_TYPES
from title_review.audit.models import AuditEvent

from .helpers import PDF, jpeg, pdf, stored_bytes

HTMX = {"HTTP_HX_REQUEST": "true"}
MB = 1024 * 1024


@pytest.fixture
def organisations_as_targets():
    register_target("organisations.Organisation", organisations_visible_to)
    yield
    unregister_target("organisations.Organisation")


def _post_upload(client, kind, upload, **extra):
    data = {"attachment_kind": kind, "attachment_file": upload, **extra}
    return client.post("/attachments/upload/", data, **HTMX)


def test_the_upload_block_shows_the_stored_file(users, login):
    client = login("applicant")
    response = _post_upload(client, "review_form", pdf("评审表.pdf"), attachment_field="review_form")
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    html = response.content.decode()
    assert "评审表.pdf" in html and "删除" in html
    assert f'name="review_form" value="{attachment.pk}"' in html
    assert f"/attachments/{attachment.pk}/download/" in html
    assert "<script" not in html and "style=" not in html
    assert response["Cache-Control"] == "no-store"


def test_a_refusal_comes_back_in_the_block(users, login):
    client = login("applicant")
    response = _post_upload(client, "review_form", pdf(content=b"MZ\x90\x00" + b"\x00" * 100))
    assert response.status_code == 200
    html = response.content.decode()
    assert "内容与扩展名不符" in html and 'type="file"' in html
    assert not Attachment.objects.exists()


def test_an_oversize_review_form_is_refused_in_the_block(users, login):
    response = _post_upload(login("applicant"), "review_form", pdf(content=PDF + b"0" * (4 * MB)))
    assert "评审表不能超过 4 MB。" in response.content.decode()
    assert not Attachment.objects.exists()


@override_settings(ATTACHMENT_LIMITS=dict.fromkeys(ATTACHMENT_TYPES, MB))
def test_a_file_over_every_limit_is_dropped_while_it_arrives(users, login, monkeypatch):
    from title_review.attachments import views

    def never(**kwargs):
        raise AssertionError("the file should have been dropped while the request was parsed")

    monkeypatch.setattr(views.services, "upload_attachment", never)
    response = _post_upload(login("applicant"), "paper", pdf("论文.pdf", PDF + b"0" * (2 * MB)))
    assert "论文不能超过 1 MB。" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_block_for_an_unknown_type_is_a_bad_request(users, login):
    assert _post_upload(login("applicant"), "resume", pdf()).status_code == 400


def test_the_owner_downloads_as_an_attachment(users, login):
    attachment = upload_attachment(
        actor=users["applicant"], owner=users["applicant"], kind="review_form", upload=pdf("评审表 2026.pdf")
    )
    response = login("applicant").get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored_bytes(attachment)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('评审表 2026.pdf')}"
    assert "%20" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert not AuditEvent.objects.filter(action="attachment.download").exists()


def test_another_user_gets_404(users, login):
    attachment = upload_attachment(actor=users["applicant"], owner=users["applicant"], kind="photo", upload=jpeg())
    client = login("hospitaladmin")
    assert client.get(f"/attachments/{attachment.pk}/download/").status_code == 404
    assert client.post(f"/attachments/{attachment.pk}/delete/", **HTMX).status_code == 404
    assert client.get("/attachments/999999/download/").status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_who_may_see_the_target_downloads_and_is_audited(users, orgs, login, organisations_as_targets):
    hospital = orgs["杭州市第一人民医院"]
    client = login("hospitaladmin")
    response = _post_upload(client, "certificate", jpeg("证书.jpg"), attachment_target=target_key(hospital))
    attachment = Attachment.objects.get()
    assert attachment.target == hospital
    assert target_key(hospital) in response.content.decode()
    response = login("wjwadmin").get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    event = AuditEvent.objects.get(action="attachment.download")
    assert event.actor_id == users["wjwadmin"].pk and event.object_id == str(attachment.pk)
    assert login("schooladmin").get(f"/attachments/{attachment.pk}/download/").status_code == 404


def test_an_upload_to_a_target_out_of_sight_is_refused(users, orgs, login, organisations_as_targets):
    key = target_key(orgs["杭州市第一人民医院"])
    response = _post_upload(login("schooladmin"), "certificate", jpeg("证书.jpg"), attachment_target=key)
    assert "无权向该材料添加附件" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_owner_deletes_through_the_block(users, login):
    attachment = upload_attachment(actor=users["applicant"], owner=users["applicant"], kind="review_form", upload=pdf())
    response = login("applicant").post(
        f"/attachments/{attachment.pk}/delete/", {"attachment_field": "review_form"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html and 'name="review_form"' not in html
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(action="attachment.delete").exists()


def test_a_locked_attachment_is_not_deleted_through_the_block(users, orgs, login, organisations_as_targets):
    hospital = orgs["杭州市第一人民医院"]
    admin = users["hospitaladmin"]
    attachment = upload_attachment(actor=admin, owner=admin, kind="review_form", upload=pdf(), target=hospital)
    lock_attachments(target=hospital)
    client = login("hospitaladmin")
    response = client.post(f"/attachments/{attachment.pk}/delete/", **HTMX)
    assert response.status_code == 200
    assert "已提交的材料中的附件不能删除。" in response.content.decode()
    response = client.post(f"/attachments/{attachment.pk}/delete/", HTTP_REFERER="http://testserver/")
    assert response.status_code == 302
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_plain_form_delete_goes_back(users, login):
    attachment = upload_attachment(actor=users["applicant"], owner=users["applicant"], kind="review_form", upload=pdf())
    response = login("applicant").post(f"/attachments/{attachment.pk}/delete/", HTTP_REFERER="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Attachment.objects.exists()


def test_the_tag_renders_the_upload_block(users, rf):
    request = rf.get("/")
    html = Template('{% load attachment_tags %}{% attachment_upload "review_form" field="form_file" %}').render(
        Context({"request": request})
    )
    assert 'accept=".pdf,application/pdf"' in html
    assert 'name="attachment_kind" value="review_form"' in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert 'form="app-attachment-detached"' in html
    assert "支持 PDF 格式，不超过 4 MB。" in html
    assert "评审表" in html


def test_anonymous_visitors_are_sent_to_sign_in(db, client):
    response = client.post("/attachments/upload/", {"attachment_kind": "photo"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_csrf_is_still_checked_on_upload(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["applicant"])
    response = client.post("/attachments/upload/", {"attachment_kind": "review_form", "attachment_file": pdf()})
    assert response.status_code == 403
    assert not Attachment.objects.exists()
