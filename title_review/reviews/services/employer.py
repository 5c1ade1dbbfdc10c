"""The employer's decisions: review, internal opinions, 单位内部公示 and objections, 上报."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access.policies import require
from title_review.attachments.services import unlock_attachments
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.policies import get_policy
from title_review.declarations.models import Declaration
from title_review.declarations.transitions import transition
from title_review.declarations.workflow import Action, Status
from title_review.organisations.models import Organisation

from ..models import (
    InternalOpinion,
    Objection,
    ObjectionStatus,
    OpinionRequirement,
    OpinionSlot,
    Publicity,
)
from ..routing import chain_for
from . import desk
from .desk import (
    _at_desk,
    _clean_sections,
    _level_of,
    _notify,
    _reason_required,
    _working_days_after,
)

# ---------------------------------------------------------------- employer


def required_slots(employer: Organisation) -> list[str]:
    row = OpinionRequirement.objects.filter(employer=employer).first()
    return list(row.slots) if row else []


# 职称申报系统客户端: 学工部 reviews the 学生思想政治工作 of young teachers, those under 40.
IDEOLOGY_AGE_LIMIT = 40


def under_age_at(birth_date: dt.date | None, on: dt.date, years: int = IDEOLOGY_AGE_LIMIT) -> bool:
    """Not yet `years` old on `on` (a 29 February birthday falls on 1 March in other years). An unknown
    birth date counts as under age: the slot stays, and the employer can still judge."""
    if birth_date is None:
        return True
    try:
        birthday = birth_date.replace(year=birth_date.year + years)
    except ValueError:
        birthday = dt.date(birth_date.year + years, 3, 1)
    return on < birthday


def slots_for(declaration: Declaration) -> list[str]:
    """The opinion slots this declaration needs: the employer's, with 思政 only for an applicant under 40
    on the round's 申报截止 day."""
    slots = required_slots(declaration.employer)
    if OpinionSlot.IDEOLOGY in slots:
        deadline = timezone.localdate(declaration.round.closes_at)
        if not under_age_at(declaration.applicant.birth_date, deadline):
            slots.remove(OpinionSlot.IDEOLOGY)
    return slots


@transaction.atomic
def set_required_slots(*, actor: Any, employer_id: int, slots: list[str]) -> OpinionRequirement:
    """Which internal opinions (院系考核, 师德, 教学, 论文审核, 思政) the employer collects before passing."""
    employer = Organisation.objects.get(pk=employer_id)
    require(actor, "employer.manage", employer)
    valid = [s for s in OpinionSlot.values if s in set(slots)]
    row, _created = OpinionRequirement.objects.update_or_create(employer=employer, defaults={"slots": valid})
    record_event(actor=actor, action="review.opinion_slots", obj=row, organisation=employer, after={"slots": valid})
    return row


@transaction.atomic
def give_internal_opinion(*, actor: Any, declaration_id: int, slot: str, agrees: bool, opinion: str) -> InternalOpinion:
    """An opinion slot, filled by a 工作账号 ticked for that slot (or the employer's administrator)."""
    declaration = _at_desk(actor, declaration_id, None, "review.opinion")
    if slot not in OpinionSlot.values:
        raise DomainError("未知的意见类别。", field="slot")
    if declaration.status != Status.WITH_EMPLOYER:
        raise DomainError("只有待单位审核的申报材料可以填写内部审核意见。")
    if not actor.has_sub_permission(slot):
        raise DomainError(f"该账号没有填写“{OpinionSlot(slot).label}”意见的权限。")
    if slot == OpinionSlot.IDEOLOGY and slot not in slots_for(declaration):
        raise DomainError(
            f"申报人在申报截止时已满 {IDEOLOGY_AGE_LIMIT} 周岁，无需填写思政意见。",
            code="slot_not_needed",
            field="slot",
        )
    text = _reason_required(opinion, "意见", "opinion")
    row, _created = InternalOpinion.objects.update_or_create(
        declaration=declaration, slot=slot, defaults={"agrees": agrees, "opinion": text, "author": actor}
    )
    record_event(
        actor=actor,
        action="review.internal_opinion",
        obj=declaration,
        organisation=declaration.employer,
        after={"slot": slot, "agrees": agrees},
    )
    return row


def publicity_finished(declaration: Declaration, on: dt.date | None = None) -> bool:
    """An earlier publicity of this declaration has ended with no open or upheld objection."""
    publicity = declaration.publicity
    if publicity is None or publicity.ends_on >= (on or desk.today()):
        return False
    return not declaration.objections.exclude(status=ObjectionStatus.DISMISSED).exists()


@transaction.atomic
def employer_pass(*, actor: Any, declaration_id: int, version: int, opinion: str) -> Declaration:
    """单位审核通过 with the 单位意见; on to 单位内部公示 (or straight to 待上报 if it was already publicised)."""
    declaration = _at_desk(actor, declaration_id, version, "review.employer")
    text = _reason_required(opinion, "单位意见", "opinion")
    missing = [
        str(OpinionSlot(s).label)
        for s in slots_for(declaration)
        if not declaration.internal_opinions.filter(slot=s).exists()
    ]
    if missing:
        raise DomainError(f"还缺少内部审核意见：{'、'.join(missing)}。", code="opinions_missing")
    declaration.employer_opinion = text
    declaration.employer_opinion_at = timezone.now()
    action = Action.PASS_PUBLICISED if publicity_finished(declaration) else Action.PASS_EMPLOYER
    transition(
        declaration,
        action,
        actor=actor,
        organisation=declaration.employer,
        level="单位",
        reason=text,
        next_org=declaration.employer,
        extra_fields=("employer_opinion", "employer_opinion_at"),
    )
    return declaration


def _return(
    declaration: Declaration, *, actor: Any, organisation: Organisation, reason: str, sections: list[str]
) -> None:
    transition(
        declaration,
        Action.RETURN,
        actor=actor,
        organisation=organisation,
        level=_level_of(organisation),
        reason=reason,
        sections=sections,
        next_org=None,
    )
    unlock_attachments(target=declaration)
    where = organisation.name
    _notify(
        declaration,
        title="申报材料被退回",
        body=f"您在“{declaration.round.title}”的申报材料被{where}退回：{reason}",
        category="return",
    )


@transaction.atomic
def employer_return(
    *, actor: Any, declaration_id: int, version: int, reason: str, sections: list[str] | None = None
) -> Declaration:
    """单位退回 to the applicant, with a reason (and the sections to fix)."""
    declaration = _at_desk(actor, declaration_id, version, "review.employer")
    _return(
        declaration,
        actor=actor,
        organisation=declaration.employer,
        reason=_reason_required(reason),
        sections=_clean_sections(sections),
    )
    return declaration


@transaction.atomic
def start_publicity(
    *,
    actor: Any,
    employer_id: int,
    declaration_ids: list[int],
    starts_on: dt.date,
    place: str = "",
    contact: str = "",
) -> Publicity:
    """单位内部公示 for a batch of passed declarations; ends after the policy's working days (≥ 5)."""
    employer = Organisation.objects.get(pk=employer_id)
    require(actor, "review.employer", employer)
    if not declaration_ids:
        raise DomainError("请选择要公示的申报材料。", field="declaration_ids")
    if starts_on is None:
        raise DomainError("请填写公示开始日期。", field="starts_on")
    declarations = [_at_desk(actor, pk, None, "review.employer") for pk in sorted(set(declaration_ids))]
    if any(d.employer_id != employer.pk for d in declarations):
        raise Http404
    rounds = {d.round_id for d in declarations}
    if len(rounds) != 1:
        raise DomainError("一次公示只能包含同一评审活动的申报材料。")
    round_ = declarations[0].round
    if starts_on < timezone.localtime(round_.opens_at).date():
        raise DomainError("公示开始日期不能早于该评审活动开始申报的日期。", field="starts_on")
    days = max(5, int(get_policy("publicity.working_days")))
    publicity = Publicity.objects.create(
        employer=employer,
        round=round_,
        starts_on=starts_on,
        ends_on=_working_days_after(starts_on, days),
        working_days=days,
        place=place.strip()[:200],
        contact=contact.strip()[:100],
        created_by=actor,
    )
    for declaration in declarations:
        if declaration.status != Status.EMPLOYER_PASSED:
            raise DomainError(
                f"{declaration.applicant.real_name}的申报材料当前为“{declaration.get_status_display()}”，不能公示。"
            )
        declaration.publicity = publicity
        transition(
            declaration,
            Action.PUBLICISE,
            actor=actor,
            organisation=employer,
            level="单位",
            reason=f"公示期 {publicity.starts_on:%Y-%m-%d} 至 {publicity.ends_on:%Y-%m-%d}",
            next_org=employer,
            extra_fields=("publicity",),
        )
    return publicity


@transaction.atomic
def record_objection(
    *, actor: Any, declaration_id: int, received_on: dt.date, content: str, raised_by: str = ""
) -> Objection:
    """An objection received during the publicity; while it is open the declaration cannot be forwarded."""
    declaration = _at_desk(actor, declaration_id, None, "review.employer")
    if declaration.status != Status.IN_PUBLICITY or declaration.publicity is None:
        raise DomainError("只能对公示中的申报材料登记异议。")
    objection = Objection.objects.create(
        publicity=declaration.publicity,
        declaration=declaration,
        received_on=received_on or desk.today(),
        content=_reason_required(content, "异议内容", "content"),
        raised_by=raised_by.strip()[:100],
        recorded_by=actor,
    )
    record_event(actor=actor, action="review.objection", obj=declaration, organisation=declaration.employer)
    return objection


@transaction.atomic
def handle_objection(*, actor: Any, objection_id: int, upheld: bool, handling: str) -> Objection:
    """异议处理: dismissed, or upheld — then the employer does not recommend the applicant this round."""
    objection = Objection.objects.select_for_update().filter(pk=objection_id).first()
    if objection is None:
        raise Http404
    declaration = _at_desk(actor, objection.declaration_id, None, "review.employer")
    if objection.status != ObjectionStatus.OPEN:
        raise DomainError("该异议已处理。", code="stale")
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.handling = _reason_required(handling, "处理情况", "handling")
    objection.handled_by = actor
    objection.handled_at = timezone.now()
    objection.save()
    if upheld:
        transition(
            declaration,
            Action.NOT_RECOMMEND,
            actor=actor,
            organisation=declaration.employer,
            level="单位",
            reason=objection.handling,
            next_org=None,
        )
    else:
        record_event(
            actor=actor, action="review.objection_dismissed", obj=declaration, organisation=declaration.employer
        )
    return objection


def _end_publicity_if_due(declaration: Declaration, on: dt.date, actor: Any = None) -> bool:
    if declaration.status != Status.IN_PUBLICITY or declaration.publicity is None:
        return False
    if declaration.publicity.ends_on >= on:
        return False
    if declaration.objections.filter(status=ObjectionStatus.OPEN).exists():
        return False
    transition(
        declaration,
        Action.END_PUBLICITY,
        actor=actor,
        organisation=declaration.employer,
        level="单位",
        reason=f"公示期满（{declaration.publicity.ends_on:%Y-%m-%d}），无异议",
        next_org=declaration.employer,
    )
    return True


@transaction.atomic
def forward(
    *, actor: Any, employer_id: int, items: list[tuple[int, int]], operator_name: str, operator_phone: str
) -> list[Declaration]:
    """上报材料: the selected declarations go to the first level of their chain; read-only from then on.

    All or nothing: one declaration that cannot go (publicity running, objection open, changed by
    someone else) stops the batch with its name.
    """
    employer = Organisation.objects.get(pk=employer_id)
    require(actor, "review.employer", employer)
    name = _reason_required(operator_name, "经办人姓名", "operator_name")
    phone = _reason_required(operator_phone, "经办人联系电话", "operator_phone")
    if not items:
        raise DomainError("请选择要上报的申报材料。", field="items")
    on = desk.today()
    done = []
    for declaration_id, version in sorted(set(items)):
        declaration = _at_desk(actor, declaration_id, version, "review.employer")
        who = declaration.applicant.real_name
        if declaration.status == Status.IN_PUBLICITY:
            if declaration.objections.filter(status=ObjectionStatus.OPEN).exists():
                raise DomainError(f"{who}的公示异议尚未处理完毕，不能上报。", code="objection_open")
            if not _end_publicity_if_due(declaration, on, actor):
                raise DomainError(
                    f"{who}的单位内部公示尚未结束（截止 {declaration.publicity.ends_on:%Y-%m-%d}），不能上报。",  # type: ignore[union-attr]
                    code="publicity_running",
                )
        if declaration.status != Status.READY_TO_FORWARD:
            raise DomainError(f"{who}的申报材料当前为“{declaration.get_status_display()}”，不能上报。")
        chain = chain_for(declaration)
        if not chain:
            raise DomainError(f"没有找到{who}所在单位的上级审核机构，请联系职改办。")
        declaration.chain = [o.pk for o in chain]
        declaration.forward_contact = {"name": name[:50], "phone": phone[:30]}
        first = chain[0]
        action = Action.FORWARD_TO_OFFICE if len(chain) == 1 else Action.FORWARD
        transition(
            declaration,
            action,
            actor=actor,
            organisation=employer,
            level="单位",
            reason=f"经办人 {name[:50]}，联系电话 {phone[:30]}",
            next_org=first,
            extra_fields=("chain", "forward_contact"),
        )
        done.append(declaration)
    return done
