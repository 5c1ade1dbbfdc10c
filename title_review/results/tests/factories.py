"""A committee meeting with two declarations voted through, as the committee stage leaves it (real services)."""

import contextlib
import datetime as dt

from django.utils import timezone

from title_review.committees import services as committees
from title_review.committees.tests.factories import sign_in, sitting
from title_review.declarations.models import Declaration
from title_review.exchange.tests.factories import accepted_for

from ..models import ResultBatch


def voted_meeting(fail_second: bool = False) -> dict:
    """The 杭州市中小学教师评委会's meeting (3 experts) for a round with 朱老师 (teacher) and the applicant accepted;
    both voted on (the second one rejected with `fail_second`), the meeting closed."""
    world = sitting(members=3)
    second = accepted_for("applicant", world["round"])
    sign_in(world, 3)
    meeting, secretary = world["meeting"], world["secretary"]
    for declaration, choice in ((world["declaration"], "approve"), (second, "reject" if fail_second else "approve")):
        ballot = committees.open_ballot(actor=secretary, meeting_id=meeting.pk, declaration_id=declaration.pk)
        for expert in world["experts"]:
            committees.cast_vote(actor=expert, ballot_id=ballot.pk, choice=choice)
        committees.close_ballot(actor=secretary, ballot_id=ballot.pk)
    committees.close_meeting(actor=secretary, meeting_id=meeting.pk)
    world["second"] = Declaration.objects.get(pk=second.pk)
    return world


def publicity_over(batch: ResultBatch) -> None:
    """The 公示 period as if it had ended yesterday (no clock is moved: the row's dates are)."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ResultBatch.objects.filter(pk=batch.pk).update(
        publicity_starts=yesterday - dt.timedelta(days=9), publicity_ends=yesterday
    )


@contextlib.contextmanager
def module_world(django_db_blocker, build):
    """Build shared data once per module in a transaction rolled back after the module's last test."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
