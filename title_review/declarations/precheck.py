"""The dossier's facts for the eligibility precheck (资格预审), read from the declaration and the rows it picks;
and the gate at 提交 (ADR 0040): a 诚信档案 ban refuses in every precheck mode, any failed rule where the
round blocks failed prechecks."""

from collections import defaultdict
from typing import Any

from django.db.models import Model
from django.utils import timezone

from title_review.achievements.models import Appraisal, Education, Training, TrainingKind
from title_review.core.errors import DomainError
from title_review.dictionaries import cached
from title_review.eligibility.evaluate import INTEGRITY, RuleResult, integrity_result, overall, precheck
from title_review.eligibility.facts import ApplicantFacts
from title_review.eligibility.policy import current_policy
from title_review.eligibility.selectors import active_restrictions

from .models import Declaration


def _picked(model: type[Model], ids: list[int], loaded: dict[str, list[Any]] | None, section: str) -> list[Any]:
    """The picked rows of one section: from `loaded` (the applicant's rows the page has read already), else
    one query. Picks are the applicant's own rows (save_declaration keeps no other)."""
    if loaded is not None and section in loaded:
        wanted = set(ids)
        return [row for row in loaded[section] if row.pk in wanted]
    return list(model._default_manager.filter(pk__in=ids))


def facts_for(declaration: Declaration, *, loaded: dict[str, list[Any]] | None = None) -> ApplicantFacts:
    """The facts in every series, also before the basic information names a target and a route (the
    universal rules and the ban run on what is there; 学历与资历 then says what is missing).

    `loaded`: the applicant's 业绩档案 rows by section when the caller has read them (the dossier page).
    Queries: the qualification entries as this worker last read them (ADR 0049: one row while unchanged),
    one per picked section not in `loaded`, one for the 诚信档案 (bans and 处分 together) — none per rule."""
    qualifications = (
        cached.by_code("qualification")
        if (declaration.target_qualification or declaration.current_qualification)
        else {}
    )
    target = qualifications.get(declaration.target_qualification)
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
    restrictions = active_restrictions(applicant.id_number, today)
    return ApplicantFacts(
        series_code=declaration.round.series.code,
        target_level=(target.attributes or {}).get("level", "") if target else "",
        route=declaration.route or "",
        education_code=highest.education if highest else "",
        degree_code=min(degrees) if degrees else "0",
        graduation_date=highest.graduated_on if highest else None,
        round_year=declaration.round.year,
        current_qualification_level=(current.attributes or {}).get("level") if current else None,
        current_qualification_obtained=declaration.current_qualification_date if current else None,
        current_qualification_series_code=current.parent_code if current else None,
        birth_date=applicant.birth_date,
        sex=applicant.sex or None,
        appraisals=appraisals,
        continuing_education={year: (v[0], v[1]) for year, v in hours.items()},
        recommenders=len(declaration.recommenders or []),
        # 诚信档案 and 处分: one query on the indexed identity number; judged on the day of the check.
        integrity_ban_until=restrictions.ban_until,
        discipline_until=restrictions.discipline_until,
        checked_on=today,
        # 退休年龄 is judged on the round's 申报截止日.
        deadline=timezone.localtime(declaration.round.closes_at).date(),
    )


def run(
    declaration: Declaration, *, loaded: dict[str, list[Any]] | None = None
) -> tuple[list[RuleResult], bool | None]:
    results = precheck(facts_for(declaration, loaded=loaded), policy=current_policy())
    return results, overall(results)


def gate(declaration: Declaration) -> None:
    """At 提交 (and wherever a precheck gates): refuse a person under a 诚信档案 ban in every mode, and any
    failed rule where the round does not accept failed prechecks (`block`).

    In `warn` mode only the ban is read (one query); in `block` mode the whole precheck runs."""
    if declaration.round.precheck_mode != "block":
        ban = integrity_result(
            active_restrictions(declaration.applicant.id_number, timezone.localdate()).ban_until,
            timezone.localdate(),
        )
        results = [ban]
    else:
        results, _passed = run(declaration)
    banned = [r for r in results if r.code == INTEGRITY and r.passed is False]
    if banned:
        raise DomainError(
            f"{banned[0].detail}诚信档案记录期限内不能提交职称申报，请联系记录该诚信档案的职改办。",
            code="integrity_ban",
        )
    failed = [r for r in results if r.passed is False]
    if failed:
        detail = "；".join(r.detail for r in failed)
        raise DomainError(f"资格预审未通过，该评审活动不接受未通过预审的申报：{detail}", code="precheck_failed")
