"""代表作 anonymous review (正高, and wherever a round asks): each work to at least three reviewers, double-blind.

The reviewer reads the work under a random code, copied from the snapshot the office accepted without the
applicant's name, unit or identity; the reviewer's name is never put where the applicant can read it (only the
secretary's pages and the audit log name reviewers). A reviewer late past the deadline is replaced, and the
replaced review can no longer be submitted.
"""

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access import scoped
from title_review.access.models import RoleGrant
from title_review.access.roles import Role
from title_review.accounts.models import User
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.notifications.services import notify

from . import recusals
from .models import BlindGrade, BlindReview, BlindWork, Meeting, MeetingStatus

MIN_REVIEWERS = 3
COMMENT_MAX_LENGTH = 2000
# What a reviewer may read of a 业绩成果 row (no author rank: with the title it can name the author).
WORK_FIELDS = ("category", "title", "date", "venue", "indexing", "identifier")


def representative_works(declaration: Declaration) -> list[dict[str, Any]]:
    """The 代表作 rows of the accepted snapshot, each cut down to WORK_FIELDS."""
    return representative_of(((declaration.snapshot or {}).get("records") or {}).get("achievement"))


def representative_of(rows: Any) -> list[dict[str, Any]]:
    """The 代表作 among a snapshot's 业绩成果 rows (``snapshot["records"]["achievement"]``, which a list may select
    alone, without the rest of the snapshot), each cut down to WORK_FIELDS."""
    if not isinstance(rows, list):
        return []
    return [
        {"id": row.get("id"), **{key: row.get(key) for key in WORK_FIELDS}}
        for row in rows
        if isinstance(row, dict) and row.get("is_representative")
    ]


def _reviewer_checks(declaration: Declaration, user_ids: list[int]) -> None:
    experts = set(
        RoleGrant.objects.filter(user_id__in=user_ids, role=Role.EXPERT, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if len(experts) != len(user_ids):
        raise DomainError("代表作评审专家须为在库的评审专家。", field="reviewers")
    if declaration.applicant_id in user_ids:
        raise DomainError("申报人本人不能评审自己的代表作。", field="reviewers", code="recusal")
    users = list(User.objects.filter(pk__in=user_ids))
    entries = recusals.pool_entries(users)
    relations = recusals.declared_relations(
        [pk for pk, _e in entries.values() if pk is not None], [declaration.applicant_id]
    )
    for user in users:
        expert_id, employer_id = entries[user.pk]
        if employer_id == declaration.employer_id:
            raise DomainError(f"评审专家{user}与申报人同单位，须回避。", field="reviewers", code="recusal")
        why = recusals.reason(
            declaration, recusals.Reviewer(user.pk, user.real_name, employer_id, expert_id), relations
        )
        if why:
            raise DomainError(f"评审专家{user}须回避：{why}。", field="reviewers", code="recusal")


@transaction.atomic
def send_for_review(
    *, actor: Any, meeting_id: int, declaration_id: int, achievement_id: int, reviewer_ids: list[int], due_on: dt.date
) -> BlindWork:
    """送审: one 代表作 of an accepted declaration to at least three reviewers, due on `due_on`."""
    meeting = Meeting.objects.select_related("committee__host").filter(pk=meeting_id).first()
    if meeting is None or not scoped.meetings.allows(actor, meeting, "manage"):
        raise Http404
    if meeting.status == MeetingStatus.CLOSED:
        raise Conflict("会议已结束，不能再送审代表作。", code="meeting_closed")
    declaration = Declaration.objects.filter(pk=declaration_id, round_id=meeting.round_id).first()
    if declaration is None:
        raise Http404
    if declaration.status != Status.ACCEPTED:
        raise DomainError(f"“{declaration.applicant_name}”的申报材料{declaration.get_status_display()}，不能送审。")
    work = next((w for w in representative_works(declaration) if w["id"] == achievement_id), None)
    if work is None:
        raise DomainError("所选成果不是该申报材料中的代表作。", field="achievement")
    ids = list(dict.fromkeys(reviewer_ids))
    if len(ids) < MIN_REVIEWERS:
        raise DomainError(f"每件代表作至少送 {MIN_REVIEWERS} 名专家评审，现为 {len(ids)} 名。", field="reviewers")
    if due_on <= timezone.localdate():
        raise DomainError("评审截止日期应在今天之后。", field="due_on")
    _reviewer_checks(declaration, ids)
    blind = BlindWork.objects.create(
        meeting=meeting, declaration=declaration, code=f"DBZ-{secrets.token_hex(4).upper()}", work=work, due_on=due_on
    )
    reviews = BlindReview.objects.bulk_create(BlindReview(work=blind, reviewer_id=pk, due_on=due_on) for pk in ids)
    record_event(
        actor=actor,
        action="blind.send",
        obj=blind,
        after={"declaration": declaration.pk, "reviewers": len(reviews), "due_on": due_on.isoformat()},
        organisation=meeting.committee.host,
    )
    _tell_reviewers(User.objects.filter(pk__in=ids), blind, due_on)
    return blind


def _tell_reviewers(reviewers: Any, blind: BlindWork, due_on: dt.date) -> None:
    """站内信 and SMS to reviewers of a 代表作: its code and deadline only, never whose work it is."""
    notify(
        recipients=reviewers,
        title=f"代表作评审：{blind.code}",
        body=f"请于 {due_on:%Y年%m月%d日} 前完成代表作 {blind.code} 的评审，填写代表作评审意见表。",
        link="/committees/reviews/",
        sms=True,
    )


def reviewer_view(*, actor: Any, review_id: int) -> dict[str, Any]:
    """What the reviewer sees: the code, the work and the deadline — nothing of its author."""
    review = BlindReview.objects.select_related("work").filter(pk=review_id, reviewer_id=actor.pk).first()
    if review is None:
        raise Http404
    return {
        "code": review.work.code,
        "work": {key: review.work.work.get(key) for key in WORK_FIELDS},
        "due_on": review.due_on,
        "grade": review.grade,
        "comment": review.comment,
        "submitted": review.submitted_at is not None,
        "replaced": review.replaced,
    }


@transaction.atomic
def submit_review(*, actor: Any, review_id: int, grade: str, comment: str) -> BlindReview:
    review = BlindReview.objects.select_for_update().filter(pk=review_id, reviewer_id=actor.pk).first()
    if review is None:
        raise Http404
    if review.replaced:
        raise Conflict("您已超过评审期限，本件代表作已改由其他专家评审。", code="replaced")
    if review.submitted_at is not None:
        raise Conflict("您已提交过本件代表作的评审意见。", code="already_submitted")
    if grade not in BlindGrade.values:
        raise DomainError("请选择评审等级（优秀、良好、合格、不合格）。", field="grade")
    text = (comment or "").strip()
    if not text:
        raise DomainError("请填写评审意见。", field="comment")
    if len(text) > COMMENT_MAX_LENGTH:
        raise DomainError(f"评审意见不能超过 {COMMENT_MAX_LENGTH} 字。", field="comment")
    review.grade, review.comment, review.submitted_at = grade, text, timezone.now()
    review.save(update_fields=["grade", "comment", "submitted_at"])
    return review


@transaction.atomic
def replace_reviewer(*, actor: Any, review_id: int, reviewer_id: int, due_on: dt.date) -> BlindReview:
    """更换: a reviewer past the deadline without a submitted review gives way to another."""
    review = (
        BlindReview.objects.select_for_update()
        .select_related("work__meeting__committee__host")
        .filter(pk=review_id)
        .first()
    )
    if review is None or not scoped.meetings.allows(actor, review.work.meeting, "manage"):
        raise Http404
    if review.submitted_at is not None or review.replaced:
        raise Conflict("该专家已提交评审意见或已被更换，不能更换。", code="stale")
    if review.due_on >= timezone.localdate():
        raise DomainError(f"评审期限（{review.due_on:%Y-%m-%d}）未到，不能更换专家。", code="not_late")
    if due_on <= timezone.localdate():
        raise DomainError("新的评审截止日期应在今天之后。", field="due_on")
    work = review.work
    if BlindReview.objects.filter(work=work, reviewer_id=reviewer_id).exists():
        raise DomainError("该专家已是本件代表作的评审专家。", field="reviewer")
    declaration = Declaration.objects.get(pk=work.declaration_id)
    _reviewer_checks(declaration, [reviewer_id])
    review.replaced = True
    review.save(update_fields=["replaced"])
    replacement = BlindReview.objects.create(work=work, reviewer_id=reviewer_id, due_on=due_on)
    record_event(
        actor=actor,
        action="blind.replace",
        obj=work,
        after={"due_on": due_on.isoformat()},
        organisation=work.meeting.committee.host,
    )
    _tell_reviewers(User.objects.filter(pk=reviewer_id), work, due_on)
    return replacement


def outcome(work: BlindWork) -> dict[str, int] | None:
    """Grades counted once every current reviewer (at least three) has submitted; None before."""
    current = [r for r in work.reviews.all() if not r.replaced]
    if len(current) < MIN_REVIEWERS or any(r.submitted_at is None for r in current):
        return None
    counts = dict.fromkeys(BlindGrade.values, 0)
    for review in current:
        counts[review.grade] += 1
    return counts
