"""The committees' daily job (registered with the job runner in CommitteesConfig.ready, beside the review chain's
publicity ends and 补正 deadlines): experts with 书面评议意见 or a 代表作评审 still to do, due within
`committee.reminder_days` days, get one reminder each by 站内信 and SMS. A 代表作 reminder names the work by its
code only, never its author."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from title_review.core.policies import get_policy
from title_review.notifications.services import notify

from .models import BlindReview, MeetingPanel, MeetingStatus
from .panels import progress


def _window(on: dt.date | None) -> tuple[dt.date, dt.date]:
    on = on or timezone.localdate()
    return on, on + dt.timedelta(days=int(get_policy("committee.reminder_days")))


@transaction.atomic
def remind_blind_reviews(*, on: dt.date | None = None) -> int:
    """代表作评审 not submitted (and the reviewer not replaced), due between today and the horizon: once."""
    today, horizon = _window(on)
    rows = (
        BlindReview.objects.select_for_update(of=("self",))
        .select_related("work", "reviewer")
        .filter(submitted_at__isnull=True, replaced=False, reminded=False, due_on__gte=today, due_on__lte=horizon)
        .exclude(work__meeting__status=MeetingStatus.CLOSED)
        .order_by("pk")
    )
    count = 0
    for review in rows:
        notify(
            recipients=[review.reviewer],
            title=f"代表作评审即将截止：{review.work.code}",
            body=f"代表作 {review.work.code} 的评审须在 {review.due_on:%Y年%m月%d日} 前完成，请填写代表作评审意见表。",
            link=f"/committees/reviews/{review.pk}/",
            category="deadline",
            sms=True,
        )
        review.reminded = True
        review.save(update_fields=["reminded"])
        count += 1
    return count


@transaction.atomic
def remind_panel_opinions(*, on: dt.date | None = None) -> int:
    """评议组 whose opinions are due between today and the horizon: each member with opinions missing, once."""
    today, horizon = _window(on)
    panels = (
        MeetingPanel.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .filter(deadline_reminded=False, due_on__gte=today, due_on__lte=horizon)
        .exclude(meeting__status=MeetingStatus.CLOSED)
        .order_by("pk")
    )
    count = 0
    for panel in panels:
        for item in progress(panel):
            if item.missing <= 0:
                continue
            notify(
                recipients=[item.member.user],
                title=f"评议即将截止：{panel.name}",
                body=(
                    f"“{panel.meeting.title}”的评议组“{panel.name}”须在 {panel.due_on:%Y年%m月%d日} 前完成评议，"
                    f"您还有 {item.missing} 份申报材料未填写书面评议意见。"
                ),
                link=f"/committees/mine/{panel.meeting_id}/",
                category="deadline",
                sms=True,
            )
            count += 1
        panel.deadline_reminded = True
        panel.save(update_fields=["deadline_reminded"])
    return count


def run_daily(*, on: dt.date | None = None) -> dict[str, int]:
    """The committees' daily job (the job runner calls it once a day)."""
    return {
        "blind_reviews_reminded": remind_blind_reviews(on=on),
        "panel_members_reminded": remind_panel_opinions(on=on),
    }
