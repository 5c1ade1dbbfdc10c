"""The only place that decides who may see or do what.

Every list, detail, export and API view starts from a `*_visible_to(user)` queryset or asks
`can(user, action, obj)`. Anything not granted by roles.CAPABILITIES is denied.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from title_review.core.errors import NotAllowed
from title_review.organisations.models import Organisation

from .models import RoleGrant
from .roles import CAPABILITIES, FILING_PERMISSION, NOT_AT_ROOT, SUB_ACCOUNT_PERMISSION, Role, Scope, scope_of


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int | None
    path: str
    depth: int


def grants_for(user: Any) -> list[Grant]:
    """The user's live grants, loaded once per request (grants on disabled organisations lapse)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_access_grants", None)
    if cached is not None:
        return cached
    rows = RoleGrant.objects.filter(user_id=user.pk).values_list(
        "role", "organisation_id", "organisation__path", "organisation__depth", "organisation__is_active"
    )
    grants = [
        Grant(role=role, organisation_id=org_id, path=path or "", depth=depth or 0)
        for role, org_id, path, depth, org_active in rows
        if org_id is None or org_active
    ]
    user._access_grants = grants
    return grants


def forget_grants(user: Any) -> None:
    if hasattr(user, "_access_grants"):
        del user._access_grants


def roles_of(user: Any) -> set[str]:
    return {g.role for g in grants_for(user)}


def _relevant(user: Any, action: str) -> list[tuple[Grant, Scope]]:
    try:
        roles, scope = CAPABILITIES[action]
    except KeyError as exc:
        raise KeyError(f"unknown action {action!r}: add it to access.roles.CAPABILITIES") from exc
    result = []
    needed = SUB_ACCOUNT_PERMISSION.get(action)
    for grant in grants_for(user):
        if grant.role not in roles:
            continue
        if grant.role == Role.EMPLOYER_STAFF and needed and needed not in (getattr(user, "permissions", None) or []):
            continue
        filing = FILING_PERMISSION.get(action)
        if (
            filing
            and getattr(user, "kind", "") == "filing"
            and filing not in (getattr(user, "permissions", None) or [])
        ):
            continue
        if grant.depth == 1 and grant.role in NOT_AT_ROOT.get(action, ()):
            continue
        effective = scope_of(grant.role, scope)
        if effective is Scope.ROOT and grant.depth != 1:
            continue
        if grant.role == Role.APPLICANT and grant.organisation_id is None:
            result.append((grant, Scope.OWN))
            continue
        result.append((grant, effective))
    return result


def has_capability(user: Any, action: str) -> bool:
    """Whether the user may do `action` somewhere (menus, toolbar buttons, page guards)."""
    return bool(_relevant(user, action))


def scope_filter(user: Any, action: str, *, path_field: str = "path", org_field: str | None = None) -> Q | None:
    """A Q selecting the organisations where `action` is allowed; None = nowhere.

    With `path_field` the Q compares a materialised path reached through a join (``employer__path``).
    With `org_field` (``employer_id``) the scope is first resolved to organisation ids — the grant's own
    id, or an indexed path range of the organisations table — so that a list of declarations filters its
    own indexed column instead of joining the organisations of every row (the list pattern, issue 12)."""
    q: Q | None = None
    for grant, scope in _relevant(user, action):
        if scope is Scope.ROOT:
            return Q()
        if org_field is not None:
            part = _org_ids(grant, scope, org_field)
        elif scope is Scope.SUBTREE:
            part = Q(**{f"{path_field}__startswith": grant.path})
        elif scope is Scope.BELOW:
            part = Q(**{f"{path_field}__startswith": grant.path}) & ~Q(**{path_field: grant.path})
        else:
            part = Q(**{path_field: grant.path})
        q = part if q is None else q | part
    return q


# A scope of at most this many organisations becomes a literal list of ids (scope_org_ids).
FEW_ORGANISATIONS = 200


def scope_org_ids(user: Any, action: str, org_field: str) -> Q | None:
    """scope_filter(user, action, org_field=org_field), with a narrow scope given as its organisations' ids.

    A district's or a unit's few organisations are read first (one indexed query) and compared as a literal
    list, so that PostgreSQL's statistics of each id choose between the scope's own rows (an index that starts
    with the organisation) and a walk of the table in the list's order; a wider scope (a city, the province)
    stays the indexed path range of the organisations, where that walk is the right plan (ADR 0053). Kept with
    the user's grants for the request (read again when they are)."""
    grants = grants_for(user)
    kept: dict[tuple[str, str], tuple[Any, Q | None]] = user.__dict__.setdefault("_scope_org_ids", {})
    found = kept.get((action, org_field))
    if found is not None and found[0] is grants:
        return found[1]
    q = scope_filter(user, action, org_field=org_field)
    if q is not None and q != Q():
        organisations = Organisation.objects.filter(scope_filter(user, action)).values_list("pk", flat=True)
        ids = list(organisations[: FEW_ORGANISATIONS + 1])
        if len(ids) <= FEW_ORGANISATIONS:
            q = Q(**{f"{org_field}__in": ids})
    kept[(action, org_field)] = (grants, q)
    return q


def _org_ids(grant: Grant, scope: Scope, org_field: str) -> Q:
    if scope is Scope.OWN:
        return Q(**{org_field: grant.organisation_id})
    below = Organisation.objects.filter(path__startswith=grant.path)
    if scope is Scope.BELOW:
        below = below.exclude(path=grant.path)
    return Q(**{f"{org_field}__in": below.values("pk")})


def organisations_visible_to(user: Any, action: str = "organisation.view") -> QuerySet:
    q = scope_filter(user, action)
    if q is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(q)


def _path_of(obj: Any) -> str | None:
    if obj is None:
        return None
    if hasattr(obj, "path") and hasattr(obj, "depth"):
        return str(obj.path)
    organisation = getattr(obj, "organisation", None)
    return str(organisation.path) if organisation is not None else None


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` do `action` on `obj` (an organisation, or anything with `.organisation`)?"""
    path = _path_of(obj)
    for grant, scope in _relevant(user, action):
        if scope is Scope.ROOT or path is None and obj is None:
            return True
        if path is None:
            continue
        if scope is Scope.SUBTREE and path.startswith(grant.path):
            return True
        if scope is Scope.BELOW and path.startswith(grant.path) and path != grant.path:
            return True
        if scope is Scope.OWN and path == grant.path:
            return True
    return False


def require(user: Any, action: str, obj: Any = None, *, message: str = "") -> None:
    """Raise unless allowed: 404 when the object is outside what the user may even see."""
    if can(user, action, obj):
        return
    if obj is not None and not can(user, "organisation.view", obj):
        raise Http404
    raise NotAllowed(message or "您没有权限执行此操作。")


def person_pk(user: Any) -> int | None:
    """The person whose own records (declarations, 业绩档案) the account works on.

    A 个人申报账号 works on its person's (None until the holder completes their identity); every other
    account on its own."""
    if getattr(user, "kind", "") == "filing":
        return getattr(user, "person_id", None)
    return getattr(user, "pk", None)


def employer_of(user: Any, action: str) -> Any:
    """The user's own employer when they may do `action` there, else 404.

    Employer pages (单位审核, 管理材料, 工作账号, ...) act on the signed-in account's organisation; anyone
    without `action` at it learns nothing from them.
    """
    employer = getattr(user, "organisation", None)
    if employer is None or not can(user, action, employer):
        raise Http404
    return employer
