"""25 members voting at the same moment (PostgreSQL, threads): exactly 25 ballots, the tally their sum."""

import threading

import pytest
from django.db import connection

from title_review.audit.models import AuditEvent
from title_review.committees import services
from title_review.committees.models import Ballot, BallotVoter

from .factories import sign_in, sitting

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

CHOICES = ["approve"] * 15 + ["reject"] * 7 + ["abstain"] * 3


def _all_at_once(calls) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # noqa: BLE001 — collected and asserted by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_25_simultaneous_votes_are_25_ballots_and_the_tally_is_their_sum(seeded):
    world = sitting()
    sign_in(world, 25)
    ballot = services.open_ballot(
        actor=world["secretary"], meeting_id=world["meeting"].pk, declaration_id=world["declaration"].pk
    )
    calls = [
        (lambda e=expert, c=choice: services.cast_vote(actor=e, ballot_id=ballot.pk, choice=c))
        for expert, choice in zip(world["experts"], CHOICES, strict=True)
    ]
    # Each member also tries a second vote at the same moment: every second attempt is refused.
    calls += [
        (lambda e=expert: services.cast_vote(actor=e, ballot_id=ballot.pk, choice="approve"))
        for expert in world["experts"]
    ]
    errors = _all_at_once(calls)
    assert len(errors) == 25 and all("已投过票" in str(e) for e in errors), errors
    ballot = Ballot.objects.get(pk=ballot.pk)
    assert BallotVoter.objects.filter(ballot=ballot, has_voted=True).count() == 25
    # The two rows each member fired at once: whichever won counted once, so the totals differ from CHOICES
    # only by which of a member's two attempts came first — and sum to 25 either way.
    assert ballot.votes_cast == 25
    assert ballot.approve >= CHOICES.count("approve")


def test_a_vote_racing_the_close_is_either_counted_or_refused(seeded):
    world = sitting()
    sign_in(world, 25)
    ballot = services.open_ballot(
        actor=world["secretary"], meeting_id=world["meeting"].pk, declaration_id=world["declaration"].pk
    )
    calls = [
        (lambda e=expert: services.cast_vote(actor=e, ballot_id=ballot.pk, choice="approve"))
        for expert in world["experts"]
    ]
    calls.append(lambda: services.close_ballot(actor=world["secretary"], ballot_id=ballot.pk))
    errors = _all_at_once(calls)
    assert all("已结束" in str(e) for e in errors), errors
    ballot = Ballot.objects.get(pk=ballot.pk)
    assert ballot.votes_cast == 25 - len(errors)
    assert ballot.votes_cast == BallotVoter.objects.filter(ballot=ballot, has_voted=True).count()
    closing = AuditEvent.objects.get(action="ballot.close", object_id=str(ballot.pk))
    assert closing.after["approve"] == ballot.approve  # the tally recorded at close is the final one
