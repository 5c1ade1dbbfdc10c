from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from title_review.access import scoped
from title_review.access.policies import organisations_visible_to

from .models import NameChangeStatus, Organisation, OrganisationNameChange


def name_matches(q: str, *, through: str = "") -> Q:
    """Organisations whose name contains `q`, today's or a former one (更名记录): a unit stays findable by
    the name people still know it by. `through` is the relation from the queried model ("employer")."""
    former = OrganisationNameChange.objects.filter(status=NameChangeStatus.APPLIED, old_name__icontains=q).values(
        "organisation_id"
    )
    prefix = f"{through}__" if through else ""
    return Q(**{f"{prefix}name__icontains": q}) | Q(**{f"{through}_id__in" if through else "pk__in": former})


def former_names(organisation_ids: Iterable[int], q: str = "") -> dict[int, list[str]]:
    """{organisation id: its former names, newest first} (those containing `q` when given), in one query."""
    rows = OrganisationNameChange.objects.filter(
        organisation_id__in=list(organisation_ids), status=NameChangeStatus.APPLIED
    )
    if q:
        rows = rows.filter(old_name__icontains=q)
    names: dict[int, list[str]] = defaultdict(list)
    for organisation_id, old_name in rows.order_by("-decided_at", "-id").values_list("organisation_id", "old_name"):
        if old_name not in names[organisation_id]:
            names[organisation_id].append(old_name)
    return dict(names)


def organisation_tree(user: Any, *, q: str = "", kind: str = "", status: str = "") -> QuerySet[Organisation]:
    """The user's visible part of the tree in display order, narrowed by the search form."""
    qs = organisations_visible_to(user).select_related("region")
    q = q.strip()
    if q:
        qs = qs.filter(name_matches(q) | Q(code__startswith=q) | Q(credit_code=q.upper()))
    if kind:
        qs = qs.filter(kind=kind)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    return qs.order_by("path")


def visible_organisation(user: Any, pk: int) -> Organisation:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(organisations_visible_to(user).select_related("parent", "region"), pk=pk)


def name_changes_of(organisation: Organisation) -> QuerySet[OrganisationNameChange]:
    """更名记录 of one unit, newest first (the caller has already checked that the unit is visible)."""
    return OrganisationNameChange.objects.filter(organisation=organisation).select_related("requested_by", "decided_by")


def renames_to_decide(user: Any) -> QuerySet[OrganisationNameChange]:
    """Pending renames of the units whose 归口部门 the user administers, oldest first."""
    return (
        scoped.name_changes.visible(user, "decide")
        .filter(status=NameChangeStatus.PENDING)
        .select_related("organisation", "requested_by")
        .order_by("created_at", "id")
    )


def name_change_panel(user: Any, organisation: Organisation) -> dict[str, Any]:
    """更名记录 of a unit as a page shows it: the records, the open request, whether `user` decides it."""
    changes = list(name_changes_of(organisation)[:50])
    pending = next((c for c in changes if c.status == NameChangeStatus.PENDING), None)
    return {
        "name_changes": changes,
        "pending_change": pending,
        "can_decide_rename": pending is not None and scoped.name_changes.allows(user, pending, "decide"),
    }
