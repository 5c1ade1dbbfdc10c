"""修改归口部门 and the daily jobs: publicity ends, 补正 reminders and expiry."""

import datetime as dt
from typing import Any

from django.db import transaction

from title_review.core.policies import get_policy
from title_review.declarations.models import Declaration
from title_review.declarations.transitions import transition
from title_review.declarations.workflow import Action, Status
from title_review.organisations.models import Organisation

from . import desk
from .desk import (
    _notify,
    _working_days_after,
)
from .employer import _end_publicity_if_due

# ---------------------------------------------------------------- 归口部门 and scheduled work


def recall_after_move(*, actor: Any, employer: Organisation, new_parent: Organisation) -> dict[str, Any]:
    """修改归口部门 (organisations.employers.move_employer calls it, registered in ReviewsConfig.ready())."""
    reason = f"单位修改归口部门为“{new_parent.name}”"
    return {"recalled_declarations": recall_forwarded(actor=actor, employer=employer, reason=reason)}


def recall_forwarded(*, actor: Any, employer: Organisation, reason: str) -> int:
    """修改归口部门: every forwarded declaration still in review returns to 待上报 at the employer.

    Runs inside the caller's transaction (organisations.employers.move_employer, through recall_after_move).
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
    on = on or desk.today()
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
    on = on or desk.today()
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
    on = on or desk.today()
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
