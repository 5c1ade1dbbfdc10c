"""Reads of 评后管理: the office's batches and what waits for it, the public 公示 list, results back."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from title_review.access import results as policies
from title_review.access import scoped
from title_review.core import pagination
from title_review.core.params import to_id
from title_review.declarations.models import Declaration
from title_review.declarations.selectors import for_list
from title_review.declarations.workflow import Status
from title_review.rounds.models import Round, RoundKind

from .models import BatchStatus, Outcome, ResultBatch, ResultEntry, ResultObjection


def batches_of(user: Any) -> QuerySet[ResultBatch]:
    """The batches the user may see, newest first: a page at a time, its counts from `with_counts`."""
    return policies.batches.visible(user, "view").select_related("round").order_by("-pk")


def batch_for_page(user: Any, pk: Any) -> ResultBatch:
    """One batch for its page (404 outside what the user may see), without counting its entries."""
    return policies.batches.get(user, pk, "view", ResultBatch.objects.select_related("round", "office"))


def with_counts(batches: list[ResultBatch]) -> list[ResultBatch]:
    """The shown batches with their 通过 / 总数 and 待处理异议, capped counts in two queries whatever the size of
    the batches (`passed_label`, `total_label`, `open_label`). Entries and objections are counted apart: counted
    through one join, an entry with two objections would count twice as an entry."""
    cap = pagination.COUNT_CAP
    ids = [b.pk for b in batches]
    entries = pagination.capped_counts_where(
        ResultEntry.objects.all(),
        {
            **{("total", pk): Q(batch_id=pk) for pk in ids},
            **{("passed", pk): Q(batch_id=pk, outcome=Outcome.PASSED) for pk in ids},
        },
        cap,
    )
    objections = pagination.capped_counts_where(
        ResultObjection.objects.all(), {pk: Q(entry__batch_id=pk, outcome="") for pk in ids}, cap
    )
    for b in batches:
        b.total_label = pagination.capped_label(entries.get(("total", b.pk), 0), cap)  # type: ignore[attr-defined]
        b.passed_label = pagination.capped_label(entries.get(("passed", b.pk), 0), cap)  # type: ignore[attr-defined]
        b.open_label = pagination.capped_label(objections.get(b.pk, 0), cap)  # type: ignore[attr-defined]
    return batches


def meetings_to_receive(user: Any) -> QuerySet[Any]:
    """Closed meetings of rounds the user's office published whose results are not yet received."""
    return (
        scoped.meetings.visible(user, "results")
        .filter(result_batch__isnull=True)
        .select_related("committee", "round")
        .order_by("-pk")
    )


def approval_rounds(user: Any) -> QuerySet[Round]:
    """初定 / 认定 rounds the user may decide (how many wait for 审批: `with_waiting`)."""
    from title_review.access import rounds as round_policy

    return (
        round_policy.policy.visible(user, round_policy.MANAGE)
        .filter(kind__in=[RoundKind.INITIAL, RoundKind.RECOGNITION])
        .order_by("-pk")
    )


def with_waiting(rounds: list[Round]) -> list[Round]:
    """The shown rounds with how many accepted declarations wait for 审批 (`waiting_label`): capped counts in one
    query, each read from the declaration_accepted index."""
    cap = pagination.COUNT_CAP
    found = pagination.capped_counts_where(
        Declaration.objects.all(), {r.pk: Q(round_id=r.pk, status=Status.ACCEPTED) for r in rounds}, cap
    )
    for r in rounds:
        r.waiting_label = pagination.capped_label(found.get(r.pk, 0), cap)  # type: ignore[attr-defined]
    return rounds


def waiting_for_approval(round_: Round) -> QuerySet[Declaration]:
    """The round's accepted declarations by unit and name, the order of the declaration_accepted index (round,
    employer, applicant_name, id WHERE status = accepted): a page reads its rows only, without the JSON columns."""
    return for_list(Declaration.objects.filter(round=round_, status=Status.ACCEPTED), "employer").order_by(
        "employer_id", "applicant_name", "pk"
    )


def batch_entries(batch: ResultBatch) -> QuerySet[ResultEntry]:
    """A batch's entries in the order received (the result_entry_batch index); paginate, then `with_objections`."""
    return (
        batch.entries.select_related("certificate")
        .only(
            "pk",
            "batch_id",
            "person_name",
            "employer_name",
            "series_name",
            "qualification_name",
            "level_name",
            "outcome",
            "note",
            "certificate__number",
        )
        .order_by("pk")
    )


def with_objections(entries: list[ResultEntry]) -> list[ResultEntry]:
    """The page's entries with their objections (one query for the page)."""
    prefetch_related_objects(entries, Prefetch("objections", queryset=ResultObjection.objects.order_by("pk")))
    return entries


HELD_SHOWN = 20


def held(batch: ResultBatch) -> tuple[list[str], int]:
    """Whose passed result waits for an objection to be handled (暂缓确认): the first HELD_SHOWN names and the
    capped count, read from the open objections (few) rather than the batch's entries."""
    cap = pagination.COUNT_CAP
    waiting = ResultEntry.objects.filter(
        batch=batch,
        outcome=Outcome.PASSED,
        pk__in=ResultObjection.objects.filter(outcome="", entry__batch=batch).values("entry_id"),
    )
    names = list(waiting.order_by("pk").values_list("person_name", flat=True)[:HELD_SHOWN])
    # Counted even when every name is shown: the page makes the same queries whatever the number held.
    return names, pagination.capped_counts_where(waiting, {"held": Q()}, cap).get("held", 0)


def publicising() -> QuerySet[ResultBatch]:
    """Batches whose 公示 is running today, by committee."""
    today = timezone.localdate()
    return ResultBatch.objects.filter(
        status=BatchStatus.PUBLICISING, publicity_starts__lte=today, publicity_ends__gte=today
    ).order_by("committee_name", "pk")


PUBLIC_BATCHES = 100


def public_batches() -> list[ResultBatch]:
    """The batches in 公示 for the public page's list (committee, round, period only), at most PUBLIC_BATCHES + 1
    so that the page can say there are more."""
    return list(
        publicising()
        .select_related("round")
        .only(
            "pk",
            "committee_name",
            "publicity_starts",
            "publicity_ends",
            "round__title",
        )[: PUBLIC_BATCHES + 1]
    )


def published_entries(batch: ResultBatch) -> QuerySet[ResultEntry]:
    """One batch's passed entries as the public sees them (no identity numbers), in the order of the
    result_entry_batch_outcome index."""
    return (
        ResultEntry.objects.filter(batch=batch, outcome=Outcome.PASSED)
        .only("pk", "batch_id", "person_name", "employer_name", "series_name", "qualification_name", "level_name")
        .order_by("pk")
    )


def public_entry(entry_id: Any) -> ResultEntry | None:
    pk = to_id(entry_id)
    if pk is None:
        return None
    today = timezone.localdate()
    return (
        ResultEntry.objects.select_related("batch")
        .filter(
            pk=pk,
            outcome=Outcome.PASSED,
            batch__status=BatchStatus.PUBLICISING,
            batch__publicity_starts__lte=today,
            batch__publicity_ends__gte=today,
        )
        .first()
    )


UNIT_COLUMNS = (
    "pk",
    "batch_id",
    "employer_id",
    "person_name",
    "employer_name",
    "series_name",
    "qualification_name",
    "level_name",
    "outcome",
    "batch__committee_name",
    "batch__status",
    "batch__document_number",
    "batch__publicity_ends",
)


def unit_results(user: Any) -> QuerySet[ResultEntry]:
    """Results back: the entries of the unit's own people, once their batch is published (公示 or 发文), newest
    batch first. The policy's scope is organisation ids on the entry's own employer column, so that a page walks
    the result_entry_employer index instead of joining every row's declaration and employer."""
    return (
        policies.entries.visible(user, "unit")
        .filter(batch__status__in=[BatchStatus.PUBLICISING, BatchStatus.CONFIRMED])
        .select_related("batch")
        .only(*UNIT_COLUMNS)
        .order_by("-batch_id", "pk")
    )


def unit_page_results(user: Any) -> QuerySet[ResultEntry]:
    """unit_results with each entry's certificate number (the page shows it; the export does not)."""
    return unit_results(user).select_related("certificate").only(*UNIT_COLUMNS, "certificate__number")


def own_results(user: Any) -> QuerySet[ResultEntry]:
    return (
        policies.entries.visible(user, "own")
        .filter(batch__status__in=[BatchStatus.PUBLICISING, BatchStatus.CONFIRMED])
        .select_related("batch", "certificate")
        .order_by("-batch_id", "pk")
    )
