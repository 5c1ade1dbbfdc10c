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


def flood_declarations(round_, employer, count: int, *, start: int = 0, status: str = "accepted") -> list:
    """`count` declarations of `employer` in `round_`, bulk-created (no dossier content), people named 批量{i}."""
    from title_review.accounts.models import User

    people = User.objects.bulk_create(
        User(username=f"results_bulk{i}", real_name=f"批量{i:04d}", kind="personal", password="!")
        for i in range(start, start + count)
    )
    now = timezone.now()
    return Declaration.objects.bulk_create(
        Declaration(
            applicant=p,
            applicant_name=p.real_name,
            round=round_,
            employer=employer,
            filled_by=p,
            status=status,
            stage_since=now,
            pledge_version="2026-11",
            pledge_accepted_at=now,
            snapshot={},
        )
        for p in people
    )


def flood_entries(batch: ResultBatch, employer, count: int, *, start: int = 0, outcome: str = "passed") -> list:
    """`count` results in `batch` for as many new declarations of `employer` (bulk rows), named 批量{i}."""
    from ..models import ResultEntry

    declarations = flood_declarations(batch.round, employer, count, start=start, status="passed")
    return ResultEntry.objects.bulk_create(
        ResultEntry(
            batch=batch,
            declaration=d,
            person_name=d.applicant_name,
            employer=employer,
            employer_name=employer.name,
            series_name="中小学教师",
            outcome=outcome,
        )
        for d in declarations
    )
