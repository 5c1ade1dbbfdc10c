"""Every decision of the review chain. Status moves go through declarations.workflow.transition.

Each decision locks the declaration row, checks that it is still at the deciding organisation's desk
with the version the reviewer saw, and writes the 审核记录 and the audit row in the same transaction:
two reviewers acting at once give one decision and one “已被他人处理，请刷新”.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access.policies import can, require
from title_review.attachments.services import unlock_attachments
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.policies import get_policy
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Action, Status, transition
from title_review.organisations.models import Organisation, OrganisationKind

from .models import (
    CheckItem,
    CheckResult,
    InternalOpinion,
    Objection,
    ObjectionStatus,
    OpinionRequirement,
    OpinionSlot,
    Publicity,
)
from .routing import chain_for

STALE = "已被他人处理，请刷新后再操作。"
DESK_CAPABILITIES = ("review.department", "review.qualification", "review.return")
SECTIONS = ("基本信息", "学历学位", "工作经历", "继续教育", "年度考核", "业绩成果", "专项栏目", "附件")


def today() -> dt.date:
    return timezone.localdate()


def _working_days_after(start: dt.date, count: int, *, include_start: bool = True) -> dt.date:
    from title_review.system.workdays import add_working_days

    return add_working_days(start, count, include_start=include_start)


def _notify(declaration: Declaration, *, title: str, body: str, category: str, sms: bool = True) -> None:
    """站内信 (and SMS after commit) to the applicant and, if someone else filled it, to the filler."""
    from title_review.notifications.services import notify

    recipients = [declaration.applicant]
    if declaration.filled_by_id != declaration.applicant_id:
        recipients.append(declaration.filled_by)
    notify(
        recipients=recipients,
        title=title,
        body=body,
        link=f"/reviews/track/{declaration.pk}/",
        category=category,
        sms=sms,
    )


def _lock(declaration_id: int) -> Declaration:
    declaration = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("round", "employer", "current_org", "applicant", "filled_by")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise Http404
    return declaration


def _at_desk(actor: Any, declaration_id: int, version: int | None, capability: str) -> Declaration:
    """The locked declaration, if it is at a desk where `actor` holds `capability`.

    Outside what the actor may see at all: 404. Seen with an older version, or moved on since: stale.
    Never at this actor's desk (e.g. an API call that skips a level): a refusal naming where it is.
    """
    declaration = _lock(declaration_id)
    visible = can(actor, "declaration.view", declaration.employer) or can(actor, capability, declaration.current_org)
    if not visible:
        raise Http404
    if version is not None and version != declaration.version:
        raise DomainError(STALE, code="stale")
    desk = declaration.current_org
    other_roles = [c for c in DESK_CAPABILITIES if c != capability]
    if desk is not None and not can(actor, capability, desk) and any(can(actor, c, desk) for c in other_roles):
        raise DomainError(
            "您的审核角色不能办理此项操作：资格审查经办办理逐项审查、受理和不予受理，退回审查办理退回。",
            code="role_not_allowed",
        )
    if declaration.current_org is None or not can(actor, capability, declaration.current_org):
        where = declaration.current_org.name if declaration.current_org else declaration.get_status_display()
        raise DomainError(f"该申报材料不在您的审核环节（当前：{where}），不能办理。", code="not_at_desk")
    return declaration


def _reason_required(reason: str, what: str = "退回理由") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"请填写{what}。", code="reason_required")
    return reason


def _clean_sections(sections: Iterable[str] | None) -> list[str]:
    chosen = [s for s in (sections or []) if s]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise DomainError(f"未知的栏目：{'、'.join(unknown)}。")
    return chosen


def _level_of(org: Organisation) -> str:
    if org.kind == OrganisationKind.TITLE_OFFICE:
        return "职改办"
    if org.kind in (OrganisationKind.EMPLOYER,):
        return "单位"
    if org.kind == OrganisationKind.AGENCY:
        return "人事代理机构"
    return "主管部门"


# ---------------------------------------------------------------- employer


def required_slots(employer: Organisation) -> list[str]:
    row = OpinionRequirement.objects.filter(employer=employer).first()
    return list(row.slots) if row else []


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
        raise DomainError("未知的意见类别。")
    if declaration.status != Status.WITH_EMPLOYER:
        raise DomainError("只有待单位审核的申报材料可以填写内部审核意见。")
    if not actor.has_sub_permission(slot):
        raise DomainError(f"该账号没有填写“{OpinionSlot(slot).label}”意见的权限。")
    text = _reason_required(opinion, "意见")
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
    if publicity is None or publicity.ends_on >= (on or today()):
        return False
    return not declaration.objections.exclude(status=ObjectionStatus.DISMISSED).exists()


@transaction.atomic
def employer_pass(*, actor: Any, declaration_id: int, version: int, opinion: str) -> Declaration:
    """单位审核通过 with the 单位意见; on to 单位内部公示 (or straight to 待上报 if it was already publicised)."""
    declaration = _at_desk(actor, declaration_id, version, "review.employer")
    text = _reason_required(opinion, "单位意见")
    missing = [
        str(OpinionSlot(s).label)
        for s in required_slots(declaration.employer)
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
        raise DomainError("请选择要公示的申报材料。")
    if starts_on is None:
        raise DomainError("请填写公示开始日期。")
    declarations = [_at_desk(actor, pk, None, "review.employer") for pk in sorted(set(declaration_ids))]
    if any(d.employer_id != employer.pk for d in declarations):
        raise Http404
    rounds = {d.round_id for d in declarations}
    if len(rounds) != 1:
        raise DomainError("一次公示只能包含同一评审活动的申报材料。")
    round_ = declarations[0].round
    if starts_on < timezone.localtime(round_.opens_at).date():
        raise DomainError("公示开始日期不能早于该评审活动开始申报的日期。")
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
        received_on=received_on or today(),
        content=_reason_required(content, "异议内容"),
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
    objection.handling = _reason_required(handling, "处理情况")
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
    name = _reason_required(operator_name, "经办人姓名")
    phone = _reason_required(operator_phone, "经办人联系电话")
    if not items:
        raise DomainError("请选择要上报的申报材料。")
    on = today()
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


# ---------------------------------------------------------------- departments and offices


def _next_in_chain(declaration: Declaration) -> tuple[Organisation | None, bool]:
    """The organisation after the current desk, and whether it is the accepting office."""
    chain = list(declaration.chain or [])
    try:
        position = chain.index(declaration.current_org_id)
    except ValueError:
        return None, False
    if position + 1 >= len(chain):
        return None, False
    nxt = Organisation.objects.get(pk=chain[position + 1])
    return nxt, position + 1 == len(chain) - 1


@transaction.atomic
def department_pass(*, actor: Any, declaration_id: int, version: int, opinion: str = "") -> Declaration:
    """主管部门审核通过: on to the next level of the chain (the last is the accepting title office)."""
    declaration = _at_desk(actor, declaration_id, version, "review.department")
    if declaration.status != Status.IN_REVIEW:
        raise DomainError(f"“{declaration.get_status_display()}”状态的申报材料不能在主管部门审核。")
    nxt, to_office = _next_in_chain(declaration)
    if nxt is None:
        raise DomainError("审核路径有误，请联系职改办。")
    here = declaration.current_org
    transition(
        declaration,
        Action.PASS_TO_OFFICE if to_office else Action.PASS,
        actor=actor,
        organisation=here,
        level=_level_of(here),  # type: ignore[arg-type]
        reason=(opinion or "").strip() or "同意上报",
        next_org=nxt,
    )
    return declaration


@transaction.atomic
def batch_pass(*, actor: Any, items: list[tuple[int, int]], opinion: str = "") -> int:
    """批量审核通过: all or nothing, each with the version the reviewer saw."""
    if not items:
        raise DomainError("请选择要审核通过的申报材料。")
    unique = sorted(set(items))
    for declaration_id, version in unique:
        department_pass(actor=actor, declaration_id=declaration_id, version=version, opinion=opinion)
    return len(unique)


@transaction.atomic
def return_declaration(
    *,
    actor: Any,
    declaration_id: int,
    version: int,
    reason: str,
    sections: list[str] | None = None,
    correction_days: int | None = None,
    correction_items: list[str] | None = None,
) -> Declaration:
    """退回 by a department or the title office (退回审查), with a reason naming the sections to fix.

    With `correction_days`, it is the one-time 补正 notice: every defect listed, a deadline in working
    days; a declaration not resubmitted by then counts as withdrawn (expire_corrections).
    """
    declaration = _lock(declaration_id)
    capability = "review.return" if declaration.status == Status.QUALIFICATION_CHECK else "review.department"
    declaration = _at_desk(actor, declaration_id, version, capability)
    if declaration.status not in (Status.IN_REVIEW, Status.QUALIFICATION_CHECK):
        raise DomainError(f"“{declaration.get_status_display()}”状态的申报材料不能在此退回。")
    text = _reason_required(reason)
    fields: tuple[str, ...] = ()
    if correction_days is not None:
        if declaration.correction_deadline is not None:
            raise DomainError("补正通知只能一次性告知，这份申报材料已发过补正通知。", code="correction_used")
        items = [i.strip() for i in (correction_items or []) if i and i.strip()]
        if not items:
            raise DomainError("补正通知须逐项列明需补正的内容。")
        if not 1 <= int(correction_days) <= 30:
            raise DomainError("补正期限请填写 1 到 30 个工作日。")
        declaration.correction_items = items
        declaration.correction_deadline = _working_days_after(today(), int(correction_days), include_start=False)
        declaration.correction_reminded = False
        declaration.correction_open = True
        fields = ("correction_items", "correction_deadline", "correction_reminded", "correction_open")
        text = f"{text}（补正截止 {declaration.correction_deadline:%Y-%m-%d}：{'；'.join(items)}）"
    here = declaration.current_org
    transition(
        declaration,
        Action.RETURN,
        actor=actor,
        organisation=here,
        level=_level_of(here),  # type: ignore[arg-type]
        reason=text,
        sections=_clean_sections(sections),
        next_org=None,
        extra_fields=fields,
    )
    unlock_attachments(target=declaration)
    # A resubmission brings a new snapshot: the qualification check starts again from nothing.
    CheckItem.objects.filter(declaration=declaration).delete()
    _notify(
        declaration,
        title="申报材料被退回",
        body=f"您在“{declaration.round.title}”的申报材料被{here.name}退回：{text}",  # type: ignore[union-attr]
        category="return",
    )
    return declaration


def check_items_of(declaration: Declaration) -> list[tuple[str, str]]:
    """The items of the received snapshot a 资格审查经办 verifies: every record row and attachment."""
    snapshot = declaration.snapshot or {}
    labels = {
        "education": "学历学位",
        "work": "工作经历",
        "training": "继续教育",
        "appraisal": "年度考核",
        "achievement": "业绩成果",
    }
    items = []
    for section, rows in (snapshot.get("records") or {}).items():
        for row in rows:
            title = row.get("title") or row.get("school") or row.get("employer") or row.get("year") or row.get("id")
            items.append((f"{section}.{row.get('id')}", f"{labels.get(section, section)}：{title}"))
    for attachment in snapshot.get("attachments") or []:
        items.append((f"attachment.{attachment['id']}", f"附件：{attachment['name']}"))
    return items


@transaction.atomic
def check_item(*, actor: Any, declaration_id: int, key: str, verified: bool, reason: str = "") -> CheckItem:
    """资格审查经办 marks one item verified, or flagged with a reason."""
    declaration = _at_desk(actor, declaration_id, None, "review.qualification")
    if declaration.status != Status.QUALIFICATION_CHECK:
        raise DomainError("只有资格审查中的申报材料可以逐项审查。")
    labels = dict(check_items_of(declaration))
    if key not in labels:
        raise DomainError("没有这个审查项。")
    if not verified:
        reason = _reason_required(reason, "问题说明")
    item, _created = CheckItem.objects.update_or_create(
        declaration=declaration,
        key=key,
        defaults={
            "label": labels[key][:200],
            "result": CheckResult.VERIFIED if verified else CheckResult.FLAGGED,
            "reason": "" if verified else reason[:300],
            "checked_by": actor,
        },
    )
    record_event(
        actor=actor,
        action="review.check_item",
        obj=declaration,
        organisation=declaration.current_org,
        after={"key": key, "result": item.result},
        reason=item.reason,
    )
    return item


@transaction.atomic
def accept(*, actor: Any, declaration_id: int, version: int) -> Declaration:
    """受理: every item of the snapshot verified; the declaration joins the list for the committee."""
    declaration = _at_desk(actor, declaration_id, version, "review.qualification")
    if declaration.status != Status.QUALIFICATION_CHECK:
        raise DomainError(f"“{declaration.get_status_display()}”状态的申报材料不能受理。")
    results = dict(CheckItem.objects.filter(declaration=declaration).values_list("key", "result"))
    unchecked = [label for key, label in check_items_of(declaration) if key not in results]
    if unchecked:
        raise DomainError(f"还有 {len(unchecked)} 项未审查：{'、'.join(unchecked[:5])}。", code="unchecked")
    if CheckResult.FLAGGED in results.values():
        raise DomainError("有存在问题的审查项，不能受理；请退回补正或不予受理。", code="flagged")
    here = declaration.current_org
    transition(
        declaration, Action.ACCEPT, actor=actor, organisation=here, level="职改办", reason="资格审查通过", next_org=here
    )
    _notify(
        declaration,
        title="申报材料已受理",
        body=f"您在“{declaration.round.title}”的申报材料已通过资格审查并受理，等待评委会评审。",
        category="accept",
    )
    return declaration


@transaction.atomic
def reject(*, actor: Any, declaration_id: int, version: int, reason: str, basis: str) -> Declaration:
    """不予受理: with the reason and its policy basis; final for this round."""
    declaration = _at_desk(actor, declaration_id, version, "review.qualification")
    text = _reason_required(reason, "不予受理理由")
    basis = _reason_required(basis, "政策依据")
    here = declaration.current_org
    transition(
        declaration,
        Action.REJECT,
        actor=actor,
        organisation=here,
        level="职改办",
        reason=f"{text}（依据：{basis}）",
        next_org=None,
    )
    _notify(
        declaration,
        title="申报材料不予受理",
        body=f"您在“{declaration.round.title}”的申报材料不予受理：{text}（依据：{basis}）",
        category="notice",
    )
    return declaration


# ---------------------------------------------------------------- 归口部门 and scheduled work


def recall_forwarded(*, actor: Any, employer: Organisation, reason: str) -> int:
    """修改归口部门: every forwarded declaration still in review returns to 待上报 at the employer.

    Runs inside the caller's transaction (organisations.employers.move_employer).
    """
    count = 0
    rows = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("current_org", "employer")
        .filter(employer=employer, status__in=(Status.IN_REVIEW, Status.QUALIFICATION_CHECK))
    )
    for declaration in rows:
        declaration.chain = []
        transition(
            declaration,
            Action.RECALL,
            actor=actor,
            organisation=employer,
            level="单位",
            reason=reason or "单位修改归口部门，已上报的材料退回待上报",
            next_org=employer,
            extra_fields=("chain",),
        )
        count += 1
    return count


@transaction.atomic
def end_publicities(*, on: dt.date | None = None) -> int:
    """Scheduled: publicities whose last day has passed, with no open objection, become 待上报."""
    on = on or today()
    count = 0
    rows = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("publicity", "employer")
        .filter(status=Status.IN_PUBLICITY, publicity__ends_on__lt=on)
    )
    for declaration in rows:
        count += _end_publicity_if_due(declaration, on)
    return count


@transaction.atomic
def expire_corrections(*, on: dt.date | None = None) -> int:
    """Scheduled: a returned declaration not resubmitted by its 补正 deadline counts as withdrawn."""
    on = on or today()
    count = 0
    rows = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("employer", "round", "applicant")
        .filter(status=Status.RETURNED, correction_open=True, correction_deadline__lt=on)
    )
    for declaration in rows:
        transition(
            declaration,
            Action.EXPIRE,
            actor=None,
            organisation=None,
            level="系统",
            reason=f"补正截止日期 {declaration.correction_deadline:%Y-%m-%d} 已过，未重新提交",
            next_org=None,
        )
        declaration.correction_open = False
        declaration.save(update_fields=["correction_open", "updated_at"])
        _notify(
            declaration,
            title="申报材料逾期未补正",
            body=f"您在“{declaration.round.title}”的申报材料未在补正截止日期前重新提交，视为撤回。",
            category="deadline",
        )
        count += 1
    return count


@transaction.atomic
def remind_corrections(*, on: dt.date | None = None) -> int:
    """Scheduled: remind applicants two working days (policy) before their 补正 deadline, once."""
    on = on or today()
    ahead = int(get_policy("correction.reminder_working_days"))
    # Due when the deadline is at most `ahead` working days after today.
    horizon = _working_days_after(on, ahead, include_start=False)
    count = 0
    rows = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("round", "applicant", "filled_by")
        .filter(
            status=Status.RETURNED,
            correction_open=True,
            correction_reminded=False,
            correction_deadline__gte=on,
            correction_deadline__lte=horizon,
        )
    )
    for declaration in rows:
        _notify(
            declaration,
            title="补正即将截止",
            body=(
                f"您在“{declaration.round.title}”的申报材料须在 {declaration.correction_deadline:%Y-%m-%d} 前"
                "补正并重新提交，逾期视为撤回。"
            ),
            category="deadline",
        )
        declaration.correction_reminded = True
        declaration.save(update_fields=["correction_reminded", "updated_at"])
        count += 1
    return count


def run_scheduled(*, on: dt.date | None = None) -> dict[str, int]:
    """The daily review-chain jobs (manage.py run_review_jobs; the job runner calls it)."""
    return {
        "publicities_ended": end_publicities(on=on),
        "corrections_expired": expire_corrections(on=on),
        "reminders_sent": remind_corrections(on=on),
    }
