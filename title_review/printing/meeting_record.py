"""会议记录 of a committee meeting as a PDF: 出席评委, 评审对象, 评议意见, 代表作评审结果, 投票结果; signed (sealed by
its SHA-256) and kept through committees.services.archive_record.

The 代表作 section names the applicant each work belongs to (the record is the committee's) but never a
reviewer: the grades and comments stand under 评审意见一, 二, 三… (double-blind holds in the archive too)."""

from typing import Any

from django.http import Http404
from django.utils import timezone

from title_review.access import scoped
from title_review.committees import services as committees
from title_review.committees.models import (
    BlindWork,
    Meeting,
    MeetingMember,
    MeetingRecord,
    PanelDeclaration,
    PanelOpinion,
)

from .documents import Form, day
from .renderer import render_pdf

RECORD_FORM = Form("meeting_record", "评审委员会评审会议记录", "会议记录", "printing/meeting_record.html")


ORDINALS = "一二三四五六七八九十"


def _ordinal(index: int) -> str:
    return ORDINALS[index - 1] if index <= len(ORDINALS) else str(index)


def blind_results(meeting: Meeting) -> list[dict[str, Any]]:
    """Each 代表作 sent for anonymous review at the meeting: its code and title, whose it is, and the current
    reviews (a replaced reviewer's is left out) as grade and comment under an ordinal — no reviewer's name."""
    works = (
        BlindWork.objects.filter(meeting=meeting)
        .select_related("declaration__employer")
        .prefetch_related("reviews")
        .order_by("declaration_id", "pk")
    )
    rows = []
    for work in works:
        current = [r for r in work.reviews.all() if not r.replaced]
        rows.append(
            {
                "code": work.code,
                "title": work.work.get("title") or "",
                "venue": work.work.get("venue") or "",
                "applicant": work.declaration.applicant_name,
                "employer": work.declaration.employer.name,
                "reviews": [
                    {
                        "label": f"评审意见{_ordinal(i)}",
                        "grade": r.get_grade_display() if r.submitted_at else "未提交",
                        "comment": r.comment if r.submitted_at else "",
                    }
                    for i, r in enumerate(current, start=1)
                ],
            }
        )
    return rows


def record_context(meeting: Meeting) -> dict[str, Any]:
    members = list(MeetingMember.objects.filter(meeting=meeting).select_related("user").order_by("pk"))
    results = committees.results_of(meeting)
    panels = {
        a.declaration_id: a.panel.name for a in PanelDeclaration.objects.filter(meeting=meeting).select_related("panel")
    }
    opinions: dict[int, list[dict[str, Any]]] = {}
    for opinion in (
        PanelOpinion.objects.filter(assignment__meeting=meeting)
        .select_related("assignment", "member__user")
        .order_by("assignment_id", "member_id")
    ):
        opinions.setdefault(opinion.assignment.declaration_id, []).append(
            {"expert": str(opinion.member.user), "text": opinion.opinion, "score": opinion.score}
        )
    rows = []
    for index, result in enumerate(results, start=1):
        declaration, ballot = result.declaration, result.ballot
        snapshot = declaration.snapshot or {}
        rows.append(
            {
                "index": index,
                "name": declaration.applicant_name,
                "employer": declaration.employer.name,
                "target": (snapshot.get("target_qualification") or {}).get("name", ""),
                "panel": panels.get(declaration.pk, ""),
                "opinions": opinions.get(declaration.pk, []),
                "attempt": ballot.attempt,
                "present": ballot.present_count,
                "approve": ballot.approve,
                "reject": ballot.reject,
                "abstain": ballot.abstain,
                "outcome": ballot.get_outcome_display(),
            }
        )
    return {
        "form": RECORD_FORM,
        "meeting": meeting,
        "committee": meeting.committee,
        "round": meeting.round,
        "members": [{"name": str(m.user), "present": m.is_present, "signed_in": day(m.signed_in_at)} for m in members],
        "present": sum(m.is_present for m in members),
        "rows": rows,
        "works": blind_results(meeting),
        "passed": sum(r.passed for r in results),
        "issued": day(timezone.localdate()),
    }


def sign_meeting_record(*, actor: Any, meeting_id: int) -> MeetingRecord:
    """签署会议记录: renders the record of a closed meeting and keeps it sealed."""
    meeting = Meeting.objects.select_related("committee__host", "round").filter(pk=meeting_id).first()
    if meeting is None or not scoped.meetings.allows(actor, meeting, "manage"):
        raise Http404
    content = render_pdf(RECORD_FORM.template, record_context(meeting))
    return committees.archive_record(actor=actor, meeting_id=meeting.pk, content=content)


def kept_record(*, actor: Any, meeting_id: int) -> MeetingRecord:
    """The signed record of a meeting the actor runs; 404 when there is none."""
    record = MeetingRecord.objects.select_related("meeting__committee__host").filter(meeting_id=meeting_id).first()
    if record is None or not scoped.meetings.allows(actor, record.meeting, "manage"):
        raise Http404
    return record
