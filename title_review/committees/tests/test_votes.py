"""无记名投票 at a committee meeting: quorum, one vote per present member, the pass mark, no link between a
member and a vote (issue 13, ADR 0030)."""

import pytest
from django.apps import apps
from django.http import Http404

from title_review.accounts.models import User
from title_review.audit.models import AuditEvent
from title_review.committees import services
from title_review.committees.models import Ballot, BallotOutcome, BallotVoter, Meeting, MeetingMember
from title_review.core.errors import Conflict, DomainError, NotAllowed
from title_review.core.models import PolicySetting
from title_review.core.policies import forget_policy
from title_review.declarations.models import Declaration

from .factories import sign_in, sitting


@pytest.fixture
def world(seeded):
    return sitting()


def _vote(world, approve: int, reject: int = 0, abstain: int = 0):
    ballot = services.open_ballot(
        actor=world["secretary"], meeting_id=world["meeting"].pk, declaration_id=world["declaration"].pk
    )
    voters = iter(world["experts"])
    for choice, count in (("approve", approve), ("reject", reject), ("abstain", abstain)):
        for _ in range(count):
            services.cast_vote(actor=next(voters), ballot_id=ballot.pk, choice=choice)
    return services.close_ballot(actor=world["secretary"], ballot_id=ballot.pk)


@pytest.mark.parametrize(
    ("present", "members", "quorum"), [(17, 25, True), (16, 25, False), (8, 11, True), (7, 11, False), (2, 3, True)]
)
def test_the_quorum_is_two_thirds_counted_exactly(present, members, quorum):
    assert services.has_quorum(present, members) is quorum


@pytest.mark.parametrize(
    ("approve", "present", "passed"), [(12, 17, True), (11, 17, False), (14, 21, True), (13, 21, False)]
)
def test_the_pass_mark_is_two_thirds_of_those_present(approve, present, passed):
    assert services.passes(approve, present) is passed


def test_with_16_of_25_present_the_ballot_does_not_open(world):
    sign_in(world, 16)
    with pytest.raises(DomainError) as refused:
        services.open_ballot(
            actor=world["secretary"], meeting_id=world["meeting"].pk, declaration_id=world["declaration"].pk
        )
    assert "应到评委 25 人，实到 16 人" in refused.value.message and "至少 17 人" in refused.value.message
    assert not Ballot.objects.exists()


def test_12_of_17_passes_and_the_tally_is_kept(world):
    sign_in(world, 17)
    ballot = _vote(world, approve=12, reject=4, abstain=1)
    assert ballot.outcome == BallotOutcome.PASSED
    assert (ballot.present_count, ballot.members_count) == (17, 25)
    assert (ballot.approve, ballot.reject, ballot.abstain) == (12, 4, 1)
    closing = AuditEvent.objects.get(action="ballot.close", object_id=str(ballot.pk))
    assert closing.after["approve"] == 12 and closing.after["outcome"] == "passed"
    assert AuditEvent.objects.filter(action="ballot.open", object_id=str(ballot.pk)).exists()


def test_11_of_17_fails_and_a_member_who_did_not_vote_counts_as_not_for(world):
    sign_in(world, 17)
    ballot = _vote(world, approve=11, reject=5)  # one present member never voted
    assert ballot.outcome == BallotOutcome.FAILED
    assert ballot.votes_cast == 16


def test_one_vote_per_member_none_after_close_and_none_by_the_absent(world):
    sign_in(world, 17)
    ballot = services.open_ballot(
        actor=world["secretary"], meeting_id=world["meeting"].pk, declaration_id=world["declaration"].pk
    )
    first, absent = world["experts"][0], world["experts"][20]
    services.cast_vote(actor=first, ballot_id=ballot.pk, choice="approve")
    with pytest.raises(Conflict, match="已投过票"):
        services.cast_vote(actor=first, ballot_id=ballot.pk, choice="reject")
    with pytest.raises(NotAllowed, match="未签到"):
        services.cast_vote(actor=absent, ballot_id=ballot.pk, choice="approve")
    # Signing in after the ballot opened does not give a vote on it.
    services.sign_in(actor=absent, meeting_id=world["meeting"].pk)
    with pytest.raises(NotAllowed, match="未签到"):
        services.cast_vote(actor=absent, ballot_id=ballot.pk, choice="approve")
    with pytest.raises(NotAllowed, match="不是本次会议的评委"):
        services.cast_vote(actor=world["secretary"], ballot_id=ballot.pk, choice="approve")
    with pytest.raises(DomainError, match="请选择"):
        services.cast_vote(actor=world["experts"][1], ballot_id=ballot.pk, choice="yes")
    services.close_ballot(actor=world["secretary"], ballot_id=ballot.pk)
    with pytest.raises(Conflict, match="已结束"):
        services.cast_vote(actor=world["experts"][2], ballot_id=ballot.pk, choice="approve")
    ballot.refresh_from_db()
    assert (ballot.approve, ballot.reject, ballot.abstain) == (1, 0, 0)


def test_a_failed_declaration_is_voted_again_only_as_the_province_allows(world):
    sign_in(world, 17)
    _vote(world, approve=3)
    again = {"actor": world["secretary"], "meeting_id": world["meeting"].pk, "declaration_id": world["declaration"].pk}
    with pytest.raises(Conflict, match="不再重新表决"):
        services.open_ballot(**again)
    PolicySetting.objects.create(key="committee.revotes", value=1)
    forget_policy("committee.revotes")
    second = services.open_ballot(**again)
    assert second.attempt == 2
    for expert in world["experts"][:12]:
        services.cast_vote(actor=expert, ballot_id=second.pk, choice="approve")
    assert services.close_ballot(actor=world["secretary"], ballot_id=second.pk).outcome == BallotOutcome.PASSED
    with pytest.raises(Conflict, match="已表决通过"):
        services.open_ballot(**again)


def test_only_the_secretary_of_the_host_runs_the_meeting(world, users):
    sign_in(world, 17)
    for outsider in (users["hzcheck"], users["zjadmin"], world["experts"][0]):
        with pytest.raises(Http404):
            services.open_ballot(actor=outsider, meeting_id=world["meeting"].pk, declaration_id=world["declaration"].pk)
    ballot = services.open_ballot(
        actor=world["secretary"], meeting_id=world["meeting"].pk, declaration_id=world["declaration"].pk
    )
    with pytest.raises(Http404):
        services.close_ballot(actor=users["hzadmin"], ballot_id=ballot.pk)


def test_a_meeting_needs_an_odd_number_of_distinct_experts(world, users):
    experts = [e.pk for e in world["experts"]]
    base = {
        "actor": world["secretary"],
        "round_id": world["round"].pk,
        "committee_id": world["committee"].pk,
        "title": "第二次会议",
    }
    with pytest.raises(DomainError, match="单数"):
        services.create_meeting(**base, member_ids=experts[:24])
    with pytest.raises(DomainError, match="重复"):
        services.create_meeting(**base, member_ids=[*experts[:24], experts[0]])
    with pytest.raises(DomainError, match="不是在库的评审专家"):
        services.create_meeting(**base, member_ids=[*experts[:24], users["hzcheck"].pk])
    assert Meeting.objects.count() == 1


def test_no_table_links_a_member_to_a_vote(world):
    """What is stored of a vote: a flag on the member's right to vote, and a total. No column of the voter
    rows holds a choice or a moment, and the ballot holds no member."""
    sign_in(world, 17)
    ballot = _vote(world, approve=12, reject=5)
    voter_columns = {f.column for f in BallotVoter._meta.concrete_fields}
    assert voter_columns == {"id", "ballot_id", "member_id", "has_voted"}
    ballot_relations = {f.name: f.related_model for f in Ballot._meta.concrete_fields if f.is_relation}
    assert ballot_relations == {
        "meeting": Meeting,
        "declaration": Declaration,
        "opened_by": User,  # the secretary
        "closed_by": User,
    }
    # The voters are listed by seat, whatever order they voted in.
    listed = list(BallotVoter.objects.filter(ballot=ballot).values_list("member_id", flat=True))
    assert listed == sorted(listed)
    # No audit row per vote (it would hold who and when beside a total that moved).
    assert not AuditEvent.objects.filter(action__startswith="ballot.vote").exists()
    seats = set(MeetingMember.objects.filter(meeting=world["meeting"]).values_list("user_id", flat=True))
    assert not AuditEvent.objects.filter(action__startswith="ballot.", actor_id__in=seats).exists()
    # Nothing else in the schema points at a ballot or a voter.
    pointing = [
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in (Ballot, BallotVoter) and model is not BallotVoter
    ]
    assert pointing == []
