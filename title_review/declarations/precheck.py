"""The dossier's facts for the eligibility precheck (资格预审), read from the declaration and the rows it picks."""

from collections import defaultdict
from typing import Any

from django.db.models import Model
from django.utils import timezone

from title_review.achievements.models import Appraisal, Education, Training, TrainingKind
from title_review.dictionaries.models import Entry
from title_review.eligibility.evaluate import RuleResult, overall, precheck
from title_review.eligibility.facts import ApplicantFacts
from title_review.eligibility.selectors import active_ban_until

from .models import Declaration


def _picked(model: type[Model], ids: list[int], loaded: dict[str, list[Any]] | None, section: str) -> list[Any]:
    """The picked rows of one section: from `loaded` (the applicant's rows the page has read already), else
    one query. Picks are the applicant's own rows (save_declaration keeps no other)."""
    if loaded is not None and section in loaded:
        wanted = set(ids)
        return [row for row in loaded[section] if row.pk in wanted]
    return list(model._default_manager.filter(pk__in=ids))


def facts_for(declaration: Declaration, *, loaded: dict[str, list[Any]] | None = None) -> ApplicantFacts | None:
    """None until the basic information names a target qualification and a route.

    `loaded`: the applicant's 业绩档案 rows by section when the caller has read them (the dossier page)."""
    if not declaration.target_qualification or not declaration.route:
        return None
    qualifications = {
        e.code: e
        for e in Entry.objects.filter(
            type__code="qualification",
            code__in=[declaration.target_qualification, declaration.current_qualification],
        ).select_related("parent")
    }
    target = qualifications.get(declaration.target_qualification)
    if target is None:
        return None
    current = qualifications.get(declaration.current_qualification)
    picks = declaration.picks or {}
    education = _picked(Education, picks.get("education", []), loaded, "education")
    # GB/T 4658 codes: the smaller the code, the higher the schooling.
    highest = min(education, key=lambda e: e.education or "99", default=None)
    degrees = [e.degree for e in education if e.degree and e.degree != "0"]
    appraisals = {row.year: row.result for row in _picked(Appraisal, picks.get("appraisal", []), loaded, "appraisal")}
    hours: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in _picked(Training, picks.get("training", []), loaded, "training"):
        hours[row.year][0 if row.kind == TrainingKind.PROFESSIONAL else 1] += float(row.hours)
    applicant: Any = declaration.applicant
    today = timezone.localdate()
    return ApplicantFacts(
        series_code=declaration.round.series.code,
        target_level=(target.attributes or {}).get("level", ""),
        route=declaration.route,
        education_code=highest.education if highest else "",
        degree_code=min(degrees) if degrees else "0",
        graduation_date=highest.graduated_on if highest else None,
        round_year=declaration.round.year,
        current_qualification_level=(current.attributes or {}).get("level") if current else None,
        current_qualification_obtained=declaration.current_qualification_date if current else None,
        current_qualification_series_code=current.parent.code if current and current.parent else None,
        birth_date=applicant.birth_date,
        sex=applicant.sex or None,
        appraisals=appraisals,
        continuing_education={year: (v[0], v[1]) for year, v in hours.items()},
        recommenders=len(declaration.recommenders or []),
        # 诚信档案: one query on the indexed identity number; judged on the day of the check.
        integrity_ban_until=active_ban_until(applicant.id_number, today),
        checked_on=today,
    )


def run(
    declaration: Declaration, *, loaded: dict[str, list[Any]] | None = None
) -> tuple[list[RuleResult], bool | None]:
    facts = facts_for(declaration, loaded=loaded)
    if facts is None:
        return [], None
    results = precheck(facts)
    return results, overall(results)
