"""What the meeting pages show, in a bounded number of queries."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.fields.json import KeyTransform

from title_review.core.pagination import COUNT_CAP, capped_counts_where, capped_label
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status

from .models import (
    Ballot,
    BallotOutcome,
    BallotStatus,
    BallotVoter,
    Meeting,
    MeetingMember,
    PanelDeclaration,
    PanelMember,
    PanelOpinion,
)


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


def members_of(meeting: Meeting) -> list[MeetingMember]:
    """The meeting's members (a committee: tens at most) with their names."""
    return list(MeetingMember.objects.filter(meeting=meeting).select_related("user").order_by("pk"))


def accepted_of(meeting: Meeting, *, with_works: bool = False) -> QuerySet[Declaration]:
    """评审对象: the round's accepted declarations, in the order of the declaration_accepted index (round, employer,
    applicant name, id; accepted only), with only the columns a row shows. `with_works`: the snapshot's 业绩成果
    rows too (``achievements``, for the 代表作 a row may send out), selected alone in SQL — never the snapshot."""
    rows = (
        Declaration.objects.filter(round_id=meeting.round_id, status=Status.ACCEPTED)
        .select_related("employer")
        .only("pk", "applicant_name", "employer__name")
        .order_by("employer_id", "applicant_name", "pk")
    )
    if with_works:
        rows = rows.annotate(achievements=KeyTransform("achievement", KeyTransform("records", "snapshot")))
    return rows


def ballot_rows(meeting: Meeting, declarations: list[Declaration]) -> list[BallotRow]:
    """Each of `declarations` with its ballots at the meeting and, while one is open, how many have voted: two
    queries for the given declarations only (a page), whatever the number of ballots at the meeting."""
    ballots: dict[int, list[Ballot]] = {}
    for ballot in Ballot.objects.filter(meeting=meeting, declaration_id__in=[d.pk for d in declarations]).order_by(
        "declaration_id", "attempt"
    ):
        ballots.setdefault(ballot.declaration_id, []).append(ballot)
    open_ids = [b.pk for found in ballots.values() for b in found if b.status == BallotStatus.OPEN]
    voted: dict[int, int] = {}  # open ballots only: closed ones show their tally
    if open_ids:
        voted = dict(
            BallotVoter.objects.filter(ballot_id__in=open_ids, has_voted=True)
            .order_by()
            .values("ballot_id")
            .annotate(n=Count("pk"))
            .values_list("ballot_id", "n")
        )
    return [
        BallotRow(d, ballots.get(d.pk, []), sum(voted.get(b.pk, 0) for b in ballots.get(d.pk, [])))
        for d in declarations
    ]


def seat_of(meeting: Meeting, user: Any) -> MeetingMember | None:
    """The user's seat at the meeting (None for a page reached otherwise)."""
    return MeetingMember.objects.filter(meeting=meeting, user_id=user.pk).first()


# A member's page: the open ballots and the assignments as shown (and as the API gives them), without the
# declarations' other columns.
_BALLOT_SHOWN = ("pk", "meeting", "status", "declaration__applicant_name", "declaration__employer__name")
_ASSIGNMENT_SHOWN = (
    "pk",
    "meeting",
    "panel__name",
    "panel__asks_scores",
    "panel__due_on",
    "declaration__applicant_name",
    "declaration__employer__name",
)
# Open ballots a member's page shows at once, those waiting for the member's vote first.
OPEN_BALLOTS_SHOWN = 50


def open_ballots_for(meeting: Meeting, seat: MeetingMember | None, shown: int | None = None) -> dict[str, Any]:
    """The ballots open now at the meeting for a member's page: at most `shown`, those still waiting for the
    member's vote first (so each one the member must vote on is reached: voting moves it behind the others), each
    with whether the member voted (None: not present when it opened); ``open_count`` is their capped count."""
    shown = shown or OPEN_BALLOTS_SHOWN
    waiting: list[Ballot] = []
    if seat is not None:
        waiting = list(
            Ballot.objects.filter(
                meeting=meeting, status=BallotStatus.OPEN, voters__member=seat, voters__has_voted=False
            )
            .select_related("declaration__employer")
            .only(*_BALLOT_SHOWN)
            .order_by("pk")[:shown]
        )
    others: list[Ballot] = []
    if len(waiting) < shown:
        others = list(
            Ballot.objects.filter(meeting=meeting, status=BallotStatus.OPEN)
            .exclude(pk__in=[b.pk for b in waiting])
            .select_related("declaration__employer")
            .only(*_BALLOT_SHOWN)
            .order_by("pk")[: shown - len(waiting)]
        )
    mine = {
        v.ballot_id: v.has_voted
        for v in BallotVoter.objects.filter(ballot__in=[b.pk for b in others], member=seat).only(
            "ballot_id", "has_voted"
        )
    }
    rows = [(b, False) for b in waiting] + [(b, mine.get(b.pk)) for b in others]
    if len(rows) < shown:
        open_count = len(rows)
    else:
        counted = Ballot.objects.filter(meeting=meeting, status=BallotStatus.OPEN).values("pk")[: COUNT_CAP + 1]
        open_count = counted.count()
    return {
        "ballots": rows,
        "open_count": open_count,
        "open_count_label": capped_label(open_count),
        "open_shown": len(rows),
    }


def assignments_of(meeting: Meeting, seat: MeetingMember | None) -> QuerySet[PanelDeclaration]:
    """The declarations given to the panels `seat` sits on, by panel and in the order given (the
    panel_declaration_order index)."""
    if seat is None:
        return PanelDeclaration.objects.none()
    panel_ids = list(PanelMember.objects.filter(member=seat).values_list("panel_id", flat=True))
    return PanelDeclaration.objects.filter(meeting=meeting, panel_id__in=panel_ids).order_by("panel_id", "pk")


def assignment_rows(assignments: QuerySet[PanelDeclaration]) -> QuerySet[PanelDeclaration]:
    """Assignments as a member's page shows them: the panel's name and whether it scores, the applicant's name."""
    return assignments.select_related("panel", "declaration__employer").only(*_ASSIGNMENT_SHOWN)


def written_by(seat: MeetingMember | None, assignments: list[PanelDeclaration]) -> set[int]:
    """Which of `assignments` the member has written an opinion on (one query)."""
    if seat is None or not assignments:
        return set()
    return set(
        PanelOpinion.objects.filter(assignment__in=[a.pk for a in assignments], member=seat).values_list(
            "assignment_id", flat=True
        )
    )


def meeting_results(meeting: Meeting) -> QuerySet[Ballot]:
    """评审结果 as the page lists them: each declaration's last closed ballot (services.latest_closed), in the
    order of the unique_ballot_attempt index, with only the columns shown."""
    from .services import latest_closed

    return (
        latest_closed(meeting)
        .select_related("declaration__employer")
        .only(
            "pk",
            "declaration",
            "attempt",
            "present_count",
            "approve",
            "reject",
            "abstain",
            "outcome",
            "declaration__applicant_name",
            "declaration__employer__name",
        )
    )


def meeting_result_rows(meeting: Meeting) -> QuerySet[Ballot]:
    """meeting_results with 应到评委 (members_count) too, which the API's rows show: the same rows, order and
    index, one column more (never read row by row afterwards)."""
    rows = meeting_results(meeting)
    shown, _deferring = rows.query.deferred_loading
    return rows.only(*shown, "members_count")


def result_counts(meeting: Meeting) -> dict[str, int]:
    """通过 and 未通过 among the latest ballots, each a capped count (core.pagination), in one query."""
    from .services import latest_closed

    conditions = {outcome: Q(outcome=outcome) for outcome in BallotOutcome.values}
    found = capped_counts_where(latest_closed(meeting), conditions)
    return {outcome: found.get(outcome, 0) for outcome in BallotOutcome.values}


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


def panels_of(meeting: Meeting, declarations: list[Declaration]) -> dict[str, Any]:
    """评议组 with their members' progress (one query for all panels), the pool experts a 代表作 may be sent to,
    and the 代表作 of `declarations` (a page of accepted_of(…, with_works=True)) with those already sent out."""
    from .blind import representative_of
    from .models import BlindReview, BlindWork, Expert, ExpertStatus, MeetingPanel
    from .panels import progress_of

    panels = list(MeetingPanel.objects.filter(meeting=meeting).order_by("pk"))
    progress = progress_of(panels) if panels else {}
    works = [(d, w) for d in declarations for w in representative_of(getattr(d, "achievements", None))]
    experts = (
        Expert.objects.filter(status=ExpertStatus.ACTIVE)
        .select_related("user", "employer")
        .only("pk", "user__username", "user__real_name", "employer__name")
        .order_by("pk")
    )
    reviews = BlindReview.objects.select_related("reviewer").only(
        "pk", "work_id", "submitted_at", "replaced", "reviewer__username", "reviewer__real_name"
    )
    blind_works = (
        BlindWork.objects.filter(meeting=meeting, declaration_id__in=[d.pk for d in declarations])
        .only("pk", "code", "declaration_id")
        .prefetch_related(Prefetch("reviews", reviews.order_by("pk")))
        .order_by("pk")
    )
    return {
        "panels": [(panel, progress.get(panel.pk, [])) for panel in panels],
        "pool": list(experts[:300]),
        "works": works,
        "blind_works": list(blind_works),
    }
