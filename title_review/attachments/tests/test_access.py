"""Who may see, link, delete and download an attachment: its owner, or whoever may see its target."""

import pytest

from title_review.access.attachments import policy as attachment_policy
from title_review.access.attachments import (
    register_target,
    resolve_target,
    target_key,
    unregister_target,
)
from title_review.access.policies import organisations_visible_to
from title_review.attachments.models import Attachment
from title_review.attachments.services import (
    attach,
    attachments_of,
    delete_attachment,
    lock_attachments,
    unlock_attachments,
    upload_attachment,
)
from title_review.core.errors import Conflict, DomainError, NotAllowed

from .helpers import pdf


def attachments_visible_to(user):
    return attachment_policy.visible(user, "download")


@pytest.fixture
def organisations_as_targets():
    """A stand-in for declarations: attachments on an organisation, visible to who may see it."""
    register_target("organisations.Organisation", organisations_visible_to)
    yield
    unregister_target("organisations.Organisation")


@pytest.fixture
def hospital(orgs):
    return orgs["杭州市第一人民医院"]


def _own_upload(user, kind="review_form", **kwargs):
    return upload_attachment(actor=user, owner=user, kind=kind, upload=pdf(), **kwargs)


def test_an_attachment_without_target_is_its_owners_alone(users):
    attachment = _own_upload(users["applicant"])
    assert attachments_visible_to(users["applicant"]).filter(pk=attachment.pk).exists()
    for other in ("hospitaladmin", "wjwadmin", "zjadmin", "sysadmin"):
        assert not attachments_visible_to(users[other]).filter(pk=attachment.pk).exists(), other


def test_whoever_may_see_the_target_sees_its_attachments(users, hospital, organisations_as_targets):
    attachment = _own_upload(users["hospitaladmin"], target=hospital)
    assert attachment.target == hospital
    for allowed in ("hospitaladmin", "wjwadmin", "hzadmin", "zjadmin"):
        assert attachments_visible_to(users[allowed]).filter(pk=attachment.pk).exists(), allowed
    for refused in ("schooladmin", "jyjadmin", "applicant"):
        assert not attachments_visible_to(users[refused]).filter(pk=attachment.pk).exists(), refused


def test_an_unregistered_target_shows_attachments_to_their_owner_only(users, hospital, organisations_as_targets):
    attachment = _own_upload(users["hospitaladmin"], target=hospital)
    unregister_target("organisations.Organisation")
    assert not attachments_visible_to(users["wjwadmin"]).filter(pk=attachment.pk).exists()
    assert attachments_visible_to(users["hospitaladmin"]).filter(pk=attachment.pk).exists()


def test_nobody_uploads_to_a_target_they_cannot_see(users, orgs, organisations_as_targets):
    with pytest.raises(NotAllowed):
        _own_upload(users["schooladmin"], target=orgs["杭州市第一人民医院"])
    with pytest.raises(DomainError):
        resolve_target(users["schooladmin"], target_key(orgs["杭州市第一人民医院"]))
    assert resolve_target(users["schooladmin"], target_key(orgs["杭州第二中学"])) == orgs["杭州第二中学"]
    for bad in ("", "organisations.organisation:x", "accounts.user:1", "nonsense"):
        with pytest.raises(DomainError):
            resolve_target(users["schooladmin"], bad)


def test_an_upload_is_attached_when_the_form_is_saved(users, hospital, organisations_as_targets):
    admin = users["hospitaladmin"]
    attachment = _own_upload(admin)
    assert attach(actor=admin, attachment_id=attachment.pk, target=hospital, kind="review_form").target == hospital
    assert attach(actor=admin, attachment_id=attachment.pk, target=hospital).target == hospital  # saved twice
    assert list(attachments_of(hospital)) == [attachment]
    assert list(attachments_of(hospital, kind="photo")) == []


def test_attaching_is_refused_to_others_and_elsewhere(users, orgs, hospital, organisations_as_targets):
    admin = users["hospitaladmin"]
    attachment = _own_upload(admin)
    with pytest.raises(DomainError, match="不存在"):
        attach(actor=users["schooladmin"], attachment_id=attachment.pk, target=orgs["杭州第二中学"])
    with pytest.raises(DomainError, match="请上传证件照"):
        attach(actor=admin, attachment_id=attachment.pk, target=hospital, kind="photo")
    with pytest.raises(NotAllowed):
        attach(actor=admin, attachment_id=attachment.pk, target=orgs["杭州第二中学"])
    city = users["hzadmin"]
    linked = _own_upload(city)
    attach(actor=city, attachment_id=linked.pk, target=orgs["西湖区职称工作领导小组办公室"])
    with pytest.raises(Conflict, match="其他材料"):
        attach(actor=city, attachment_id=linked.pk, target=hospital)


def test_a_locked_attachment_cannot_be_deleted(users, hospital, organisations_as_targets, client):
    admin = users["hospitaladmin"]
    attachment = _own_upload(admin, target=hospital)
    assert lock_attachments(target=hospital) == 1
    with pytest.raises(Conflict) as refused:
        delete_attachment(actor=admin, attachment_id=attachment.pk)
    assert refused.value.message == "已提交的材料中的附件不能删除。"
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert unlock_attachments(target=hospital) == 1
    delete_attachment(actor=admin, attachment_id=attachment.pk)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_only_the_owner_or_uploader_deletes(users):
    attachment = _own_upload(users["applicant"])
    with pytest.raises(NotAllowed):
        delete_attachment(actor=users["hzadmin"], attachment_id=attachment.pk)


def test_deleting_removes_the_stored_file_once_committed(users, django_capture_on_commit_callbacks):
    attachment = _own_upload(users["applicant"])
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        delete_attachment(actor=users["applicant"], attachment_id=attachment.pk)
    assert not storage.exists(name)
