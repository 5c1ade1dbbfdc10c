from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.json import KT

from title_review.access.declarations import fill_at_employer

from .models import Declaration

# The stages the employer's summaries show (管理材料, 工作台).
SUMMARY_STATUSES = ("draft", "with_employer", "employer_passed", "in_publicity", "ready_to_forward", "returned")
SUMMARY_ROUNDS = 12


def employer_counts(user: Any, employer: Any) -> dict[str, dict[str, int]]:
    """Declarations of one employer per round title and stage, for its most recent rounds: capped counts
    (core.pagination) in one query, whatever the number of declarations."""
    from django.db.models import Exists, OuterRef, Q

    from title_review.core.pagination import capped_counts_where
    from title_review.rounds.models import Round

    # Rounds are few; each EXISTS is one probe of the (employer, round, …) index.
    rounds = list(
        Round.objects.filter(Exists(Declaration.objects.filter(round=OuterRef("pk"), employer=employer))).order_by(
            "-created_at", "-pk"
        )[:SUMMARY_ROUNDS]
    )
    rows = fill_at_employer(user, employer)
    scope = Declaration.objects.filter(rows) if rows is not None else Declaration.objects.none()
    conditions = {(r.pk, s): Q(round_id=r.pk, status=s) for r in rounds for s in SUMMARY_STATUSES}
    found = capped_counts_where(scope, conditions)
    counts: dict[str, dict[str, int]] = {}
    for r in sorted(rounds, key=lambda r: r.title):
        per_status = {s: found[(r.pk, s)] for s in SUMMARY_STATUSES if (r.pk, s) in found}
        if per_status:
            counts[r.title] = per_status
    return counts


# What a list row never shows: the dossier's JSON and the joined accounts' secrets. A list selects the
# rest (the list pattern, issue 12); the page of one declaration reads it whole.
LIST_DEFERRED = (
    "snapshot",
    "picks",
    "chain",
    "section_data",
    "recommenders",
    "correction_items",
    "forward_contact",
    "employer_opinion",
)


def for_list(queryset: QuerySet, *related: str) -> QuerySet:
    """A declaration queryset shaped for a list: the related rows it shows, without the heavy columns, and
    the 申报资格 name taken out of the snapshot in SQL (``qualification_name``)."""
    deferred = list(LIST_DEFERRED)
    if "applicant" in related:
        deferred += ["applicant__password", "applicant__permissions", "applicant__agreement_version"]
    return (
        queryset.select_related(*related)
        .defer(*deferred)
        .annotate(qualification_name=KT("snapshot__target_qualification__name"))
    )


# 上报材料跟踪, 被退回的材料: the newest movement first, drafts (no stage_since yet) last — the order of the
# declaration_recent and declaration_employer_recent indexes.
RECENT_FIRST = (F("stage_since").desc(nulls_last=True), F("id").desc())
