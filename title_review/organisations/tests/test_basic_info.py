"""单位基本信息 and 更名记录: the unit edits its basic information and renames itself; when the province so
sets, the 归口部门 approves or returns the rename; old names still find the unit."""

import pytest
from django.http import Http404

from tests.personas import organisation
from title_review.audit.models import AuditEvent
from title_review.core.errors import Conflict, DomainError, NotAllowed
from title_review.core.models import PolicySetting
from title_review.notifications.models import Message
from title_review.organisations import basic_info
from title_review.organisations.models import EmployerProfile, NameChangeStatus, Organisation, OrganisationNameChange
from title_review.organisations.selectors import organisation_tree

HOSPITAL = "杭州市第一人民医院"
NEW_NAME = "杭州市第一人民医院集团"


def _info(**overrides):
    values = {
        "legal_representative": "褚院长",
        "nature": "20",
        "industry": "Q",
        "region": "330102",
        "address": "上城区浣纱路 261 号",
        "contact_person": "褚医院",
        "contact_phone": "0571-56006000",
        "email": "hr@hospital.example.cn",
    }
    values.update(overrides)
    return basic_info.BasicInfo(**values)


@pytest.fixture
def hospital(orgs):
    return orgs[HOSPITAL]


@pytest.fixture
def approval_on(db):
    """The province has set 单位更名须经归口部门审核."""
    PolicySetting.objects.create(key="employer.rename_needs_approval", value=True)


def _nothing_changed(hospital):
    hospital.refresh_from_db()
    assert hospital.name == HOSPITAL
    assert not OrganisationNameChange.objects.filter(organisation=hospital).exists()
    assert not AuditEvent.objects.filter(action__startswith="employer.rename").exists()


# ---- 基本信息 ---------------------------------------------------------------------------------------


def test_the_unit_changes_its_basic_information_at_once_and_it_is_audited(users, hospital):
    from title_review.dictionaries.models import Entry

    assert not EmployerProfile.objects.filter(organisation=hospital).exists()  # made by an office, not registered
    basic_info.update_basic_info(actor=users["hospitaladmin"], employer_id=hospital.pk, info=_info())
    hospital.refresh_from_db()
    profile = EmployerProfile.objects.get(organisation=hospital)
    assert profile.legal_representative == "褚院长" and profile.industry.code == "Q"
    assert profile.nature == Entry.objects.get(type__code="employer_nature", code="20")
    assert hospital.address == "上城区浣纱路 261 号" and hospital.contact_phone == "0571-56006000"
    event = AuditEvent.objects.get(action="employer.change")
    assert event.after["legal_representative"] == "褚院长" and event.before["legal_representative"] == ""
    assert event.organisation_id == hospital.pk

    # Saving the same values again changes nothing and logs nothing.
    basic_info.update_basic_info(actor=users["hospitaladmin"], employer_id=hospital.pk, info=_info())
    assert AuditEvent.objects.filter(action="employer.change").count() == 1
    basic_info.update_basic_info(actor=users["hospitaladmin"], employer_id=hospital.pk, info=_info(address="新址"))
    assert AuditEvent.objects.filter(action="employer.change").latest("pk").after == {"address": "新址"}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"legal_representative": "   "}, "legal_representative", "请填写法定代表人"),
        ({"nature": "nope"}, "nature", "请选择单位性质"),
        ({"industry": ""}, "industry", "请选择单位行业"),
        ({"region": "999999"}, "region", "请选择单位所在地"),
        ({"contact_person": "张\u202e三"}, "contact_person", "不可见的控制字符"),
        ({"contact_phone": ""}, "contact_phone", "请填写联系电话"),
        ({"email": "not-an-address"}, "email", "电子邮箱格式不正确"),
    ],
)
def test_bad_basic_information_is_refused_and_nothing_changes(users, hospital, overrides, field, message):
    with pytest.raises(DomainError, match=message) as refused:
        basic_info.update_basic_info(actor=users["hospitaladmin"], employer_id=hospital.pk, info=_info(**overrides))
    assert refused.value.field == field
    assert not EmployerProfile.objects.filter(organisation=hospital).exists()
    assert not AuditEvent.objects.filter(action="employer.change").exists()


def test_only_the_units_own_administrator_changes_its_information(users, hospital):
    with pytest.raises(Http404):  # another unit's administrator does not even see it
        basic_info.update_basic_info(actor=users["schooladmin"], employer_id=hospital.pk, info=_info())
    with pytest.raises(NotAllowed):  # the 归口部门 sees the unit but does not edit its information
        basic_info.update_basic_info(actor=users["wjwadmin"], employer_id=hospital.pk, info=_info())


# ---- 更名 (no approval: the default) ------------------------------------------------------------------


def test_a_rename_takes_effect_at_once_is_recorded_and_audited(users, hospital):
    change = basic_info.request_rename(
        actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=f"  {NEW_NAME} ", reason="集团化改革"
    )
    hospital.refresh_from_db()
    assert hospital.name == NEW_NAME
    assert (change.old_name, change.new_name, change.status) == (HOSPITAL, NEW_NAME, NameChangeStatus.APPLIED)
    assert change.requested_by == users["hospitaladmin"] and change.decided_at is not None
    event = AuditEvent.objects.get(action="employer.rename")
    assert event.before == {"name": HOSPITAL} and event.after == {"name": NEW_NAME} and event.reason == "集团化改革"
    assert event.object_id == str(change.pk)


def test_the_old_name_still_finds_the_unit(users, hospital):
    basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    for who in ("hzadmin", "wjwadmin", "zjadmin"):
        assert hospital in organisation_tree(users[who], q="第一人民医院")
        assert hospital in organisation_tree(users[who], q=NEW_NAME)
    # Only within what the user may see: the old name does not open a door.
    assert hospital not in organisation_tree(users["jyjadmin"], q=HOSPITAL)
    # A name someone only asked for (pending, refused) finds nothing.
    assert not organisation_tree(users["hzadmin"], q="从未生效的名称").exists()


@pytest.mark.parametrize(
    ("new_name", "code", "message"),
    [
        ("", "name_required", "请填写新的单位名称"),
        ("    ", "name_required", "请填写新的单位名称"),
        ("\u3000\u3000", "name_required", "请填写新的单位名称"),  # full-width spaces
        (HOSPITAL, "same_name", "与现用名称相同"),
        (f" {HOSPITAL} ", "same_name", "与现用名称相同"),
        ("杭州市第二人民医院", "name_taken", "“杭州市卫生健康委员会”下已有名为“杭州市第二人民医院”的单位"),
        ("医院\u200b", None, "不可见的控制字符"),
        ("院" * 201, None, "不能超过 200 个字"),
    ],
)
def test_bad_renames_are_refused_and_nothing_changes(users, orgs, hospital, new_name, code, message):
    organisation(parent=orgs["杭州市卫生健康委员会"], name="杭州市第二人民医院")
    with pytest.raises(DomainError, match=message) as refused:
        basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=new_name)
    assert code is None or refused.value.code == code
    assert refused.value.field == "new_name"
    _nothing_changed(hospital)


def test_a_name_used_under_another_parent_is_allowed(users, hospital):
    """Sibling names must differ; a school of the same name under the 教育局 is no obstacle."""
    basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name="杭州第二中学")
    hospital.refresh_from_db()
    assert hospital.name == "杭州第二中学"


def test_renaming_is_the_units_own_administrators(users, hospital):
    for who, error in (("schooladmin", Http404), ("wjwadmin", NotAllowed), ("zjadmin", NotAllowed)):
        with pytest.raises(error):
            basic_info.request_rename(actor=users[who], employer_id=hospital.pk, new_name=NEW_NAME)
    _nothing_changed(hospital)


# ---- 更名 with the 归口部门's approval ---------------------------------------------------------------


def test_with_approval_on_the_rename_waits_for_the_parent_who_approves_it(users, hospital, approval_on):
    change = basic_info.request_rename(
        actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME, reason="集团化改革"
    )
    hospital.refresh_from_db()
    assert change.status == NameChangeStatus.PENDING and hospital.name == HOSPITAL
    assert AuditEvent.objects.get(action="employer.rename_request").after == {"name": NEW_NAME}
    note = Message.objects.get(recipient=users["wjwadmin"])
    assert NEW_NAME in note.body and note.link == f"/organisations/{hospital.pk}/"
    assert not organisation_tree(users["hzadmin"], q=NEW_NAME).exists()  # not yet its name

    approved = basic_info.approve_rename(actor=users["wjwadmin"], change_id=change.pk)
    hospital.refresh_from_db()
    assert hospital.name == NEW_NAME and approved.status == NameChangeStatus.APPLIED
    assert approved.decided_by == users["wjwadmin"] and approved.old_name == HOSPITAL
    event = AuditEvent.objects.get(action="employer.rename_approve")
    assert event.before == {"name": HOSPITAL} and event.after == {"name": NEW_NAME}
    assert Message.objects.filter(recipient=users["hospitaladmin"], title="单位更名申请已批准").exists()
    assert hospital in organisation_tree(users["hzadmin"], q=HOSPITAL)


def test_the_parent_returns_a_rename_with_a_reason(users, hospital, approval_on):
    change = basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    with pytest.raises(DomainError, match="请填写退回理由") as refused:
        basic_info.refuse_rename(actor=users["wjwadmin"], change_id=change.pk, reason="  ")
    assert refused.value.field == "reason"
    change.refresh_from_db()
    assert change.status == NameChangeStatus.PENDING

    basic_info.refuse_rename(actor=users["wjwadmin"], change_id=change.pk, reason="与营业执照名称不符")
    change.refresh_from_db()
    hospital.refresh_from_db()
    assert change.status == NameChangeStatus.REFUSED and change.decision_reason == "与营业执照名称不符"
    assert hospital.name == HOSPITAL
    assert AuditEvent.objects.get(action="employer.rename_refuse").reason == "与营业执照名称不符"
    assert Message.objects.get(recipient=users["hospitaladmin"]).category == "return"
    # A returned request is closed: the unit may ask again.
    again = basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    assert again.status == NameChangeStatus.PENDING


def test_a_second_request_while_one_is_open_is_refused(users, hospital, approval_on):
    basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    with pytest.raises(DomainError, match="已有一份更名申请正在等待归口部门审核") as refused:
        basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name="另一个名称")
    assert refused.value.code == "rename_pending"
    assert OrganisationNameChange.objects.filter(organisation=hospital).count() == 1


def test_a_sibling_cannot_ask_for_a_name_another_sibling_is_waiting_for(users, orgs, hospital, approval_on):
    from tests.personas import persona

    second = organisation(parent=orgs["杭州市卫生健康委员会"], name="杭州市第二人民医院")
    second_admin = persona(organisation=second)
    basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    with pytest.raises(DomainError, match="已有单位申请更名为"):
        basic_info.request_rename(actor=second_admin, employer_id=second.pk, new_name=NEW_NAME)


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ("jyjadmin", Http404, None),  # another department: does not even see the unit
        ("hzadmin", NotAllowed, "只有该单位的归口部门（杭州市卫生健康委员会）可以审核"),  # above, not the 归口部门
        ("zjadmin", NotAllowed, "只有该单位的归口部门"),
        ("wjwreview", NotAllowed, "只有该单位的归口部门"),  # the department's reviewer is not its administrator
        ("hospitaladmin", NotAllowed, "只有该单位的归口部门"),  # the unit cannot approve itself
    ],
)
def test_only_the_parents_administrator_decides(users, hospital, approval_on, who, error, message):
    change = basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    for decide in (
        lambda: basic_info.approve_rename(actor=users[who], change_id=change.pk),
        lambda: basic_info.refuse_rename(actor=users[who], change_id=change.pk, reason="不同意"),
    ):
        with pytest.raises(error, match=message):
            decide()
    change.refresh_from_db()
    hospital.refresh_from_db()
    assert change.status == NameChangeStatus.PENDING and hospital.name == HOSPITAL
    assert not AuditEvent.objects.filter(action__in=["employer.rename_approve", "employer.rename_refuse"]).exists()


def test_a_decided_request_cannot_be_decided_again(users, hospital, approval_on):
    change = basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    basic_info.approve_rename(actor=users["wjwadmin"], change_id=change.pk)
    with pytest.raises(Conflict, match="已处理（已生效）"):
        basic_info.approve_rename(actor=users["wjwadmin"], change_id=change.pk)
    with pytest.raises(Conflict):
        basic_info.refuse_rename(actor=users["wjwadmin"], change_id=change.pk, reason="晚了")
    with pytest.raises(Conflict):
        basic_info.withdraw_rename(actor=users["hospitaladmin"], change_id=change.pk)
    assert AuditEvent.objects.filter(action="employer.rename_approve").count() == 1


def test_approval_checks_the_name_again(users, orgs, hospital, approval_on):
    """Between the request and the decision another unit may have taken the name under the same parent."""
    change = basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    Organisation.objects.filter(pk=organisation(parent=orgs["杭州市卫生健康委员会"]).pk).update(name=NEW_NAME)
    with pytest.raises(DomainError, match="已有名为"):
        basic_info.approve_rename(actor=users["wjwadmin"], change_id=change.pk)
    change.refresh_from_db()
    assert change.status == NameChangeStatus.PENDING


def test_the_unit_withdraws_its_request(users, hospital, approval_on):
    change = basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    with pytest.raises(NotAllowed):
        basic_info.withdraw_rename(actor=users["wjwadmin"], change_id=change.pk)
    with pytest.raises(Http404):
        basic_info.withdraw_rename(actor=users["schooladmin"], change_id=change.pk)
    basic_info.withdraw_rename(actor=users["hospitaladmin"], change_id=change.pk)
    change.refresh_from_db()
    assert change.status == NameChangeStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="employer.rename_withdraw").exists()


def test_other_basic_fields_change_at_once_while_a_rename_waits(users, hospital, approval_on):
    basic_info.request_rename(actor=users["hospitaladmin"], employer_id=hospital.pk, new_name=NEW_NAME)
    basic_info.update_basic_info(actor=users["hospitaladmin"], employer_id=hospital.pk, info=_info(address="新址"))
    hospital.refresh_from_db()
    assert hospital.address == "新址" and hospital.name == HOSPITAL
