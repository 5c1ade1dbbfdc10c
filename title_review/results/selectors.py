"""Reads of 评后管理: the office's batches and what waits for it, the public 公示 list, results back."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from title_review.access import results as policies
from title_review.access import scoped
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.rounds.models import Round, RoundKind

from .models import BatchStatus, Outcome, ResultBatch, ResultEntry, ResultObjection


def batches_of(user: Any) -> QuerySet[ResultBatch]:
    return (
        policies.batches.visible(user, "view")
        .select_related("round", "office")
        .annotate(
            passed=Count("entries", filter=Q(entries__outcome=Outcome.PASSED)),
            total=Count("entries"),
            open_objections=Count("entries__objections", filter=Q(entries__objections__outcome="")),
        )
        .order_by("-pk")
    )


def meetings_to_receive(user: Any) -> QuerySet[Any]:
    """Closed meetings of rounds the user's office published whose results are not yet received."""
    return (
        scoped.meetings.visible(user, "results")
        .filter(result_batch__isnull=True)
        .select_related("committee", "round")
        .order_by("-pk")
    )


def approval_rounds(user: Any) -> QuerySet[Round]:
    """初定 / 认定 rounds the user may decide, with how many accepted declarations wait for 审批."""
    from title_review.access import rounds as round_policy

    return (
        round_policy.policy.visible(user, round_policy.MANAGE)
        .filter(kind__in=[RoundKind.INITIAL, RoundKind.RECOGNITION])
        .annotate(waiting=Count("declarations", filter=Q(declarations__status=Status.ACCEPTED)))
        .order_by("-pk")
    )


def waiting_for_approval(round_: Round) -> QuerySet[Declaration]:
    return (
        Declaration.objects.filter(round=round_, status=Status.ACCEPTED)
        .select_related("employer")
        .order_by("number", "pk")
    )


def batch_entries(batch: ResultBatch) -> list[ResultEntry]:
    return list(
        batch.entries.select_related("certificate").prefetch_related(
            Prefetch("objections", queryset=ResultObjection.objects.order_by("pk"))
        )
    )


def public_batches() -> list[ResultBatch]:
    """Batches whose 公示 is running today, each with its passed entries (the public page: no identity numbers)."""
    today = timezone.localdate()
    return list(
        ResultBatch.objects.filter(
            status=BatchStatus.PUBLICISING, publicity_starts__lte=today, publicity_ends__gte=today
        )
        .select_related("round")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ResultEntry.objects.filter(outcome=Outcome.PASSED)
                .only(
                    "pk",
                    "batch_id",
                    "person_name",
                    "employer_name",
                    "series_name",
                    "qualification_name",
                    "level_name",
                )
                .order_by("pk"),
                to_attr="published",
            )
        )
        .order_by("committee_name", "pk")
    )


def public_entry(entry_id: Any) -> ResultEntry | None:
    if not str(entry_id or "").isdigit():
        return None
    today = timezone.localdate()
    return (
        ResultEntry.objects.select_related("batch")
        .filter(
            pk=int(entry_id),
            outcome=Outcome.PASSED,
            batch__status=BatchStatus.PUBLICISING,
            batch__publicity_starts__lte=today,
            batch__publicity_ends__gte=today,
        )
        .first()
    )


def unit_results(user: Any) -> QuerySet[ResultEntry]:
    """Results back: the entries of the unit's own people, once their batch is published (公示 or 发文)."""
    return (
        policies.entries.visible(user, "unit")
        .filter(batch__status__in=[BatchStatus.PUBLICISING, BatchStatus.CONFIRMED])
        .select_related("batch", "certificate")
        .order_by("-batch_id", "pk")
    )


def own_results(user: Any) -> QuerySet[ResultEntry]:
    return (
        policies.entries.visible(user, "own")
        .filter(batch__status__in=[BatchStatus.PUBLICISING, BatchStatus.CONFIRMED])
        .select_related("batch", "certificate")
        .order_by("-batch_id", "pk")
    )
