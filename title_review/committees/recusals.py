"""回避 between an expert and an applicant (issue 13, domain.md §1.1): the expert is the applicant, works at the
applicant's unit, has a relation with the applicant that either of them declared (DeclaredRelation), or is one of
the applicant's 破格 recommenders. The draw keeps such experts off the committee (自动回避, with the reason);
panels and 代表作 送审 refuse them for that applicant.

破格 recommenders are kept on the declaration as the names the applicant typed (Declaration.recommenders, copied
into the accepted snapshot): an expert whose real name is among them stands aside. Two people may share a name:
then both stand aside, which errs on the side the rule asks for.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from title_review.declarations.models import Declaration

from .models import DeclaredRelation, Expert


@dataclass(frozen=True)
class Reviewer:
    """What the rule needs to know of an expert."""

    user_id: int
    real_name: str
    employer_id: int | None
    expert_id: int | None = None


def pool_entries(users: Iterable[Any]) -> dict[int, tuple[int | None, int | None]]:
    """user id → (pool entry id, unit) for the given users (one query): the unit is the pool entry's employer,
    else the account's organisation (an expert may sit for a unit other than the account's)."""
    users = list(users)
    pool = {
        u: (pk, e)
        for u, pk, e in Expert.objects.filter(user_id__in=[u.pk for u in users]).values_list(
            "user_id", "pk", "employer_id"
        )
    }
    return {u.pk: pool.get(u.pk, (None, u.organisation_id)) for u in users}


def recommenders_of(declaration: Declaration) -> set[str]:
    names = declaration.recommenders or []
    return {name.strip() for name in names if isinstance(name, str) and name.strip()}


def declared_relations(expert_ids: Iterable[int], applicant_ids: Iterable[int]) -> dict[tuple[int, int], str]:
    """(expert id, applicant user id) → the relation declared, for the given experts and applicants (one query)."""
    rows = DeclaredRelation.objects.filter(expert_id__in=list(expert_ids), applicant_id__in=list(applicant_ids))
    return {(e, a): r for e, a, r in rows.values_list("expert_id", "applicant_id", "relation")}


def reason(
    declaration: Declaration, reviewer: Reviewer, relations: dict[tuple[int, int], str], *, employer_name: str = ""
) -> str:
    """Why `reviewer` must stand aside from `declaration`, or "" when nothing says so."""
    name = declaration.applicant_name
    if reviewer.user_id == declaration.applicant_id:
        return f"本人为申报人{name}"
    if reviewer.employer_id is not None and reviewer.employer_id == declaration.employer_id:
        return f"与申报人{name}同在{employer_name or declaration.employer.name}"
    relation = relations.get((reviewer.expert_id or 0, declaration.applicant_id))
    if relation:
        return f"与申报人{name}有{relation}关系（已申报回避）"
    if reviewer.real_name and reviewer.real_name.strip() in recommenders_of(declaration):
        return f"为申报人{name}的破格推荐专家"
    return ""
