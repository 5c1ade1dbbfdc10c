"""Every write to the organisation tree."""

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.access.policies import require
from title_review.access.roles import Role
from title_review.accounts.models import User
from title_review.accounts.passwords import generate_one_time_password
from title_review.accounts.services import (
    create_account,
    username_form,
    username_taken,
    usernames_in_use,
    validate_username,
)
from title_review.audit.services import Event, record_event, record_events
from title_review.core.bulk import insert_models
from title_review.core.errors import DomainError
from title_review.core.records import referring_records
from title_review.core.text import clean_name

from .codes import display_organisation_code, next_code, next_codes, normalise_unit_code
from .models import (
    ALLOWED_CHILDREN,
    CHILD_OFFICE_LEVEL,
    OfficeLevel,
    Organisation,
    OrganisationKind,
    encode_step,
)

ADMIN_ROLE_FOR_KIND = {
    OrganisationKind.TITLE_OFFICE: Role.OFFICE_ADMIN,
    OrganisationKind.DEPARTMENT: Role.DEPARTMENT_ADMIN,
    OrganisationKind.EMPLOYER: Role.EMPLOYER_ADMIN,
    OrganisationKind.AGENCY: Role.EMPLOYER_ADMIN,
}


def snapshot(org: Organisation) -> dict[str, Any]:
    return {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "office_level": org.office_level,
        "parent": org.parent.code if org.parent else None,
        "region": org.region.code if org.region_id else None,
        "credit_code": org.credit_code,
        "organisation_code": org.organisation_code,
        "is_active": org.is_active,
    }


@transaction.atomic
def create_root_organisation(*, name: str, region: Any) -> Organisation:
    """The province title office: the tree's root, created once by set-up, not through the UI."""
    org = Organisation.objects.create(
        name=name,
        code=next_code(region.code),
        kind=OrganisationKind.TITLE_OFFICE,
        office_level=OfficeLevel.PROVINCE,
        parent=None,
        path=encode_step(Organisation.objects.filter(parent=None).count() + 1),
        depth=1,
        region=region,
    )
    record_event(actor=None, action="organisation.create", obj=org, after=snapshot(org), organisation=org)
    return org


@transaction.atomic
def create_organisation(
    *,
    actor: Any,
    parent_id: int,
    name: str,
    kind: str,
    region: Any,
    credit_code: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    address: str = "",
) -> Organisation:
    """Create a child organisation under `parent_id`, with a code from the configured pattern."""
    # Lock the parent: its child counter decides the new path, and it must stay enabled meanwhile.
    parent = Organisation.objects.select_for_update().get(pk=parent_id)
    require(actor, "organisation.create_child", parent)
    org = add_child(
        parent=parent,
        name=name,
        kind=kind,
        region=region,
        credit_code=credit_code,
        contact_person=contact_person,
        contact_phone=contact_phone,
        address=address,
    )
    record_event(actor=actor, action="organisation.create", obj=org, after=snapshot(org), organisation=org)
    return org


def add_child(
    *,
    parent: Organisation,
    name: str,
    kind: str,
    region: Any,
    credit_code: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    address: str = "",
) -> Organisation:
    """Insert a child under a parent the caller has locked and authorised (tree rules checked here)."""
    org = _checked_child(
        parent=parent,
        name=name,
        kind=kind,
        region=region,
        credit_code=credit_code,
        contact_person=contact_person,
        contact_phone=contact_phone,
        address=address,
        taken=lambda field, value: Organisation.objects.filter(parent=parent, **{field: value}).exists(),
    )
    parent.child_counter += 1
    parent.save(update_fields=["child_counter", "updated_at"])
    org.code = next_code(region.code)
    org.path = parent.path + encode_step(parent.child_counter)
    org.save(force_insert=True)
    return org


def _checked_child(
    *,
    parent: Organisation,
    name: str,
    kind: str,
    region: Any,
    credit_code: str,
    contact_person: str,
    contact_phone: str,
    address: str,
    taken: Callable[[str, str], bool],
) -> Organisation:
    """The tree rules of `add_child`, in the order a user fixes a row, and the unsaved child without
    its code and path. `taken(field, value)`: whether a child of `parent` has that name, credit code or
    组织机构代码 (a query for one child; sets built by IN queries for many)."""
    if not parent.is_active:
        raise DomainError(f"上级机构“{parent.name}”已停用，不能在其下新增机构。")
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        allowed = "、".join(str(OrganisationKind(k).label) for k in ALLOWED_CHILDREN[parent.kind]) or "无"
        raise DomainError(f"“{parent.kind_label}”下不能新增“{OrganisationKind(kind).label}”，可新增的类型：{allowed}。")
    name = clean_name(name, "机构名称")
    contact_person = clean_name(contact_person, "联系人")
    if not name:
        raise DomainError("请填写机构名称。")
    if taken("name", name):
        raise DomainError(f"“{parent.name}”下已有名为“{name}”的机构。")
    if region is None:
        raise DomainError("请选择所在地（行政区划）。")
    unit_code = normalise_unit_code(credit_code)
    credit = unit_code.credit_code
    if credit and taken("credit_code", credit):
        raise DomainError(f"统一社会信用代码 {credit} 已在“{parent.name}”下注册，不能重复注册。")
    if unit_code.organisation_code and taken("organisation_code", unit_code.organisation_code):
        shown = display_organisation_code(unit_code.organisation_code)
        raise DomainError(f"组织机构代码 {shown} 的单位已在“{parent.name}”下注册，不能重复注册。")
    office_level = ""
    if kind == OrganisationKind.TITLE_OFFICE:
        office_level = CHILD_OFFICE_LEVEL.get(OfficeLevel(parent.office_level), "") if parent.office_level else ""
        if not office_level:
            raise DomainError("县级职改办下不能再设职改办。")
    return Organisation(
        name=name,
        kind=kind,
        office_level=office_level,
        parent=parent,
        depth=parent.depth + 1,
        region=region,
        credit_code=credit,
        organisation_code=unit_code.organisation_code,
        contact_person=contact_person.strip(),
        contact_phone=contact_phone.strip(),
        address=address.strip(),
    )


@transaction.atomic
def create_organisation_with_admin(
    *,
    actor: Any,
    parent_id: int,
    name: str,
    kind: str,
    region: Any,
    admin_username: str,
    admin_real_name: str,
    credit_code: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    address: str = "",
) -> tuple[Organisation, Any, str]:
    """Create a child organisation and its administrator account (one-time password, shown once)."""
    validate_username(admin_username)
    org = create_organisation(
        actor=actor,
        parent_id=parent_id,
        name=name,
        kind=kind,
        region=region,
        credit_code=credit_code,
        contact_person=contact_person,
        contact_phone=contact_phone,
        address=address,
    )
    admin, one_time_password = create_account(
        actor=actor,
        username=admin_username,
        real_name=clean_name(admin_real_name, "管理员姓名") or f"{org.name}管理员",
        organisation=org,
        role=ADMIN_ROLE_FOR_KIND[OrganisationKind(kind)],
    )
    return org, admin, one_time_password


@dataclass(frozen=True)
class NewOrganisation:
    """One organisation with its administrator: what `create_organisation_with_admin` takes."""

    parent_id: int
    name: str
    kind: str
    region: Any
    admin_username: str
    admin_real_name: str
    credit_code: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    address: str = ""


# What a service refuses with; the import turns each into the row's reason (a 404 or a refusal of
# the access layer: “不在您的管辖范围内”).
REFUSALS = (DomainError, Http404, PermissionDenied)


@transaction.atomic
def create_organisations_with_admins(
    *, actor: Any, items: Sequence[NewOrganisation]
) -> list[tuple[Organisation, Any, str] | Exception]:
    """`create_organisation_with_admin` for many at once (导入机构, ADR 0044): for each item the
    organisation, its administrator and the one-time password, or the exception the one-row service
    would have raised for it — the same checks in the same order, the same messages.

    A fixed number of queries for any number of items: the login names in use, the parents (locked),
    the names, credit codes and 组织机构代码 already under those parents are read with IN queries; the
    codes come from `next_codes`; the organisations, accounts, role grants and both kinds of audit row
    (`organisation.create`, `account.create`) are inserted at once (one COPY each on PostgreSQL), the
    parents' child counters updated in one statement. Items are checked as if created one after another:
    a name, credit code, 组织机构代码 or login name an earlier item takes is refused on a later one. Each
    one-time password is hashed one by one (the hasher's cost, the same per account as on the page).
    """
    names_in_use = usernames_in_use([i.admin_username.strip() for i in items if i.admin_username])
    parents = {
        p.pk: p
        for p in Organisation.objects.select_for_update()
        .select_related("region")
        .filter(pk__in={i.parent_id for i in items})
    }
    under = Organisation.objects.filter(parent_id__in=list(parents)).values_list(
        "parent_id", "name", "credit_code", "organisation_code"
    )
    known: dict[str, set[tuple[int, str]]] = {"name": set(), "credit_code": set(), "organisation_code": set()}
    for parent_id, name, credit, org_code in under:
        known["name"].add((parent_id, name))
        known["credit_code"].add((parent_id, credit))
        known["organisation_code"].add((parent_id, org_code))
    scope = _Answers(lambda parent: require(actor, "organisation.create_child", parent))
    outcomes: list[Any] = []  # an exception, or (organisation, administrator, password) once written
    checked: list[tuple[int, Organisation, str, str]] = []  # (outcome index, unsaved organisation, admin, name)
    for item in items:
        try:
            username = username_form(item.admin_username)
            if username.upper() in names_in_use:
                raise username_taken(username)
            parent = parents.get(item.parent_id)
            if parent is None:
                raise Organisation.DoesNotExist("Organisation matching query does not exist.")
            scope(parent)
            org = _checked_child(
                parent=parent,
                name=item.name,
                kind=item.kind,
                region=item.region,
                credit_code=item.credit_code,
                contact_person=item.contact_person,
                contact_phone=item.contact_phone,
                address=item.address,
                taken=_known_under(known, parent.pk),
            )
            admin_name = clean_name(item.admin_real_name, "管理员姓名")
            admin_name = clean_name(admin_name or f"{org.name}管理员")
        except REFUSALS as exc:
            outcomes.append(exc)
            continue
        names_in_use.add(username.upper())
        known["name"].add((parent.pk, org.name))
        known["credit_code"].add((parent.pk, org.credit_code))
        known["organisation_code"].add((parent.pk, org.organisation_code))
        parent.child_counter += 1
        org.path = parent.path + encode_step(parent.child_counter)
        checked.append((len(outcomes), org, username, admin_name))
        outcomes.append(None)
    if not checked:
        return outcomes
    now = timezone.now()
    touched = {
        parent.pk: parent for parent in parents.values() if parent.pk in {o.parent_id for _i, o, _u, _n in checked}
    }
    for parent in touched.values():
        parent.updated_at = now  # what save(update_fields=[..., "updated_at"]) gives it
    Organisation.objects.bulk_update(list(touched.values()), ["child_counter", "updated_at"])
    for (_i, org, _u, _n), code in zip(checked, next_codes([o.region.code for _i, o, _u, _n in checked]), strict=True):
        org.code = code
    insert_models(Organisation, [org for _i, org, _u, _n in checked])
    admins: list[tuple[Any, str]] = []
    for index, org, username, admin_name in checked:
        password = generate_one_time_password()
        admin = User(username=username, real_name=admin_name, phone="", organisation=org, must_change_password=True)
        admin.set_password(password)  # the hasher's cost, one account at a time
        admins.append((admin, ADMIN_ROLE_FOR_KIND[OrganisationKind(org.kind)]))
        outcomes[index] = (org, admin, password)
    insert_models(User, [admin for admin, _role in admins])
    insert_models(
        RoleGrant, [RoleGrant(user=admin, role=role, organisation=admin.organisation) for admin, role in admins]
    )
    record_events(
        actor=actor,
        events=[
            *(
                Event(action="organisation.create", obj=org, after=snapshot(org), organisation=org)
                for _i, org, _u, _n in checked
            ),
            *(
                Event(
                    action="account.create",
                    obj=admin,
                    after={
                        "username": admin.username,
                        "real_name": admin.real_name,
                        "role": role,
                        "organisation": admin.organisation.code,
                    },
                    organisation=admin.organisation,
                )
                for admin, role in admins
            ),
        ],
    )
    return outcomes


def _known_under(known: dict[str, set[tuple[int, str]]], parent_pk: int) -> Callable[[str, str], bool]:
    """`taken` for `_checked_child` from sets of (parent id, value) read with IN queries."""
    return lambda field, value: (parent_pk, value) in known[field]


class _Answers:
    """A check per organisation, its answer remembered: a file names a few parents many times."""

    def __init__(self, check: Callable[[Organisation], None]) -> None:
        self.check = check
        self.answers: dict[int, Exception | None] = {}

    def __call__(self, organisation: Organisation) -> None:
        if organisation.pk not in self.answers:
            try:
                self.check(organisation)
                self.answers[organisation.pk] = None
            except REFUSALS as exc:
                self.answers[organisation.pk] = exc
        refused = self.answers[organisation.pk]
        if refused is not None:
            raise copy.copy(refused)  # a fresh exception per row


def _locked_for_change(actor: Any, organisation_id: int, action: str) -> Organisation:
    org = (
        Organisation.objects.select_for_update(of=("self",)).select_related("parent", "region").get(pk=organisation_id)
    )
    require(actor, action, org)
    return org


@transaction.atomic
def disable_organisation(*, actor: Any, organisation_id: int, reason: str = "") -> Organisation:
    """Disable an organisation: its accounts can no longer sign in and nothing is added below it."""
    org = _locked_for_change(actor, organisation_id, "organisation.disable")
    if not org.is_active:
        raise DomainError(f"“{org.name}”已是停用状态。")
    before = snapshot(org)
    org.is_active = False
    org.save(update_fields=["is_active", "updated_at"])
    record_event(
        actor=actor,
        action="organisation.disable",
        obj=org,
        before=before,
        after=snapshot(org),
        reason=reason,
        organisation=org,
    )
    return org


@transaction.atomic
def enable_organisation(*, actor: Any, organisation_id: int) -> Organisation:
    org = _locked_for_change(actor, organisation_id, "organisation.disable")
    if org.is_active:
        raise DomainError(f"“{org.name}”已是启用状态。")
    if org.parent and not org.parent.is_active:
        raise DomainError(f"上级机构“{org.parent.name}”已停用，请先启用上级机构。")
    before = snapshot(org)
    org.is_active = True
    org.save(update_fields=["is_active", "updated_at"])
    record_event(
        actor=actor, action="organisation.enable", obj=org, before=before, after=snapshot(org), organisation=org
    )
    return org


def removal_blockers(org: Organisation) -> list[str]:
    """Why `org` cannot be removed: children, accounts, or any record that points at it.

    Every model with a foreign key to Organisation counts, so later capabilities (declarations,
    rounds, ...) block removal without touching this function.
    """
    reasons = []
    if org.children.exists():
        reasons.append("有下级机构")
    if org.accounts.exists():
        reasons.append("有账号")
    # Grants belong to accounts (counted above); children and accounts are named above.
    reasons += referring_records(org, skip={"organisations.organisation", "accounts.user", "access.rolegrant"})
    return reasons


@transaction.atomic
def remove_organisation(*, actor: Any, organisation_id: int) -> None:
    """Remove an empty organisation (no accounts, children or records)."""
    org = _locked_for_change(actor, organisation_id, "organisation.remove")
    reasons = removal_blockers(org)
    if reasons:
        raise DomainError(f"不能删除“{org.name}”:该机构" + "、".join(reasons) + "。可改为停用。")
    before = snapshot(org)
    record_event(actor=actor, action="organisation.remove", obj=org, before=before, organisation=org.parent)
    org.delete()
