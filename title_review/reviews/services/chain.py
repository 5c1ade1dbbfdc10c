"""Decisions above the employer: competent departments at any level and the title office's 资格审查."""

from typing import Any

from django.db import transaction

from title_review.attachments.services import unlock_attachments
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.declarations.models import Declaration
from title_review.declarations.transitions import transition
from title_review.declarations.workflow import Action, Status
from title_review.organisations.models import Organisation

from ..models import (
    CheckItem,
    CheckResult,
)
from . import desk
from .desk import (
    _at_desk,
    _clean_sections,
    _level_of,
    _lock,
    _notify,
    _reason_required,
    _working_days_after,
)

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
        raise DomainError("请选择要审核通过的申报材料。", field="items")
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
            raise DomainError(
                "补正通知只能一次性告知，这份申报材料已发过补正通知。", code="correction_used", field="correction_days"
            )
        items = [i.strip() for i in (correction_items or []) if i and i.strip()]
        if not items:
            raise DomainError("补正通知须逐项列明需补正的内容。", field="correction_items")
        if not 1 <= int(correction_days) <= 30:
            raise DomainError("补正期限请填写 1 到 30 个工作日。", field="correction_days")
        declaration.correction_items = items
        declaration.correction_deadline = _working_days_after(desk.today(), int(correction_days), include_start=False)
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
            title = (
                row.get("title") or row.get("school") or row.get("employer_name") or row.get("year") or row.get("id")
            )
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
        raise DomainError("没有这个审查项。", field="key")
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
    basis = _reason_required(basis, "政策依据", "basis")
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
