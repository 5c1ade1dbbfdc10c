"""What the meeting pages show, in a bounded number of queries."""

from dataclasses import dataclass
from typing import Any

from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status

from .models import Ballot, BallotStatus, BallotVoter, Meeting, MeetingMember, PanelDeclaration, PanelOpinion


@dataclass(frozen=True)
class BallotRow:
    declaration: Declaration
    ballots: list[Ballot]
    voted: int = 0  # members who have voted on the open ballot (how they voted is never shown)

    @property
    def open_ballot(self) -> Ballot | None:
        return next((b for b in self.ballots if b.status == BallotStatus.OPEN), None)

    @property
    def last_closed(self) -> Ballot | None:
        closed = [b for b in self.ballots if b.status == BallotStatus.CLOSED]
        return closed[-1] if closed else None


def secretary_view(meeting: Meeting) -> dict[str, Any]:
    """The secretary's page: members with presence, each accepted declaration with its ballots and progress."""
    members = list(MeetingMember.objects.filter(meeting=meeting).select_related("user").order_by("pk"))
    declarations = list(
        Declaration.objects.filter(round_id=meeting.round_id, status=Status.ACCEPTED)
        .select_related("employer")
        .only("pk", "applicant_name", "employer__name", "status", "round_id")
        .order_by("employer_id", "applicant_name", "pk")[:500]
    )
    ballots: dict[int, list[Ballot]] = {}
    for ballot in Ballot.objects.filter(meeting=meeting).order_by("declaration_id", "attempt"):
        ballots.setdefault(ballot.declaration_id, []).append(ballot)
    voted: dict[int, int] = {}  # open ballots only: closed ones show their tally
    for ballot_id in BallotVoter.objects.filter(
        ballot__meeting=meeting, ballot__status=BallotStatus.OPEN, has_voted=True
    ).values_list("ballot_id", flat=True):
        voted[ballot_id] = voted.get(ballot_id, 0) + 1
    return {
        "members": members,
        "present": sum(m.is_present for m in members),
        "rows": [
            BallotRow(d, ballots.get(d.pk, []), sum(voted.get(b.pk, 0) for b in ballots.get(d.pk, [])))
            for d in declarations
        ],
    }


def member_view(meeting: Meeting, user: Any) -> dict[str, Any]:
    """A member's page: their seat, the ballots open now (and whether they voted), their panels' declarations."""
    seat = MeetingMember.objects.filter(meeting=meeting, user=user).first()
    open_ballots = list(
        Ballot.objects.filter(meeting=meeting, status=BallotStatus.OPEN)
        .select_related("declaration__employer")
        .order_by("pk")
    )
    mine = {v.ballot_id: v.has_voted for v in BallotVoter.objects.filter(ballot__in=open_ballots, member=seat)}
    assignments = list(
        PanelDeclaration.objects.filter(meeting=meeting, panel__members__member=seat)
        .select_related("panel", "declaration__employer")
        .order_by("panel_id", "pk")
    )
    written = set(
        PanelOpinion.objects.filter(assignment__in=assignments, member=seat).values_list("assignment_id", flat=True)
    )
    return {
        "seat": seat,
        "ballots": [(b, mine.get(b.pk)) for b in open_ballots],
        "assignments": [(a, a.pk in written) for a in assignments],
    }


def drawable_rounds(user: Any) -> list[Any]:
    """Published rounds whose committee is hosted where the user is its secretary, newest first."""
    from title_review.access.policies import scope_filter
    from title_review.rounds.models import Round, RoundStatus

    where = scope_filter(user, "meeting.manage", path_field="committee__host__path")
    if where is None:
        return []
    rounds = Round.objects.filter(where, status=RoundStatus.PUBLISHED, committee__isnull=False)
    return list(rounds.select_related("committee").order_by("-year", "-pk")[:100])


def draw_of(meeting: Meeting) -> dict[str, Any]:
    """The draw behind a meeting, for its secretary: seats in drawn order with names, and the recusals."""
    from .models import Draw, DrawnExpert, Recusal

    draw = Draw.objects.filter(meeting=meeting).first()
    if draw is None:
        return {"draw": None}
    seats = (
        DrawnExpert.objects.filter(draw=draw).select_related("expert__user", "expert__employer").order_by("position")
    )
    recusals = Recusal.objects.filter(draw=draw).select_related("expert__user").order_by("pk")
    return {"draw": draw, "seats": list(seats), "recusals": list(recusals)}


def panels_of(meeting: Meeting) -> dict[str, Any]:
    """评议组 with their members' progress, and the pool experts a 代表作 may be sent to."""
    from .blind import representative_works
    from .models import BlindWork, Expert, ExpertStatus, MeetingPanel
    from .panels import progress

    panels = list(MeetingPanel.objects.filter(meeting=meeting).order_by("pk"))
    accepted = Declaration.objects.filter(round_id=meeting.round_id, status=Status.ACCEPTED).only(
        "pk", "applicant_name", "snapshot"
    )
    works = [(d, w) for d in accepted.order_by("pk")[:500] for w in representative_works(d)]
    experts = Expert.objects.filter(status=ExpertStatus.ACTIVE).select_related("user", "employer").order_by("pk")
    return {
        "panels": [(panel, progress(panel)) for panel in panels],
        "pool": list(experts[:300]),
        "works": works,
        "blind_works": list(BlindWork.objects.filter(meeting=meeting).prefetch_related("reviews").order_by("pk")),
    }
