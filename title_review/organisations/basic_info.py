"""单位基本信息 and 更名记录: the unit edits its basic information; a rename is recorded, and waits for the
归口部门's approval when the province so sets (policy `employer.rename_needs_approval`).

The words are those of the Hangzhou unit manual (单位信息, 更名记录, 联系人信息; 2.2 基本信息管理).
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from title_review.access import scoped
from title_review.access.models import RoleGrant
from title_review.access.policies import require
from title_review.accounts.models import User
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError, NotAllowed
from title_review.core.policies import get_policy
from title_review.core.text import clean_name
from title_review.dictionaries.models import Entry
from title_review.dictionaries.selectors import active_entries
from title_review.notifications.services import notify

from .models import EmployerProfile, NameChangeStatus, Organisation, OrganisationKind, OrganisationNameChange
from .services import ADMIN_ROLE_FOR_KIND

NAME_MAX_LENGTH = 200
REASON_MAX_LENGTH = 200


@dataclass(frozen=True)
class BasicInfo:
    """单位基本信息 other than the name (the name changes only through a rename). Codes for the code tables."""

    legal_representative: str
    nature: str
    industry: str
    region: str
    address: str
    contact_person: str
    contact_phone: str
    email: str


def profile_of(employer: Organisation) -> EmployerProfile | None:
    """The unit's registration record (none for units an office created), with its code-table entries."""
    return EmployerProfile.objects.filter(organisation=employer).select_related("nature", "industry").first()


def basic_info_of(employer: Organisation, profile: EmployerProfile | None) -> dict[str, Any]:
    """What the unit's basic information is now (the form's initial values, the API's answer), from the unit
    and its `profile_of`."""
    return {
        "legal_representative": profile.legal_representative if profile else "",
        "nature": profile.nature.code if profile else "",
        "industry": profile.industry.code if profile else "",
        "region": employer.region.code,
        "address": employer.address,
        "contact_person": employer.contact_person,
        "contact_phone": employer.contact_phone,
        "email": profile.email if profile else "",
    }


def _entry(type_code: str, code: str, field: str, label: str) -> Entry:
    entry = active_entries(type_code).filter(code=(code or "").strip()).first()
    if entry is None:
        raise DomainError(f"请选择{label}。", field=field)
    return entry


def _text(value: str, field: str, label: str) -> str:
    """`value` without surrounding spaces; invisible characters refused, naming the input."""
    try:
        return clean_name(value, label)
    except DomainError as exc:
        raise DomainError(exc.message, field=field) from exc


def _required_text(value: str, field: str, label: str, max_length: int) -> str:
    text = _text(value, field, label)
    if not text:
        raise DomainError(f"请填写{label}。", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过 {max_length} 个字。", field=field)
    return text


def _locked_employer(actor: Any, employer_id: int, *, with_parent: bool = False) -> Organisation:
    """The unit, locked; with its parent locked too when siblings' names matter (a rename), so that two
    units under one 归口部门 cannot take the same name at once. Child before parent, as 修改归口部门 locks."""
    employer = Organisation.objects.select_for_update().filter(pk=employer_id).first()
    if employer is None:
        raise Http404
    require(actor, "employer.manage", employer)
    if with_parent and employer.parent_id:
        employer.parent = Organisation.objects.select_for_update().get(pk=employer.parent_id)
    return employer


@transaction.atomic
def update_basic_info(*, actor: Any, employer_id: int, info: BasicInfo) -> Organisation:
    """基本信息管理: the unit's administrator changes its basic information; it takes effect at once."""
    employer = _locked_employer(actor, employer_id)
    legal = _required_text(info.legal_representative, "legal_representative", "法定代表人", 50)
    nature = _entry("employer_nature", info.nature, "nature", "单位性质")
    industry = _entry("industry", info.industry, "industry", "单位行业")
    region = _entry("region", info.region, "region", "单位所在地")
    address = _required_text(info.address, "address", "单位地址", 200)
    contact_person = _required_text(info.contact_person, "contact_person", "联系人", 50)
    contact_phone = _required_text(info.contact_phone, "contact_phone", "联系电话", 30)
    email = (info.email or "").strip()
    try:
        if email:
            validate_email(email)
    except ValidationError as exc:
        raise DomainError("电子邮箱格式不正确。", field="email") from exc
    before = basic_info_of(employer, profile_of(employer))
    employer.region = region
    employer.address = address
    employer.contact_person = contact_person
    employer.contact_phone = contact_phone
    employer.save(update_fields=["region", "address", "contact_person", "contact_phone", "updated_at"])
    profile = EmployerProfile.objects.select_for_update().filter(organisation=employer).first()
    if profile is None:
        # Units created by an office (or the demo tree) have no registration record yet: the first save makes
        # one, without a licence scan (the registration page is where that is uploaded).
        profile = EmployerProfile(organisation=employer)
    profile.legal_representative = legal
    profile.nature = nature
    profile.industry = industry
    profile.licence_type = (nature.attributes or {}).get("licence", profile.licence_type or "")
    profile.email = email
    profile.save()
    after = basic_info_of(employer, profile)
    changed = {key for key in after if after[key] != before[key]}
    if changed:
        record_event(
            actor=actor,
            action="employer.change",
            obj=employer,
            before={k: before[k] for k in sorted(changed)},
            after={k: after[k] for k in sorted(changed)},
            organisation=employer,
        )
    return employer


# ---- 更名 -----------------------------------------------------------------------------------------


def rename_needs_approval() -> bool:
    return bool(get_policy("employer.rename_needs_approval"))


def _check_new_name(employer: Organisation, new_name: str) -> str:
    name = _text(new_name, "new_name", "单位名称")
    if not name:
        raise DomainError("请填写新的单位名称。", code="name_required", field="new_name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"单位名称不能超过 {NAME_MAX_LENGTH} 个字。", field="new_name")
    if name == employer.name:
        raise DomainError("新名称与现用名称相同，无需更名。", code="same_name", field="new_name")
    parent_name = employer.parent.name if employer.parent else "本级"
    siblings = Organisation.objects.filter(parent_id=employer.parent_id).exclude(pk=employer.pk)
    if siblings.filter(name=name).exists():
        raise DomainError(f"“{parent_name}”下已有名为“{name}”的单位。", code="name_taken", field="new_name")
    if OrganisationNameChange.objects.filter(
        organisation__in=siblings, status=NameChangeStatus.PENDING, new_name=name
    ).exists():
        raise DomainError(
            f"“{parent_name}”下已有单位申请更名为“{name}”，正在等待审核。", code="name_taken", field="new_name"
        )
    return name


def _apply(employer: Organisation, change: OrganisationNameChange) -> None:
    employer.name = change.new_name
    employer.save(update_fields=["name", "updated_at"])


def _administrators(organisation: Organisation | None) -> QuerySet[User]:
    """The active administrators of an organisation (who hear of a rename to decide or its outcome)."""
    if organisation is None:
        return User.objects.none()
    role = ADMIN_ROLE_FOR_KIND.get(OrganisationKind(organisation.kind))
    holders = RoleGrant.objects.filter(organisation=organisation, role=role).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True)


@transaction.atomic
def request_rename(*, actor: Any, employer_id: int, new_name: str, reason: str = "") -> OrganisationNameChange:
    """单位更名: the new name takes effect at once and is recorded, or — when the province so sets — waits
    for the 归口部门 to approve it (one open request per unit)."""
    employer = _locked_employer(actor, employer_id, with_parent=True)
    if OrganisationNameChange.objects.filter(organisation=employer, status=NameChangeStatus.PENDING).exists():
        raise DomainError(
            "本单位已有一份更名申请正在等待归口部门审核，请等审核结果，或先撤回该申请。",
            code="rename_pending",
            field="new_name",
        )
    name = _check_new_name(employer, new_name)
    reason = _text(reason, "reason", "更名原因")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(f"更名原因不能超过 {REASON_MAX_LENGTH} 个字。", field="reason")
    change = OrganisationNameChange(
        organisation=employer, old_name=employer.name, new_name=name, reason=reason, requested_by=actor
    )
    names = {"before": {"name": employer.name}, "after": {"name": name}}
    if not rename_needs_approval():
        change.status = NameChangeStatus.APPLIED
        change.decided_at = timezone.now()
        change.save()
        _apply(employer, change)
        record_event(actor=actor, action="employer.rename", obj=change, reason=reason, organisation=employer, **names)
        return change
    change.save()
    record_event(
        actor=actor, action="employer.rename_request", obj=change, reason=reason, organisation=employer, **names
    )
    notify(
        recipients=_administrators(employer.parent),
        title=f"单位更名申请：{employer.name}",
        body=f"“{employer.name}”申请更名为“{name}”。" + (f"更名原因：{reason}" if reason else "") + "请审核。",
        link=reverse("organisations:detail", args=[employer.pk]),
    )
    return change


def _locked_change(actor: Any, change_id: int, purpose: str) -> OrganisationNameChange:
    """The change, locked; 404 when the actor may not even see it, a refusal when they see but may not act."""
    change = (
        OrganisationNameChange.objects.select_for_update(of=("self",))
        .select_related("organisation__parent")
        .filter(pk=change_id)
        .first()
    )
    if change is None or not scoped.name_changes.allows(actor, change, "view"):
        raise Http404
    if not scoped.name_changes.allows(actor, change, purpose):
        if purpose == "decide":
            parent = change.organisation.parent
            raise NotAllowed(f"只有该单位的归口部门（{parent.name if parent else '上级机构'}）可以审核更名申请。")
        raise NotAllowed("只有本单位的管理员可以撤回更名申请。")
    if change.status != NameChangeStatus.PENDING:
        raise Conflict(f"该更名申请已处理（{change.get_status_display()}），不能再次操作。", code="stale")
    return change


def _decided(change: OrganisationNameChange, actor: Any, status: str, reason: str = "") -> None:
    change.status = status
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_reason = reason
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])


@transaction.atomic
def approve_rename(*, actor: Any, change_id: int) -> OrganisationNameChange:
    """批准: the 归口部门 approves a pending rename; the new name takes effect and stays in 更名记录."""
    change = _locked_change(actor, change_id, "decide")
    employer = Organisation.objects.select_for_update().get(pk=change.organisation_id)
    if employer.parent_id:
        employer.parent = Organisation.objects.select_for_update().get(pk=employer.parent_id)
    # The tree may have changed since the request: the name is checked again against today's siblings.
    siblings = Organisation.objects.filter(parent_id=employer.parent_id).exclude(pk=employer.pk)
    if siblings.filter(name=change.new_name).exists():
        raise DomainError(
            f"“{employer.parent.name if employer.parent else '本级'}”下已有名为“{change.new_name}”的单位，"
            "不能批准；请退回并说明理由。",
            code="name_taken",
        )
    change.old_name = employer.name
    _decided(change, actor, NameChangeStatus.APPLIED)
    _apply(employer, change)
    record_event(
        actor=actor,
        action="employer.rename_approve",
        obj=change,
        before={"name": change.old_name},
        after={"name": change.new_name},
        organisation=employer,
    )
    notify(
        recipients=_administrators(employer),
        title="单位更名申请已批准",
        body=f"归口部门已批准本单位更名为“{change.new_name}”，新名称即日生效。",
        link=reverse("organisations:employer_info"),
    )
    return change


@transaction.atomic
def refuse_rename(*, actor: Any, change_id: int, reason: str) -> OrganisationNameChange:
    """退回: the 归口部门 returns a pending rename with its reason; the name stays as it was."""
    change = _locked_change(actor, change_id, "decide")
    reason = _text(reason, "reason", "退回理由")
    if not reason:
        raise DomainError("请填写退回理由。", code="reason_required", field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(f"退回理由不能超过 {REASON_MAX_LENGTH} 个字。", field="reason")
    _decided(change, actor, NameChangeStatus.REFUSED, reason)
    record_event(
        actor=actor,
        action="employer.rename_refuse",
        obj=change,
        after={"status": change.status, "new_name": change.new_name},
        reason=reason,
        organisation=change.organisation,
    )
    notify(
        recipients=_administrators(change.organisation),
        title="单位更名申请被退回",
        body=f"更名为“{change.new_name}”的申请被归口部门退回。退回理由：{reason}",
        link=reverse("organisations:employer_info"),
        category="return",
    )
    return change


@transaction.atomic
def withdraw_rename(*, actor: Any, change_id: int) -> OrganisationNameChange:
    """撤回: the unit takes back its own pending request (to correct the new name, say)."""
    change = _locked_change(actor, change_id, "withdraw")
    _decided(change, actor, NameChangeStatus.WITHDRAWN)
    record_event(
        actor=actor,
        action="employer.rename_withdraw",
        obj=change,
        after={"status": change.status, "new_name": change.new_name},
        organisation=change.organisation,
    )
    return change
