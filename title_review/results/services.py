"""Every write of 评后管理 (issue 14, ADR 0038): receiving results, 审批 of 初定 / 认定, 公示, objections,
确认 and 发文. Declarations move through the workflow table (declarations.transitions); each change writes
its audit row in the same transaction; notices (站内信 + SMS) leave after the commit.
"""

import copy
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access import results as policies
from title_review.access import scoped
from title_review.access.models import RoleGrant
from title_review.access.policies import require
from title_review.access.roles import Role
from title_review.attachments.processing import clean_upload
from title_review.attachments.types import get_type
from title_review.audit.services import record_event
from title_review.certificates.models import CertificateSource
from title_review.certificates.numbering import clean_agency_code, next_document_number
from title_review.certificates.services import record_certificate
from title_review.committees.models import Meeting
from title_review.committees.services import results_of
from title_review.core.bulk import insert_models
from title_review.core.cachesafe import CACHE_DOWN_MESSAGE, CACHE_ERRORS
from title_review.core.errors import Conflict, DomainError
from title_review.core.params import to_id
from title_review.core.policies import get_policy
from title_review.core.text import clean_name, clean_text
from title_review.declarations.models import Declaration
from title_review.declarations.transitions import Move, transition, transition_many
from title_review.declarations.workflow import Action, Status
from title_review.dictionaries.models import Entry
from title_review.notifications.services import notify
from title_review.printing.renderer import render_pdf
from title_review.rounds.models import Round, RoundKind
from title_review.system.workdays import add_working_days
from title_review.verification.services import clean_phone

from .models import BatchSource, BatchStatus, ObjectionOutcome, Outcome, ResultBatch, ResultEntry, ResultObjection

LEVEL = "职改办"
# 异议 from one address: at most this many in OBJECTION_WINDOW seconds (the public form also asks a captcha).
OBJECTIONS_PER_ADDRESS = 5
OBJECTION_WINDOW = 3600
MIN_PUBLICITY_DAYS = 5
DOCUMENT_TEMPLATE = "results/document.html"


def publicity_days() -> int:
    """公示 working days from 参数设置 (result.publicity_working_days), never fewer than 5 (人社部令第40号)."""
    return max(MIN_PUBLICITY_DAYS, int(get_policy("result.publicity_working_days")))


def earliest_end(starts_on: dt.date) -> dt.date:
    """The first day a 公示 starting on `starts_on` may end: its last working day, counted on the calendar."""
    return add_working_days(starts_on, publicity_days())


# ---- receiving results --------------------------------------------------------------------------------


def _qualifications(codes: Iterable[str]) -> dict[str, tuple[Entry, str]]:
    """Each 资格名称 code -> (its entry, its level's name), in two queries."""
    found = {e.code: e for e in Entry.objects.filter(type__code="qualification", code__in=set(codes))}
    level_codes = {str((e.attributes or {}).get("level", "")) for e in found.values()}
    levels = dict(Entry.objects.filter(type__code="level", code__in=level_codes).values_list("code", "name"))
    return {code: (e, levels.get(str((e.attributes or {}).get("level", "")), "")) for code, e in found.items()}


def _entry_for(batch: ResultBatch, declaration: Declaration, outcome: str, names: dict, note: str = "") -> ResultEntry:
    qualification, level_name = names.get(declaration.target_qualification, (None, ""))
    return ResultEntry(
        batch=batch,
        declaration=declaration,
        person_name=declaration.applicant_name or str(declaration.applicant),
        employer_name=declaration.employer.name,
        employer_id=declaration.employer_id,
        series_name=declaration.round.series.name,
        qualification_code=declaration.target_qualification,
        qualification_name=qualification.name if qualification else "",
        level_name=level_name,
        outcome=outcome,
        note=note,
    )


def _locked(declaration_ids: Iterable[int]) -> dict[int, Declaration]:
    rows = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("employer", "round__series", "applicant")
        .filter(pk__in=set(declaration_ids))
        .order_by("pk")
    )
    return {d.pk: d for d in rows}


@transaction.atomic
def receive_meeting(*, actor: Any, meeting_id: int) -> ResultBatch:
    """接收评审情况 of a closed meeting: one batch, each declaration voted on moves to 评审通过 / 评审未通过."""
    meeting = scoped.meetings.get(actor, meeting_id, "results")
    # Two clicks at once: the second waits here, then finds the batch the first made.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    round_ = Round.objects.select_related("publisher", "series").get(pk=meeting.round_id)
    require(actor, "result.manage", round_.publisher)
    if ResultBatch.objects.filter(meeting=meeting).exists():
        raise Conflict("该评审会议的评审情况已接收，不能重复接收。", code="already_received")
    results = results_of(meeting)
    if not results:
        raise DomainError("该评审会议没有表决结果，无评审情况可接收。", code="no_results")
    declarations = _locked(r.declaration.pk for r in results)
    waiting = [d for d in declarations.values() if d.status != Status.ACCEPTED]
    if waiting:
        who = "、".join(d.applicant_name for d in waiting)
        raise Conflict(f"{who}的申报材料不是“已受理”状态，不能接收其评审情况。", code="not_accepted")
    batch = ResultBatch.objects.create(
        office=round_.publisher,
        round=round_,
        meeting=meeting,
        committee_name=meeting.committee.name,
        source=BatchSource.MEETING,
        created_by=actor,
    )
    names = _qualifications(d.target_qualification for d in declarations.values())
    entries = []
    for result in results:
        declaration = declarations[result.declaration.pk]
        outcome = Outcome.PASSED if result.passed else Outcome.FAILED
        ballot = result.ballot
        note = f"实到 {ballot.present_count} 人，同意 {ballot.approve} 票"
        entries.append(_entry_for(batch, declaration, outcome, names, note))
        transition(
            declaration,
            Action.RECORD_PASS if result.passed else Action.RECORD_FAIL,
            actor=actor,
            organisation=round_.publisher,
            level=LEVEL,
            reason=f"{meeting.committee.name}评审{'通过' if result.passed else '未通过'}（{note}）",
        )
    ResultEntry.objects.bulk_create(entries)
    record_event(
        actor=actor,
        action="result.receive",
        obj=batch,
        organisation=round_.publisher,
        after={
            "meeting": meeting.pk,
            "passed": sum(e.outcome == Outcome.PASSED for e in entries),
            "total": len(entries),
        },
    )
    return batch


def record_imported_result(*, actor: Any, declaration_id: int, committee_name: str, passed: bool) -> ResultEntry:
    """One row of 接收评审情况 by Excel (a committee outside the system): the declaration's result goes into the
    round's open imported batch of that committee (made on first use), the declaration moves by the table."""
    committee_name = " ".join((committee_name or "").split())
    if not committee_name:
        raise DomainError("请填写评委会名称。", field="committee_name")
    clean_name(committee_name, "评委会名称", field="committee_name")
    found = _locked([declaration_id])
    declaration = found.get(declaration_id)
    if declaration is None:
        raise Http404
    round_ = Round.objects.select_related("publisher").get(pk=declaration.round_id)
    require(actor, "result.manage", round_.publisher)
    if round_.kind != RoundKind.REVIEW:
        raise DomainError("初定、认定类评审活动由职改办审批，不导入评审情况。", code="not_review")
    if declaration.status != Status.ACCEPTED:
        raise Conflict(
            f"申报材料 {declaration.number} 为“{declaration.get_status_display()}”，只有“已受理”的才能接收评审情况。",
            code="not_accepted",
        )
    batch = (
        ResultBatch.objects.select_for_update()
        .filter(round=round_, source=BatchSource.IMPORT, committee_name=committee_name, status=BatchStatus.RECEIVED)
        .first()
    )
    if batch is None:
        batch = ResultBatch.objects.create(
            office=round_.publisher,
            round=round_,
            committee_name=committee_name,
            source=BatchSource.IMPORT,
            created_by=actor,
        )
    entry = _entry_for(
        batch,
        declaration,
        Outcome.PASSED if passed else Outcome.FAILED,
        _qualifications([declaration.target_qualification]),
        "导入",
    )
    entry.save()
    transition(
        declaration,
        Action.RECORD_PASS if passed else Action.RECORD_FAIL,
        actor=actor,
        organisation=round_.publisher,
        level=LEVEL,
        reason=f"{committee_name}评审{'通过' if passed else '未通过'}（导入）",
    )
    return entry


@dataclass(frozen=True)
class ImportedResult:
    """One row of 接收评审情况 by Excel: what `record_imported_result` takes."""

    declaration_id: int
    committee_name: str
    passed: bool


def record_imported_results(*, actor: Any, items: Sequence[ImportedResult]) -> list[ResultEntry | Exception]:
    """`record_imported_result` for many rows at once (导入评审情况, ADR 0045): for each item its entry, or
    the exception `record_imported_result` would have raised for it, with the same checks in the same
    order and the same messages. Nothing is written for a refused item.

    A fixed number of queries for any number of items: the declarations locked with one IN query, their
    rounds with another, the scope answered once per publishing office, the open imported batches read
    (locked) with one query and the missing ones made with one INSERT, the entries inserted at once, and
    the declarations moved through the workflow table by `transition_many` (one UPDATE, the 审核记录 and
    the audit rows `transition` writes, each in one INSERT — COPY on PostgreSQL)."""
    names = [" ".join((item.committee_name or "").split()) for item in items]
    declarations = _locked_for_results([item.declaration_id for item in items])
    round_ids = {d.round_id for d in declarations.values()}
    rounds = {r.pk: r for r in Round.objects.select_related("publisher").filter(pk__in=round_ids)}
    scope: dict[int, Exception | None] = {}
    checked: list[tuple[Declaration, Round, str, bool] | Exception] = []
    for item, committee_name in zip(items, names, strict=True):
        try:
            checked.append(
                (
                    *_imported_checks(actor, item, committee_name, declarations, rounds, scope),
                    committee_name,
                    item.passed,
                )
            )
        except (DomainError, Http404) as exc:
            checked.append(exc)
    passed = [c for c in checked if not isinstance(c, Exception)]
    batches = _open_import_batches(actor, {(round_.pk, name): round_ for _d, round_, name, _p in passed})
    qualifications = _qualifications(d.target_qualification for d, _r, _n, _p in passed)
    entries = [
        _entry_for(batches[(round_.pk, name)], d, Outcome.PASSED if ok else Outcome.FAILED, qualifications, "导入")
        for d, round_, name, ok in passed
    ]
    insert_models(ResultEntry, entries)
    transition_many(
        [
            Move(
                declaration=d,
                action=Action.RECORD_PASS if ok else Action.RECORD_FAIL,
                organisation=round_.publisher,
                reason=f"{name}评审{'通过' if ok else '未通过'}（导入）",
            )
            for d, round_, name, ok in passed
        ],
        actor=actor,
        level=LEVEL,
    )
    made = iter(entries)
    return [c if isinstance(c, Exception) else next(made) for c in checked]


# What receiving a result reads of a declaration and its joined rows (the checks, the entry, the move, the
# audit row's description): a thousand full rows with their applicant, unit and round cost more to build
# than everything else the chunk does.
_RESULT_COLUMNS = (
    "id",
    "number",
    "status",
    "version",
    "applicant_name",
    "target_qualification",
    "round",
    "round__title",
    "round__series__name",
    "employer",
    "employer__name",
    "applicant",
    "applicant__username",
    "applicant__real_name",
)


def _locked_for_results(declaration_ids: list[int]) -> dict[int, Declaration]:
    """`_locked` for many rows, reading only the columns receiving a result uses."""
    rows = (
        Declaration.objects.select_for_update(of=("self",))
        .select_related("employer", "round__series", "applicant")
        .only(*_RESULT_COLUMNS)
        .filter(pk__in=set(declaration_ids))
        .order_by("pk")
    )
    return {d.pk: d for d in rows}


def _imported_checks(
    actor: Any,
    item: ImportedResult,
    committee_name: str,
    declarations: dict[int, Declaration],
    rounds: dict[int, Round],
    scope: dict[int, Exception | None],
) -> tuple[Declaration, Round]:
    """`record_imported_result`'s checks on loaded rows, in its order; the scope answered once per office."""
    if not committee_name:
        raise DomainError("请填写评委会名称。", field="committee_name")
    clean_name(committee_name, "评委会名称", field="committee_name")
    declaration = declarations.get(item.declaration_id)
    if declaration is None:
        raise Http404
    round_ = rounds[declaration.round_id]
    if round_.publisher_id not in scope:
        try:
            require(actor, "result.manage", round_.publisher)
            scope[round_.publisher_id] = None
        except (DomainError, Http404) as exc:
            scope[round_.publisher_id] = exc
    refused = scope[round_.publisher_id]
    if refused is not None:
        raise copy.copy(refused)
    if round_.kind != RoundKind.REVIEW:
        raise DomainError("初定、认定类评审活动由职改办审批，不导入评审情况。", code="not_review")
    if declaration.status != Status.ACCEPTED:
        raise Conflict(
            f"申报材料 {declaration.number} 为“{declaration.get_status_display()}”，只有“已受理”的才能接收评审情况。",
            code="not_accepted",
        )
    return declaration, round_


def _open_import_batches(actor: Any, wanted: dict[tuple[int, str], Round]) -> dict[tuple[int, str], ResultBatch]:
    """The round's open imported batch of each committee, locked; the missing ones made (one INSERT)."""
    if not wanted:
        return {}
    found: dict[tuple[int, str], ResultBatch] = {}
    for batch in (
        ResultBatch.objects.select_for_update()
        .filter(
            round_id__in={r for r, _n in wanted},
            committee_name__in={n for _r, n in wanted},
            source=BatchSource.IMPORT,
            status=BatchStatus.RECEIVED,
        )
        .order_by("-pk")
    ):
        found.setdefault((batch.round_id, batch.committee_name), batch)
    missing = [
        ResultBatch(
            office=round_.publisher,
            round=round_,
            committee_name=name,
            source=BatchSource.IMPORT,
            created_by=actor,
        )
        for (round_id, name), round_ in wanted.items()
        if (round_id, name) not in found
    ]
    ResultBatch.objects.bulk_create(missing)
    found.update({(b.round_id, b.committee_name): b for b in missing})
    return found


APPROVAL_KINDS = (RoundKind.INITIAL, RoundKind.RECOGNITION)


@transaction.atomic
def decide_approval(
    *, actor: Any, round_id: int, declaration_ids: list[int], approve: bool, reason: str = ""
) -> ResultBatch:
    """初定 / 认定 审批 after 受理: approved ones go into the round's open batch (then 公示, 确认, 发文 as a
    committee's results); not approved ones need a reason and are recorded as 审批未通过."""
    round_ = Round.objects.select_related("publisher", "series").filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    require(actor, "result.manage", round_.publisher)
    if round_.kind not in APPROVAL_KINDS:
        raise DomainError("只有初定、认定类评审活动由职改办审批；评审类的结果请从评审会议接收。", code="not_approval")
    reason = clean_text(reason, "理由", field="reason")
    if not declaration_ids:
        raise DomainError("请选择要审批的申报材料。", field="declaration_ids")
    if not approve and not reason:
        raise DomainError("审批不通过时请填写理由。", field="reason")
    if len(reason) > 200:
        raise DomainError("理由不能超过 200 个字。", field="reason")
    declarations = _locked(declaration_ids)
    if len(declarations) != len(set(declaration_ids)) or any(d.round_id != round_.pk for d in declarations.values()):
        raise Http404
    waiting = [d for d in declarations.values() if d.status != Status.ACCEPTED]
    if waiting:
        who = "、".join(d.applicant_name for d in waiting)
        raise Conflict(f"{who}的申报材料不是“已受理”状态，不能审批。", code="not_accepted")
    batch = (
        ResultBatch.objects.select_for_update()
        .filter(round=round_, source=BatchSource.APPROVAL, status=BatchStatus.RECEIVED)
        .first()
    )
    if batch is None:
        batch = ResultBatch.objects.create(
            office=round_.publisher,
            round=round_,
            committee_name=f"{round_.publisher.name}（{round_.get_kind_display()}）",
            source=BatchSource.APPROVAL,
            created_by=actor,
        )
    names = _qualifications(d.target_qualification for d in declarations.values())
    entries = []
    for declaration in declarations.values():
        entries.append(
            _entry_for(
                batch, declaration, Outcome.PASSED if approve else Outcome.FAILED, names, "" if approve else reason
            )
        )
        transition(
            declaration,
            Action.APPROVE if approve else Action.DISAPPROVE,
            actor=actor,
            organisation=round_.publisher,
            level=LEVEL,
            reason=reason or "审批通过",
        )
    ResultEntry.objects.bulk_create(entries)
    record_event(
        actor=actor,
        action="result.approve" if approve else "result.disapprove",
        obj=batch,
        organisation=round_.publisher,
        after={"declarations": sorted(declarations), "approved": approve},
        reason=reason,
    )
    return batch


# ---- 公示 ------------------------------------------------------------------------------------------------


def _locked_batch(actor: Any, batch_id: int, purpose: str) -> ResultBatch:
    batch = policies.batches.visible(actor, purpose).select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch


def _people(entries: Iterable[ResultEntry]) -> dict[int, list[Any]]:
    """Per entry: its applicant and the administrators of the applicant's unit (站内信 + SMS recipients)."""
    rows = list(entries)
    employer_ids = {e.declaration.employer_id for e in rows}
    admins: dict[int, list[Any]] = {}
    for grant in RoleGrant.objects.filter(
        organisation_id__in=employer_ids, role=Role.EMPLOYER_ADMIN, user__is_active=True
    ).select_related("user"):
        if grant.organisation_id is not None:
            admins.setdefault(grant.organisation_id, []).append(grant.user)
    return {e.pk: [e.declaration.applicant, *admins.get(e.declaration.employer_id, [])] for e in rows}


def _notify_each(entries: list[ResultEntry], title: str, body_of: Any, link: str) -> None:
    recipients = _people(entries)
    for entry in entries:
        notify(recipients=recipients[entry.pk], title=title, body=body_of(entry), link=link, sms=True)


@transaction.atomic
def start_publicity(
    *, actor: Any, batch_id: int, starts_on: dt.date | None, ends_on: dt.date | None = None
) -> ResultBatch:
    """Publish the batch's passed results on the public 公示 page from `starts_on` to `ends_on` (at least the
    policy's working days on the calendar; by default exactly that)."""
    batch = _locked_batch(actor, batch_id, "publicise")
    if batch.status != BatchStatus.RECEIVED:
        raise Conflict(f"该批次{batch.get_status_display()}，不能再次开始公示。", code="stale")
    if starts_on is None:
        raise DomainError("请填写公示开始日期。", field="starts_on")
    today = timezone.localdate()
    if starts_on < today:
        raise DomainError("公示开始日期不能早于今天。", field="starts_on")
    entries = list(batch.entries.select_related("declaration__applicant", "declaration__employer"))
    if not any(e.outcome == Outcome.PASSED for e in entries):
        raise DomainError("该批次没有通过的人员，无需公示。", code="nothing_to_publish")
    days = publicity_days()
    minimum = earliest_end(starts_on)
    ends_on = ends_on or minimum
    if ends_on < minimum:
        raise DomainError(
            f"公示期不少于 {days} 个工作日：自 {starts_on:%Y年%m月%d日} 起，截止日期不能早于 {minimum:%Y年%m月%d日}。",
            field="ends_on",
        )
    batch.status = BatchStatus.PUBLICISING
    batch.publicity_starts, batch.publicity_ends, batch.publicity_days = starts_on, ends_on, days
    batch.save(update_fields=["status", "publicity_starts", "publicity_ends", "publicity_days", "updated_at"])
    record_event(
        actor=actor,
        action="result.publicise",
        obj=batch,
        organisation=batch.office,
        after={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(), "working_days": days},
    )
    period = f"{starts_on:%Y年%m月%d日}至{ends_on:%Y年%m月%d日}"
    _notify_each(
        entries,
        "评审结果已公布",
        lambda e: (
            f"{e.person_name}申报的{e.qualification_name or e.series_name}：{e.get_outcome_display()}。"
            + (f"通过人员公示期为{period}。" if e.outcome == Outcome.PASSED else "")
        ),
        "/results/mine/",
    )
    return batch


def _count_objection(ip: str | None) -> None:
    """At most OBJECTIONS_PER_ADDRESS objections an hour from one address; the shared cache down: refuse."""
    key = f"results.objections.{ip or 'unknown'}"
    try:
        cache.add(key, 0, timeout=OBJECTION_WINDOW)
        count = cache.incr(key)
    except CACHE_ERRORS:
        raise DomainError(CACHE_DOWN_MESSAGE, code="cache_unavailable") from None
    if count > OBJECTIONS_PER_ADDRESS:
        raise DomainError("提交过于频繁，请一小时后再试。", code="throttled")


def _clean_objector(name: str, mobile: str, content: str) -> tuple[str, str, str]:
    name, content = (name or "").strip(), (content or "").strip()
    if not name:
        raise DomainError("异议须实名提出：请填写您的真实姓名。", field="name")
    if len(name) > 50:
        raise DomainError("姓名不能超过 50 个字。", field="name")
    if not (mobile or "").strip():
        raise DomainError("请填写联系电话（手机号码），以便核实和反馈。", field="mobile")
    try:
        phone = clean_phone(mobile)
    except DomainError:
        raise DomainError("联系电话应为 11 位手机号码。", field="mobile") from None
    if not content:
        raise DomainError("请填写异议内容。", field="content")
    if len(content) > 2000:
        raise DomainError("异议内容不能超过 2000 个字。", field="content")
    return name, phone, content


def submit_objection(
    *, entry_id: Any, name: str, mobile: str, content: str, evidence: Any = None, ip: str | None = None
) -> ResultObjection:
    """A real-name 异议 from the public page, during the 公示 only."""
    pk = to_id(entry_id)
    entry = (
        ResultEntry.objects.select_related("batch")
        .filter(pk=pk, outcome=Outcome.PASSED, batch__status=BatchStatus.PUBLICISING)
        .first()
        if pk is not None
        else None
    )
    if entry is None:
        raise DomainError("找不到该公示对象，或其不在公示中。", code="not_found")
    today = timezone.localdate()
    batch = entry.batch
    if batch.publicity_starts and today < batch.publicity_starts:
        raise DomainError("公示尚未开始，暂不受理异议。", code="not_started")
    if batch.publicity_ends and today > batch.publicity_ends:
        raise DomainError(f"公示期已于 {batch.publicity_ends:%Y年%m月%d日} 结束，不再受理异议。", code="ended")
    name, phone, content = _clean_objector(name, mobile, content)
    clean = clean_upload(evidence, get_type("proof")) if evidence else None
    _count_objection(ip)
    with transaction.atomic():
        objection = ResultObjection(
            entry=entry, name=name, mobile=phone, content=content, ip=ip or None, received_at=timezone.now()
        )
        if clean is not None:
            objection.evidence_name = (clean.original_name or "证据材料")[:200]
            objection.evidence.save(clean.random_name(), ContentFile(clean.content), save=False)
        objection.save()
        record_event(
            actor=None,
            action="result.objection",
            obj=objection,
            organisation=batch.office,
            after={"entry": entry.pk, "evidence": bool(clean), "sha256": _digest(clean)},
        )
    return objection


def _digest(clean: Any) -> str:
    return hashlib.sha256(clean.content).hexdigest() if clean is not None else ""


@transaction.atomic
def handle_objection(*, actor: Any, objection_id: int, upheld: bool, explanation: str) -> ResultObjection:
    """The office's answer: 成立 drops the result (不予通过), 不成立 releases it; with an explanation, once."""
    objection = (
        policies.objections.visible(actor, "handle")
        .select_for_update(of=("self",))
        .select_related("entry__batch")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None:
        raise Http404
    if objection.outcome:
        raise Conflict("该异议已处理，不能重复处理。", code="already_handled")
    explanation = (explanation or "").strip()
    if not explanation:
        raise DomainError("请填写处理说明（核查情况及结论）。", field="explanation")
    if len(explanation) > 2000:
        raise DomainError("处理说明不能超过 2000 个字。", field="explanation")
    entry = ResultEntry.objects.select_for_update().get(pk=objection.entry_id)
    if entry.batch.status == BatchStatus.CONFIRMED:
        raise Conflict("该批次已确认发文，异议请按复查程序办理。", code="confirmed")
    objection.outcome = ObjectionOutcome.UPHELD if upheld else ObjectionOutcome.DISMISSED
    objection.explanation, objection.handled_by, objection.handled_at = explanation, actor, timezone.now()
    objection.save(update_fields=["outcome", "explanation", "handled_by", "handled_at"])
    if upheld and entry.outcome == Outcome.PASSED:
        entry.outcome, entry.note = Outcome.DROPPED, f"异议成立：{explanation}"[:200]
        entry.save(update_fields=["outcome", "note"])
        (declaration,) = _locked([entry.declaration_id]).values()
        transition(
            declaration,
            Action.DROP,
            actor=actor,
            organisation=entry.batch.office,
            level=LEVEL,
            reason=f"异议成立：{explanation}",
        )
    record_event(
        actor=actor,
        action="result.objection_handle",
        obj=objection,
        organisation=entry.batch.office,
        after={"outcome": objection.outcome, "entry": entry.pk},
        reason=explanation,
    )
    return objection


# ---- 确认 and 发文 ---------------------------------------------------------------------------------------


def held_entries(batch: ResultBatch) -> list[ResultEntry]:
    """Passed results under an objection not yet handled: held, the batch cannot be confirmed."""
    return list(batch.entries.filter(outcome=Outcome.PASSED, objections__outcome="").distinct().order_by("pk"))


def document_context(batch: ResultBatch, entries: list[ResultEntry], issued_on: dt.date) -> dict[str, Any]:
    groups: dict[tuple[str, str], list[ResultEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.series_name, entry.level_name), []).append(entry)
    return {
        "batch": batch,
        "authority": batch.office.name,
        "groups": [
            {"series": series, "level": level, "entries": rows} for (series, level), rows in sorted(groups.items())
        ],
        "count": len(entries),
        "issued_on": f"{issued_on.year}年{issued_on.month}月{issued_on.day}日",
    }


@transaction.atomic
def confirm_batch(*, actor: Any, batch_id: int, agency_code: str, issuing_body: str, title: str = "") -> ResultBatch:
    """确认 after the 公示: a 发文字号 (机关代字〔年〕N号, no gaps), the 发文 PDF, and for each passed result an
    issued certificate 待编号 (certificates numbers it later). Refused twice, before the end, or while held."""
    batch = _locked_batch(actor, batch_id, "manage")
    if batch.status == BatchStatus.CONFIRMED:
        raise Conflict(f"该批次已确认发文（{batch.document_number}），不能重复确认。", code="already_confirmed")
    if batch.status != BatchStatus.PUBLICISING:
        raise Conflict("该批次尚未公示，公示期满后才能确认发文。", code="not_publicised")
    today = timezone.localdate()
    if batch.publicity_ends is None or today <= batch.publicity_ends:
        raise Conflict(f"公示期至 {batch.publicity_ends:%Y年%m月%d日}，期满后才能确认发文。", code="in_publicity")
    held = held_entries(batch)
    if held:
        names = "、".join(e.person_name for e in held)
        raise Conflict(f"{names}的评审结果有异议尚未处理，暂缓确认：请先处理异议。", code="held")
    agency = clean_agency_code(agency_code)
    issuing_body = " ".join((issuing_body or "").split())
    if not issuing_body:
        raise DomainError("请填写发证单位。", field="issuing_body")
    if len(issuing_body) > 100:
        raise DomainError("发证单位不能超过 100 个字。", field="issuing_body")
    title = " ".join((title or "").split()) or f"关于公布{batch.round.title}结果的通知"
    if len(title) > 200:
        raise DomainError("发文标题不能超过 200 个字。", field="title")
    passed = list(
        batch.entries.filter(outcome=Outcome.PASSED)
        .select_related("declaration__applicant", "declaration__employer")
        .order_by("pk")
    )
    if not passed:
        raise DomainError("该批次没有通过的人员，无需发文。", code="nothing_passed")
    document_number = next_document_number(agency, today.year)
    qualifications = _qualifications(e.qualification_code for e in passed)
    declarations = _locked(e.declaration_id for e in passed)
    for entry in passed:
        declaration = declarations[entry.declaration_id]
        applicant = declaration.applicant
        qualification = qualifications.get(entry.qualification_code, (None, ""))[0]
        if qualification is None:
            raise DomainError(f"{entry.person_name}的申报资格不在资格名称字典中，不能发证。")
        certificate = record_certificate(
            actor=actor,
            organisation_id=declaration.employer_id,
            person_name=entry.person_name,
            id_type=applicant.id_type,
            id_number=applicant.id_number,
            qualification=qualification,
            obtained_on=today,
            number="",
            issuing_body=issuing_body,
            source=CertificateSource.ISSUED,
            document_number=document_number,
            review_year=batch.round.year,
        )
        entry.certificate = certificate
        entry.save(update_fields=["certificate"])
        transition(
            declaration, Action.CONFIRM, actor=actor, organisation=batch.office, level=LEVEL, reason=document_number
        )
    batch.status = BatchStatus.CONFIRMED
    batch.document_number, batch.issuing_body, batch.document_title = document_number, issuing_body, title
    batch.confirmed_at = timezone.now()
    content = render_pdf(DOCUMENT_TEMPLATE, document_context(batch, passed, today))
    batch.document.save(f"result-{batch.pk}-{today:%Y%m%d}.pdf", ContentFile(content), save=False)
    batch.save()
    record_event(
        actor=actor,
        action="result.confirm",
        obj=batch,
        organisation=batch.office,
        after={"document_number": document_number, "issuing_body": issuing_body, "certificates": len(passed)},
    )
    _notify_each(
        passed,
        "评审结果已发文",
        lambda e: f"{e.person_name}的{e.qualification_name}已确认发文（{document_number}），证书待编号发放。",
        "/results/mine/",
    )
    return batch
