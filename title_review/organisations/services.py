"""Every write to the organisation tree."""

from typing import Any

from django.db import transaction

from title_review.access.policies import require
from title_review.access.roles import Role
from title_review.accounts.services import create_account, validate_username
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.records import referring_records
from title_review.core.text import clean_name

from .codes import display_organisation_code, next_code, normalise_unit_code
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
    if not parent.is_active:
        raise DomainError(f"上级机构“{parent.name}”已停用，不能在其下新增机构。")
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        allowed = "、".join(str(OrganisationKind(k).label) for k in ALLOWED_CHILDREN[parent.kind]) or "无"
        raise DomainError(f"“{parent.kind_label}”下不能新增“{OrganisationKind(kind).label}”，可新增的类型：{allowed}。")
    name = clean_name(name, "机构名称")
    contact_person = clean_name(contact_person, "联系人")
    if not name:
        raise DomainError("请填写机构名称。")
    if Organisation.objects.filter(parent=parent, name=name).exists():
        raise DomainError(f"“{parent.name}”下已有名为“{name}”的机构。")
    if region is None:
        raise DomainError("请选择所在地（行政区划）。")
    unit_code = normalise_unit_code(credit_code)
    credit = unit_code.credit_code
    if credit and Organisation.objects.filter(parent=parent, credit_code=credit).exists():
        raise DomainError(f"统一社会信用代码 {credit} 已在“{parent.name}”下注册，不能重复注册。")
    if (
        unit_code.organisation_code
        and Organisation.objects.filter(parent=parent, organisation_code=unit_code.organisation_code).exists()
    ):
        shown = display_organisation_code(unit_code.organisation_code)
        raise DomainError(f"组织机构代码 {shown} 的单位已在“{parent.name}”下注册，不能重复注册。")
    office_level = ""
    if kind == OrganisationKind.TITLE_OFFICE:
        office_level = CHILD_OFFICE_LEVEL.get(OfficeLevel(parent.office_level), "") if parent.office_level else ""
        if not office_level:
            raise DomainError("县级职改办下不能再设职改办。")
    parent.child_counter += 1
    parent.save(update_fields=["child_counter", "updated_at"])
    return Organisation.objects.create(
        name=name,
        code=next_code(region.code),
        kind=kind,
        office_level=office_level,
        parent=parent,
        path=parent.path + encode_step(parent.child_counter),
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
