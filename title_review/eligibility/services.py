"""Every write to the 诚信档案: record a ban, lift one early. Both audited; neither deletes a row."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access.policies import require
from title_review.accounts.models import User
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.identity import mask_identity, validate_identity
from title_review.core.policies import get_policy
from title_review.core.text import clean_name
from title_review.dictionaries.selectors import active_entries
from title_review.organisations.models import Organisation, OrganisationKind

from .models import IntegrityKind, IntegrityRecord, IntegrityStatus

BAN_YEARS_POLICY = "integrity.ban_years"


def default_ban_until(starts_on: dt.date) -> dt.date:
    """`starts_on` plus the policy's ban years, on the same day of the month (Feb 29 → Feb 28).

    The anniversary itself is the last barred day, as a period of N years ends on its N-th
    anniversary (《民法典》第二百零三条, the counting rule of the precheck).
    """
    years = int(get_policy(BAN_YEARS_POLICY))
    try:
        return starts_on.replace(year=starts_on.year + years)
    except ValueError:  # Feb 29 in a year without one
        return starts_on.replace(year=starts_on.year + years, day=28)


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@transaction.atomic
def record_integrity_ban(
    *,
    actor: Any,
    organisation_id: int,
    id_type: str,
    id_number: str,
    name: str,
    reason: str,
    basis: str,
    starts_on: dt.date,
    ban_until: dt.date | None = None,
    kind: str = IntegrityKind.BAN,
) -> IntegrityRecord:
    """新增诚信记录: bar the person from declaring from `starts_on` to `ban_until` (both included).

    `organisation_id` is the recording title office, inside the actor's `integrity.manage` subtree.
    `ban_until` defaults to `starts_on` plus the policy `integrity.ban_years` (3 by default) for a ban;
    a 处分 (`kind` DISCIPLINE) names the last day of its 处分期 itself.
    """
    # The office row is locked so that two clicks on 保存 queue up and the second finds the first record.
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    require(actor, "integrity.manage", organisation, message="只有职改办管理员可以新增诚信记录。")
    if organisation.kind != OrganisationKind.TITLE_OFFICE:
        raise DomainError("诚信记录须由职改办记录，请选择职称工作领导小组办公室作为记录机构。")
    if not active_entries("id_type").filter(code=id_type).exists():
        raise DomainError("请选择证件类型。")
    number = validate_identity(id_type, id_number).number
    name = clean_name(name)
    if not name:
        raise DomainError("请填写姓名。")
    if len(name) > 50:
        raise DomainError("姓名不能超过 50 个字。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写记录事由，例如：申报材料弄虚作假。")
    basis = (basis or "").strip()
    if len(basis) > 200:
        raise DomainError("文件依据不能超过 200 个字。")
    if kind not in IntegrityKind.values:
        raise DomainError("请选择记录类别：诚信记录或处分。")
    if starts_on is None:
        raise DomainError("请填写开始日期。")
    if ban_until is None and kind == IntegrityKind.DISCIPLINE:
        raise DomainError("请填写处分期的截止日期（禁止申报截止日期）。")
    if ban_until is None:
        ban_until = default_ban_until(starts_on)
    elif ban_until < starts_on:
        raise DomainError(
            f"禁止申报截止日期（{_chinese_date(ban_until)}）不能早于开始日期（{_chinese_date(starts_on)}）。"
        )
    if IntegrityRecord.objects.filter(
        kind=kind, id_number=number, starts_on=starts_on, ban_until=ban_until, lifted_at__isnull=True
    ).exists():
        raise DomainError(
            f"该证件号码已有 {_chinese_date(starts_on)} 至 {_chinese_date(ban_until)} 的诚信记录，请勿重复录入。"
        )
    person = User.objects.filter(id_number=number).order_by("pk").first()
    record = IntegrityRecord.objects.create(
        kind=kind,
        id_type=id_type,
        id_number=number,
        name=name,
        person=person,
        reason=reason,
        basis=basis,
        starts_on=starts_on,
        ban_until=ban_until,
        recorded_by=actor,
        organisation=organisation,
    )
    record_event(
        actor=actor,
        action="integrity.record",
        obj=record,
        after={
            "kind": str(IntegrityKind(kind).label),
            "id_type": id_type,
            "id_number": mask_identity(number),
            "name": name,
            "reason": reason,
            "basis": basis,
            "starts_on": starts_on.isoformat(),
            "ban_until": ban_until.isoformat(),
        },
        organisation=organisation,
    )
    return record


@transaction.atomic
def lift_integrity_ban(*, actor: Any, record_id: int, reason: str) -> IntegrityRecord:
    """解除: end a ban early. The row stays, with who lifted it, when and why."""
    record = (
        IntegrityRecord.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise Http404
    require(actor, "integrity.manage", record, message="只有职改办管理员可以解除诚信记录。")
    if record.lifted_at is not None:
        lifted = timezone.localtime(record.lifted_at).date()
        raise DomainError(f"该诚信记录已于 {_chinese_date(lifted)} 解除，不能重复解除。")
    today = timezone.localdate()
    if record.status_on(today) == IntegrityStatus.EXPIRED:
        raise DomainError(f"该诚信记录已于 {_chinese_date(record.ban_until)} 到期，无需解除。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写解除原因，例如：复核后撤销原处理决定。")
    before = {"status": str(record.status_on(today).label), "ban_until": record.ban_until.isoformat()}
    record.lifted_at = timezone.now()
    record.lifted_by = actor
    record.lift_reason = reason
    record.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
    record_event(
        actor=actor,
        action="integrity.lift",
        obj=record,
        before=before,
        after={"status": str(IntegrityStatus.LIFTED.label), "id_number": mask_identity(record.id_number)},
        reason=reason,
        organisation=record.organisation,
    )
    return record
