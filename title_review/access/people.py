"""Who may manage whose account: 本级人员授权, the administrators of the level below, 个人申报账号.

- **本级人员授权** (purpose ``manage`` of kind ``account``): an organisation's administrator manages the
  organisation accounts of its own organisation; at the province (the root office) the 安全管理员 does,
  not the 职改办管理员 (三员分立: the 系统管理员 configures, the 审计管理员 reads the logs; roles.NOT_AT_ROOT).
- **The level below** (purpose ``child_admin``): the administrator of an organisation resets, disables,
  注销 and 重建 the administrators of its direct children — nothing further down.
- **Resetting a unit** (purpose ``reset_employer``): a 职改办 resets the password of an employer's
  administrator anywhere below it (the 区职改办 resets a unit's password).
- **个人申报账号** (kind ``filing_account``) and **join requests** (kind ``join_request``): the unit's
  administrator, for its own unit.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q

from title_review.accounts.models import AccountKind, User
from title_review.organisations.models import Organisation

from .kinds import register
from .models import RoleGrant
from .policies import can
from .roles import ADMIN_ROLE, GRANTABLE_ROLES, PEOPLE_MANAGERS, Role, organisation_class
from .scoped import Grant, ScopedPolicy

# Every role that administers an organisation of some kind (the roles organisations are created with).
ADMINISTRATOR_ROLES = frozenset(ADMIN_ROLE.values()) | frozenset().union(*PEOPLE_MANAGERS.values())

_ORGANISATION_ACCOUNT = Q(kind=AccountKind.ORGANISATION)
# The account administers its own organisation (holds an administrator role there).
_ADMINISTRATOR = Q(
    Exists(
        RoleGrant.objects.filter(
            user_id=OuterRef("pk"), organisation_id=OuterRef("organisation_id"), role__in=ADMINISTRATOR_ROLES
        )
    )
)
_EMPLOYER_ADMINISTRATOR = Q(
    Exists(
        RoleGrant.objects.filter(
            user_id=OuterRef("pk"), organisation_id=OuterRef("organisation_id"), role=Role.EMPLOYER_ADMIN
        )
    )
)

accounts = register(
    ScopedPolicy(
        "account",
        User,
        {
            "manage": (Grant("people.manage", "organisation__path", _ORGANISATION_ACCOUNT),),
            "child_admin": (
                Grant("people.child_admin", "organisation__parent__path", _ORGANISATION_ACCOUNT & _ADMINISTRATOR),
            ),
            "reset_employer": (
                Grant("people.reset_employer", "organisation__path", _ORGANISATION_ACCOUNT & _EMPLOYER_ADMINISTRATOR),
            ),
        },
    )
)
filing_accounts = register(
    ScopedPolicy(
        "filing_account",
        User,
        {"manage": (Grant("employer.manage", "organisation__path", Q(kind=AccountKind.FILING)),)},
    )
)
join_requests = register(
    ScopedPolicy(
        "join_request",
        User,
        {"review": (Grant("employer.manage", "requested_unit__path", Q(kind=AccountKind.PERSONAL)),)},
    )
)


def manages_people(user: Any, organisation: Organisation | None) -> bool:
    """May `user` add people to `organisation` and tick their roles (本级人员授权)?"""
    return organisation is not None and can(user, "people.manage", organisation)


def manages_child_admins(user: Any, organisation: Organisation) -> bool:
    """May `user` reset, disable or re-create the administrators of `organisation` (its direct parent)?"""
    parent = organisation.parent
    return parent is not None and can(user, "people.child_admin", parent)


def resets_employer(user: Any, organisation: Organisation) -> bool:
    """May `user` (a 职改办 above it) reset the password of this employer's administrator?"""
    return organisation.kind == "employer" and can(user, "people.reset_employer", organisation)


def people_home(user: Any) -> Organisation:
    """The user's own organisation when they manage its people (本级人员授权), else 404."""
    from django.http import Http404

    organisation = getattr(user, "organisation", None)
    if not manages_people(user, organisation):
        raise Http404
    return organisation  # type: ignore[return-value]


def grantable_roles(organisation: Organisation) -> frozenset[Role]:
    """The roles an organisation of this kind may give its people (the one table: roles.GRANTABLE_ROLES)."""
    return GRANTABLE_ROLES.get(organisation_class(organisation.kind, organisation.parent_id is None), frozenset())


def managers_of(organisation: Organisation) -> frozenset[Role]:
    """The roles that manage this organisation's people: never to be left with no active holder."""
    return PEOPLE_MANAGERS.get(organisation_class(organisation.kind, organisation.parent_id is None), frozenset())


def administrator_role(organisation: Organisation) -> Role:
    return ADMIN_ROLE[organisation_class(organisation.kind, organisation.parent_id is None)]
