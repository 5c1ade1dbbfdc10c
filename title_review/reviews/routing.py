"""Which organisations review a declaration after its employer, computed from the organisation tree."""

from typing import Any

from title_review.organisations.models import PATH_STEP, Organisation, OrganisationKind

# Organisations above an employer that review and pass declarations up: competent departments, title
# offices between the employer and the accepting office, and 人事代理机构 for the employers they take.
REVIEWING_KINDS = frozenset({OrganisationKind.DEPARTMENT, OrganisationKind.TITLE_OFFICE, OrganisationKind.AGENCY})


def ancestor_paths(path: str, step: int) -> list[str]:
    return [path[:i] for i in range(step, len(path), step)]


def accepting_office(round_: Any, ancestors: list[Organisation]) -> Organisation | None:
    """The round's publisher when it is above the employer; else the nearest title office above it."""
    for org in ancestors:
        if org.pk == round_.publisher_id:
            return org
    for org in reversed(ancestors):
        if org.kind == OrganisationKind.TITLE_OFFICE:
            return org
    return None


def chain_for(declaration: Any) -> list[Organisation]:
    """Every reviewing organisation from just above the employer up to the accepting title office.

    The accepting office is always last; organisations the round marks as pass-through are left out.
    """
    employer = declaration.employer
    ancestors = list(Organisation.objects.filter(path__in=ancestor_paths(employer.path, PATH_STEP)).order_by("depth"))
    office = accepting_office(declaration.round, ancestors)
    if office is None:
        return []
    skipped = {int(i) for i in (declaration.round.pass_through or [])}
    below_office = [o for o in ancestors if o.depth > office.depth]
    levels = [o for o in reversed(below_office) if o.kind in REVIEWING_KINDS and o.pk not in skipped and o.is_active]
    return [*levels, office]
