"""评审会议 and 无记名投票 (ADR 0030): sign-in, the quorum, one secret vote per present member, the tally.

Rules (人社部令第40号, domain.md §1.3): the ballot opens only when at least two thirds of the committee's
members are present; only members present when it opens vote, once each, 同意 / 不同意 / 弃权, no proxy, nothing
after it closes; a declaration passes with 同意 from at least two thirds of the members present. Fractions
are compared exactly, in integers (17 of 25 is a quorum, 16 is not; 12 of 17 passes, 11 does not).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from title_review.access import scoped
from title_review.access.models import RoleGrant
from title_review.access.policies import require
from title_review.access.roles import Role
from title_review.audit.services import record_event
from title_review.core.errors import Conflict, DomainError, NotAllowed
from title_review.core.policies import get_policy
from title_review.declarations.models import Declaration
from title_review.declarations.selectors import LIST_DEFERRED
from title_review.declarations.workflow import Status
from title_review.rounds.models import Committee, Round

from .models import (
    Ballot,
    BallotOutcome,
    BallotStatus,
    BallotVoter,
    Choice,
    Meeting,
    MeetingMember,
    MeetingRecord,
    MeetingStatus,
)


def has_quorum(present: int, members: int) -> bool:
    """出席人数不少于评委会组成人数的三分之二."""
    return members > 0 and present * 3 >= members * 2


def passes(approve: int, present: int) -> bool:
    """同意票数达到出席评委人数的三分之二以上."""
    return present > 0 and approve * 3 >= present * 2


def quorum_needed(members: int) -> int:
    return -(-members * 2 // 3)


def _locked_meeting(actor: Any, meeting_id: int) -> Meeting:
    found = Meeting.objects.select_for_update(of=("self",)).select_related("committee__host").filter(pk=meeting_id)
    meeting = found.first()
    if meeting is None or not scoped.meetings.allows(actor, meeting, "manage"):
        raise Http404
    return meeting


def refuse_unfiled(committee: Committee, today: dt.date) -> None:
    """No meeting outside a valid 备案 (ADR 0032): 未备案 and 备案已过有效期 are refused, with the committee's own
    sentence; the last day of the 有效期 still counts."""
    state = committee.filing_state(today)
    if state != "valid":
        code = "committee_unfiled" if state == "none" else "committee_expired"
        raise DomainError(committee.filing_refusal(today), code=code)


@transaction.atomic
def create_meeting(*, actor: Any, round_id: int, committee_id: int, title: str, member_ids: list[int]) -> Meeting:
    """组织评审会议: the committee's members for this sitting (an odd number of distinct 评审专家)."""
    committee = Committee.objects.select_related("host").filter(pk=committee_id).first()
    round_ = Round.objects.filter(pk=round_id).first()
    if committee is None or round_ is None:
        raise Http404
    require(actor, "meeting.manage", committee.host)
    if round_.committee_id != committee.pk:
        raise DomainError(f"评审活动“{round_.title}”不由“{committee.name}”评审。", field="committee")
    today = timezone.localdate()
    refuse_unfiled(committee, today)
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写会议名称。", field="title")
    ids = list(dict.fromkeys(member_ids))
    if len(ids) != len(member_ids):
        raise DomainError("评委名单中有重复的人员。", field="members")
    if not ids or len(ids) % 2 == 0:
        raise DomainError(f"评委会应由单数评委组成，现为 {len(ids)} 人。", field="members")
    experts = set(
        RoleGrant.objects.filter(user_id__in=ids, role=Role.EXPERT, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if len(experts) != len(ids):
        raise DomainError(f"有 {len(ids) - len(experts)} 名人员不是在库的评审专家，不能作为评委。", field="members")
    meeting = Meeting.objects.create(round=round_, committee=committee, title=title, created_by=actor)
    MeetingMember.objects.bulk_create([MeetingMember(meeting=meeting, user_id=pk) for pk in ids])
    record_event(
        actor=actor, action="meeting.create", obj=meeting, after={"members": len(ids)}, organisation=committee.host
    )
    return meeting


@transaction.atomic
def start_meeting(*, actor: Any, meeting_id: int) -> Meeting:
    """开始会议: members may sign in from now on."""
    meeting = _locked_meeting(actor, meeting_id)
    if meeting.status != MeetingStatus.PREPARING:
        raise Conflict(f"会议{meeting.get_status_display()}，不能再次开始。", code="stale")
    meeting.status = MeetingStatus.IN_SESSION
    meeting.save(update_fields=["status", "updated_at"])
    record_event(actor=actor, action="meeting.start", obj=meeting, organisation=meeting.committee.host)
    return meeting


@transaction.atomic
def sign_in(*, actor: Any, meeting_id: int) -> MeetingMember:
    """签到: a member, signed in with their own account, declares themselves present."""
    member = (
        MeetingMember.objects.select_for_update(of=("self",))
        .select_related("meeting__committee__host")
        .filter(meeting_id=meeting_id, user_id=actor.pk)
        .first()
    )
    if member is None:
        raise Http404
    if member.meeting.status != MeetingStatus.IN_SESSION:
        raise Conflict(f"会议{member.meeting.get_status_display()}，不能签到。", code="not_in_session")
    if not member.is_present:
        member.is_present = True
        member.signed_in_at = timezone.now()
        member.save(update_fields=["is_present", "signed_in_at"])
        record_event(
            actor=actor, action="meeting.sign_in", obj=member.meeting, organisation=member.meeting.committee.host
        )
    return member


@transaction.atomic
def open_ballot(*, actor: Any, meeting_id: int, declaration_id: int) -> Ballot:
    """开始表决 on one declaration: only with a quorum; the members present now are the ones who vote."""
    meeting = _locked_meeting(actor, meeting_id)
    if meeting.status != MeetingStatus.IN_SESSION:
        raise Conflict(f"会议{meeting.get_status_display()}，不能开始表决。", code="not_in_session")
    declaration = Declaration.objects.filter(pk=declaration_id, round_id=meeting.round_id).first()
    if declaration is None:
        raise Http404
    if declaration.status != Status.ACCEPTED:
        raise DomainError(
            f"“{declaration.applicant_name}”的申报材料{declaration.get_status_display()}，不在评审范围内。",
            code="not_accepted",
        )
    earlier = list(Ballot.objects.filter(meeting=meeting, declaration=declaration).order_by("attempt"))
    if any(b.status == BallotStatus.OPEN for b in earlier):
        raise Conflict(f"“{declaration.applicant_name}”的表决正在进行中。", code="ballot_open")
    if any(b.outcome == BallotOutcome.PASSED for b in earlier):
        raise Conflict(f"“{declaration.applicant_name}”已表决通过，不能再次表决。", code="already_passed")
    revotes = int(get_policy("committee.revotes"))
    if len(earlier) > revotes:
        raise Conflict(
            f"“{declaration.applicant_name}”已表决 {len(earlier)} 次，"
            + ("按规定不再重新表决。" if revotes == 0 else f"最多可重新表决 {revotes} 次。"),
            code="no_more_revotes",
        )
    members = list(MeetingMember.objects.filter(meeting=meeting))
    present = [m for m in members if m.is_present]
    if not has_quorum(len(present), len(members)):
        raise DomainError(
            f"应到评委 {len(members)} 人，实到 {len(present)} 人，不足三分之二"
            f"（至少 {quorum_needed(len(members))} 人），不能开始表决。",
            code="no_quorum",
        )
    ballot = Ballot.objects.create(
        meeting=meeting,
        declaration=declaration,
        attempt=len(earlier) + 1,
        members_count=len(members),
        present_count=len(present),
        opened_at=timezone.now(),
        opened_by=actor,
    )
    BallotVoter.objects.bulk_create([BallotVoter(ballot=ballot, member=m) for m in present])
    record_event(
        actor=actor,
        action="ballot.open",
        obj=ballot,
        after={
            "declaration": declaration.pk,
            "attempt": ballot.attempt,
            "members": len(members),
            "present": len(present),
        },
        organisation=meeting.committee.host,
    )
    return ballot


_COUNTER = {Choice.APPROVE: "approve", Choice.REJECT: "reject", Choice.ABSTAIN: "abstain"}


@transaction.atomic
def cast_vote(*, actor: Any, ballot_id: int, choice: str) -> None:
    """无记名投票: marks that the member voted and adds one to a total; nothing links the two (ADR 0030).

    No audit row is written per vote: it would carry the member and the moment, beside a total that moved."""
    if choice not in _COUNTER:
        raise DomainError("请选择同意、不同意或弃权。", field="choice")
    ballot = Ballot.objects.select_for_update().filter(pk=ballot_id).first()
    if ballot is None:
        raise Http404
    seat = MeetingMember.objects.filter(meeting_id=ballot.meeting_id, user_id=actor.pk).first()
    if seat is None:
        raise NotAllowed("您不是本次会议的评委，不能投票。")
    if ballot.status != BallotStatus.OPEN:
        raise Conflict("该表决已结束，不能再投票。", code="ballot_closed")
    voter = BallotVoter.objects.select_for_update().filter(ballot=ballot, member=seat).first()
    if voter is None:
        raise NotAllowed("您在开始表决时未签到出席，不能参加本次表决（不得委托他人投票）。")
    if voter.has_voted:
        raise Conflict("您已投过票，每位评委对每份申报只能投一票。", code="already_voted")
    BallotVoter.objects.filter(pk=voter.pk).update(has_voted=True)
    column = _COUNTER[Choice(choice)]
    Ballot.objects.filter(pk=ballot.pk).update(**{column: F(column) + 1})


@transaction.atomic
def close_ballot(*, actor: Any, ballot_id: int) -> Ballot:
    """结束表决: the tally is fixed and the outcome counted on the members present at opening."""
    found = (
        Ballot.objects.select_for_update(of=("self",)).select_related("meeting__committee__host").filter(pk=ballot_id)
    )
    ballot = found.first()
    if ballot is None or not scoped.ballots.allows(actor, ballot, "manage"):
        raise Http404
    if ballot.status != BallotStatus.OPEN:
        raise Conflict("该表决已结束。", code="ballot_closed")
    ballot.status = BallotStatus.CLOSED
    ballot.closed_at = timezone.now()
    ballot.closed_by = actor
    ballot.outcome = BallotOutcome.PASSED if passes(ballot.approve, ballot.present_count) else BallotOutcome.FAILED
    ballot.save(update_fields=["status", "closed_at", "closed_by", "outcome"])
    record_event(
        actor=actor,
        action="ballot.close",
        obj=ballot,
        after={
            "declaration": ballot.declaration_id,
            "present": ballot.present_count,
            "approve": ballot.approve,
            "reject": ballot.reject,
            "abstain": ballot.abstain,
            "outcome": ballot.outcome,
        },
        organisation=ballot.meeting.committee.host,
    )
    return ballot


@dataclass(frozen=True)
class Progress:
    """What may be shown while a ballot is open: how many have voted, never how."""

    eligible: int
    voted: int


def progress(ballot: Ballot) -> Progress:
    voters = BallotVoter.objects.filter(ballot=ballot)
    return Progress(eligible=voters.count(), voted=voters.filter(has_voted=True).count())


@transaction.atomic
def close_meeting(*, actor: Any, meeting_id: int) -> Meeting:
    """结束会议: no ballot may still be open."""
    meeting = _locked_meeting(actor, meeting_id)
    if meeting.status == MeetingStatus.CLOSED:
        raise Conflict("会议已结束。", code="stale")
    if Ballot.objects.filter(meeting=meeting, status=BallotStatus.OPEN).exists():
        raise Conflict("还有正在进行的表决，请先结束表决。", code="ballot_open")
    meeting.status = MeetingStatus.CLOSED
    meeting.save(update_fields=["status", "updated_at"])
    record_event(actor=actor, action="meeting.close", obj=meeting, organisation=meeting.committee.host)
    return meeting


@dataclass(frozen=True)
class Result:
    """评审结果 of one declaration at a meeting: its last closed ballot."""

    declaration: Declaration
    ballot: Ballot

    @property
    def passed(self) -> bool:
        return self.ballot.outcome == BallotOutcome.PASSED


def latest_closed(meeting: Meeting) -> QuerySet[Ballot]:
    """Each declaration's last closed ballot at `meeting` (an earlier attempt was voted again), chosen in SQL: a
    closed ballot with no later closed attempt — a probe of the unique_ballot_attempt index (meeting, declaration,
    attempt), which also gives the order (declaration, attempt)."""
    later = Ballot.objects.filter(
        meeting_id=meeting.pk,
        declaration=OuterRef("declaration"),
        status=BallotStatus.CLOSED,
        attempt__gt=OuterRef("attempt"),
    )
    return (
        Ballot.objects.filter(meeting_id=meeting.pk, status=BallotStatus.CLOSED)
        .exclude(Exists(later))
        .order_by("declaration_id", "attempt")
    )


# What results_of's readers never use of a declaration (the 会议记录 reads the snapshot's 申报资格).
_RESULT_DEFERRED = tuple(f"declaration__{name}" for name in LIST_DEFERRED if name != "snapshot")


def results_of(meeting: Meeting) -> list[Result]:
    """Per declaration voted on, 通过 / 未通过 with the tally of its last ballot (one query), in the order voted.
    Every row: for the 会议记录 and the receiving of results, which take them all (the page is paginated:
    selectors.meeting_results)."""
    closed = latest_closed(meeting).select_related("declaration__employer").defer(*_RESULT_DEFERRED)
    return [Result(declaration=b.declaration, ballot=b) for b in closed.order_by("pk")]


@transaction.atomic
def archive_record(*, actor: Any, meeting_id: int, content: bytes) -> MeetingRecord:
    """签署会议记录: the rendered PDF (printing.meeting_record) is kept with its SHA-256; once only."""
    meeting = _locked_meeting(actor, meeting_id)
    if meeting.status != MeetingStatus.CLOSED:
        raise Conflict("会议结束后才能签署会议记录。", code="not_closed")
    if MeetingRecord.objects.filter(meeting=meeting).exists():
        raise Conflict("会议记录已签署，不能再次签署。", code="already_signed")
    digest = hashlib.sha256(content).hexdigest()
    record = MeetingRecord(meeting=meeting, sha256=digest, size=len(content), signed_by=actor, signed_at=timezone.now())
    record.file.save(f"meeting-{meeting.pk}-{digest[:12]}.pdf", ContentFile(content), save=False)
    record.save()
    record_event(
        actor=actor,
        action="meeting.sign_record",
        obj=record,
        after={"sha256": digest, "size": len(content)},
        organisation=meeting.committee.host,
    )
    return record


def record_intact(record: MeetingRecord) -> bool:
    """Whether the kept file still has the digest sealed when it was signed."""
    with record.file.open("rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest() == record.sha256
