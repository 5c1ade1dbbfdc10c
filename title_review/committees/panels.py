"""评议组 and 书面评议意见: the secretary forms panels of at least three members, gives each accepted declaration
to one panel (never to an expert who must stand aside: its applicant, a colleague, a declared relation or a
破格 recommender), and follows each expert's
progress; panel members write their opinion (and a score, where the panel asks) once per declaration."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from title_review.access import scoped
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError, NotAllowed
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.notifications.services import notify

from . import recusals
from .models import (
    Meeting,
    MeetingMember,
    MeetingPanel,
    MeetingStatus,
    PanelDeclaration,
    PanelMember,
    PanelOpinion,
)

MIN_PANEL_MEMBERS = 3
OPINION_MAX_LENGTH = 2000


def _managed_meeting(actor: Any, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("committee__host").filter(pk=meeting_id).first()
    )
    if meeting is None or not scoped.meetings.allows(actor, meeting, "manage"):
        raise Http404
    if meeting.status == MeetingStatus.CLOSED:
        raise Conflict("会议已结束，不能再调整评议组。", code="meeting_closed")
    return meeting


@transaction.atomic
def form_panel(
    *,
    actor: Any,
    meeting_id: int,
    name: str,
    member_user_ids: list[int],
    asks_scores: bool = False,
    due_on: dt.date | None = None,
) -> MeetingPanel:
    meeting = _managed_meeting(actor, meeting_id)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写评议组名称。", field="name")
    if due_on is not None and due_on <= timezone.localdate():
        raise DomainError("评议截止日期应在今天之后。", field="due_on")
    if MeetingPanel.objects.filter(meeting=meeting, name=name).exists():
        raise DomainError(f"本次会议已有名为“{name}”的评议组。", field="name")
    ids = list(dict.fromkeys(member_user_ids))
    members = list(MeetingMember.objects.filter(meeting=meeting, user_id__in=ids))
    if len(members) != len(ids):
        raise DomainError("评议组成员须为本次会议的评委。", field="members")
    if len(members) < MIN_PANEL_MEMBERS:
        raise DomainError(f"评议组至少由 {MIN_PANEL_MEMBERS} 名评委组成，现为 {len(members)} 人。", field="members")
    panel = MeetingPanel.objects.create(meeting=meeting, name=name, asks_scores=asks_scores, due_on=due_on)
    PanelMember.objects.bulk_create(PanelMember(panel=panel, member=m) for m in members)
    record_event(
        actor=actor,
        action="panel.form",
        obj=panel,
        after={"members": len(members), "asks_scores": asks_scores, "due_on": due_on.isoformat() if due_on else None},
        organisation=meeting.committee.host,
    )
    return panel


@transaction.atomic
def assign(*, actor: Any, panel_id: int, declaration_ids: list[int]) -> list[PanelDeclaration]:
    """分配: the declarations go to the panel; refused whole if any is not accepted in the round, is given
    already, or would be reviewed by its own applicant or a colleague."""
    panel = MeetingPanel.objects.filter(pk=panel_id).first()
    if panel is None:
        raise Http404
    meeting = _managed_meeting(actor, panel.meeting_id)
    declarations = list(
        Declaration.objects.filter(pk__in=declaration_ids, round_id=meeting.round_id).select_related("employer")
    )
    if len(declarations) != len(set(declaration_ids)):
        raise Http404
    members = list(MeetingMember.objects.filter(panels__panel=panel).select_related("user"))
    entries = recusals.pool_entries(m.user for m in members)  # each member's pool entry and unit
    employers = {m.pk: entries[m.user_id][1] for m in members}
    experts = {user_id: pk for user_id, (pk, _unit) in entries.items() if pk is not None}
    relations = recusals.declared_relations(experts.values(), [d.applicant_id for d in declarations])
    for declaration in declarations:
        if declaration.status != Status.ACCEPTED:
            raise DomainError(
                f"“{declaration.applicant_name}”的申报材料{declaration.get_status_display()}，不能分配评议。"
            )
        for member in members:
            if member.user_id == declaration.applicant_id:
                raise DomainError(
                    f"评委{member.user}是申报人本人，“{declaration.applicant_name}”不能分配给“{panel.name}”。",
                    code="recusal",
                )
            if employers[member.pk] == declaration.employer_id:
                raise DomainError(
                    f"评委{member.user}与申报人{declaration.applicant_name}同在{declaration.employer.name}，须回避："
                    f"该申报不能分配给“{panel.name}”。",
                    code="recusal",
                )
            reviewer = recusals.Reviewer(
                member.user_id, member.user.real_name, employers[member.pk], experts.get(member.user_id)
            )
            why = recusals.reason(declaration, reviewer, relations)
            if why:
                raise DomainError(
                    f"评委{member.user}{why}，须回避：该申报不能分配给“{panel.name}”。",
                    code="recusal",
                )
    try:
        with transaction.atomic():
            rows = PanelDeclaration.objects.bulk_create(
                PanelDeclaration(panel=panel, meeting=meeting, declaration=d) for d in declarations
            )
    except IntegrityError as exc:
        raise Conflict("所选申报材料中已有分配给评议组的，不能重复分配。", code="already_assigned") from exc
    record_event(
        actor=actor,
        action="panel.assign",
        obj=panel,
        after={"declarations": [d.pk for d in declarations]},
        organisation=meeting.committee.host,
    )
    due = f"，请于 {panel.due_on:%Y年%m月%d日} 前" if panel.due_on else "，请"
    # No applicant's name: the SMS copy travels outside the system.
    notify(
        recipients=[m.user for m in members],
        title=f"评议任务：{panel.name}",
        body=f"“{meeting.title}”的评议组“{panel.name}”新分配了 {len(declarations)} 份申报材料{due}填写书面评议意见。",
        link=f"/committees/mine/{meeting.pk}/",
        sms=True,
    )
    return rows


@transaction.atomic
def write_opinion(*, actor: Any, assignment_id: int, opinion: str, score: int | None = None) -> PanelOpinion:
    """书面评议意见, once per member and declaration; refused after the meeting closed."""
    assignment = PanelDeclaration.objects.select_related("panel", "meeting").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    member = MeetingMember.objects.filter(
        meeting=assignment.meeting, user_id=actor.pk, panels__panel=assignment.panel
    ).first()
    if member is None:
        raise Http404
    if assignment.meeting.status == MeetingStatus.CLOSED:
        raise Conflict("会议已结束，不能再提交评议意见。", code="meeting_closed")
    text = (opinion or "").strip()
    if not text:
        raise DomainError("请填写评议意见。", field="opinion")
    if len(text) > OPINION_MAX_LENGTH:
        raise DomainError(f"评议意见不能超过 {OPINION_MAX_LENGTH} 字，现为 {len(text)} 字。", field="opinion")
    if assignment.panel.asks_scores:
        if score is None or not 0 <= score <= 100:
            raise DomainError("请填写 0 到 100 之间的评分。", field="score")
    elif score is not None:
        raise NotAllowed("本评议组不评分。")
    try:
        with transaction.atomic():
            written = PanelOpinion.objects.create(
                assignment=assignment, member=member, opinion=text, score=score, written_at=timezone.now()
            )
    except IntegrityError as exc:
        raise Conflict("您已提交过对该申报的评议意见。", code="already_written") from exc
    record_event(
        actor=actor, action="panel.opinion", obj=assignment.panel, after={"declaration": assignment.declaration_id}
    )
    return written


@dataclass(frozen=True)
class ExpertProgress:
    member: MeetingMember
    assigned: int
    written: int

    @property
    def missing(self) -> int:
        return self.assigned - self.written


def progress(panel: MeetingPanel) -> list[ExpertProgress]:
    """Per panel member: declarations given to the panel, opinions written (one query)."""
    return progress_of([panel]).get(panel.pk, [])


def progress_of(panels: list[MeetingPanel]) -> dict[int, list[ExpertProgress]]:
    """Each panel's members (in seat order) with the declarations given to the panel and the opinions they wrote,
    for all `panels` in one query: both numbers are counted in SQL per panel member, never by reading the
    assignments or the opinions (a meeting gives out tens of thousands)."""
    assigned = (
        PanelDeclaration.objects.filter(panel=OuterRef("panel"))
        .order_by()
        .values("panel")
        .annotate(n=Count("pk"))
        .values("n")
    )
    written = (
        PanelOpinion.objects.filter(assignment__panel=OuterRef("panel"), member=OuterRef("member"))
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    seats = (
        PanelMember.objects.filter(panel__in=[p.pk for p in panels])
        .select_related("member__user")
        .annotate(assigned=Coalesce(Subquery(assigned), 0), written=Coalesce(Subquery(written), 0))
        .order_by("panel_id", "member_id")
    )
    found: dict[int, list[ExpertProgress]] = {}
    for seat in seats:
        found.setdefault(seat.panel_id, []).append(
            ExpertProgress(member=seat.member, assigned=seat.assigned, written=seat.written)  # type: ignore[attr-defined]
        )
    return found


@transaction.atomic
def remind(*, actor: Any, panel_id: int) -> int:
    """催办: a 站内信 (and SMS) to each panel member with opinions still to write; returns how many."""
    panel = MeetingPanel.objects.filter(pk=panel_id).first()
    if panel is None:
        raise Http404
    meeting = _managed_meeting(actor, panel.meeting_id)
    late = [p for p in progress(panel) if p.missing > 0]
    for item in late:
        notify(
            recipients=[item.member.user],
            title=f"评议提醒：{panel.name}",
            body=f"“{meeting.title}”中还有 {item.missing} 份申报材料等待您填写书面评议意见。",
            link=f"/committees/mine/{meeting.pk}/",
            category="deadline",
            sms=True,
        )
    record_event(
        actor=actor,
        action="panel.remind",
        obj=panel,
        after={"reminded": len(late)},
        organisation=meeting.committee.host,
    )
    return len(late)
