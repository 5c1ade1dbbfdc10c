"""People of an organisation: 本级人员授权, the administrators of the level below, resetting a unit.

Who may do each is decided in access.people; which roles an organisation may hand out is the one table
access.roles.GRANTABLE_ROLES. Every grant, revoke, enable, disable, reset and 注销 is audited in the
transaction that makes it.
"""

from typing import Any

from django.db import transaction

from title_review.access import people as policy
from title_review.access.models import RoleGrant
from title_review.access.policies import forget_grants
from title_review.access.roles import SEPARATED_ROLES, Role
from title_review.accounts.models import AccountKind, User
from title_review.accounts.passwords import generate_one_time_password
from title_review.accounts.services import reset_to_one_time_password, set_account_active, validate_username
from title_review.audit.services import record_event
from title_review.core.errors import DomainError, NotAllowed
from title_review.core.identity import normalise_mobile
from title_review.core.text import clean_name

from .models import Organisation


def _role_label(role: str) -> str:
    return str(Role(role).label)


def _clean_roles(organisation: Organisation, roles: list[str]) -> list[str]:
    chosen = sorted(set(roles or []), key=lambda r: list(Role.values).index(r) if r in Role.values else 99)
    if not chosen:
        raise DomainError("请至少勾选一个角色。", field="roles")
    allowed = policy.grantable_roles(organisation)
    refused = [r for r in chosen if r not in allowed]
    if refused:
        names = "、".join(_role_label(r) if r in Role.values else r for r in refused)
        raise DomainError(f"“{organisation.kind_label}”不能授予以下角色：{names}。", field="roles")
    separated = [r for r in chosen if r in SEPARATED_ROLES]
    if len(separated) > 1:
        raise DomainError(
            "三员分立：系统管理员、安全管理员、审计管理员不能由同一账号兼任（"
            + "、".join(_role_label(r) for r in separated)
            + "）。",
            field="roles",
        )
    return chosen


def _locked_home(actor: Any, organisation_id: int) -> Organisation:
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None or not policy.manages_people(actor, organisation):
        raise NotAllowed("只能管理本机构的人员。")
    return organisation


def _member(actor: Any, user_id: int, purpose: str = "manage") -> User:
    """An account the actor may act on for `purpose`, locked; anything else: 'no such account'."""
    visible = policy.accounts.visible(actor, purpose)
    user = visible.select_for_update(of=("self",)).filter(pk=user_id).select_related("organisation").first()
    if user is None:
        raise DomainError("没有这个账号，或不在您的管理范围内。")
    return user


def _active_managers(organisation: Organisation, excluding: User) -> int:
    return (
        User.objects.filter(
            organisation=organisation,
            is_active=True,
            grants__organisation=organisation,
            grants__role__in=policy.managers_of(organisation),
        )
        .exclude(pk=excluding.pk)
        .distinct()
        .count()
    )


def _holds_manager_role(user: User, organisation: Organisation) -> bool:
    return user.grants.filter(organisation=organisation, role__in=policy.managers_of(organisation)).exists()


def _new_account(organisation: Organisation, username: str, real_name: str, phone: str) -> tuple[User, str]:
    real_name = clean_name(real_name, "姓名")
    if not real_name:
        raise DomainError("请填写姓名（实名）。", field="real_name")
    phone = normalise_mobile(phone) if (phone or "").strip() else ""
    password = generate_one_time_password()
    user = User(
        username=validate_username(username),
        kind=AccountKind.ORGANISATION,
        real_name=real_name,
        phone=phone,
        organisation=organisation,
        must_change_password=True,
    )
    user.set_password(password)
    user.save()
    return user, password


# ---- 本级人员授权 ------------------------------------------------------------------------------


@transaction.atomic
def add_person(
    *, actor: Any, organisation_id: int, username: str, real_name: str, phone: str, roles: list[str]
) -> tuple[User, str]:
    """添加: an account of the actor's own organisation with the ticked roles and a one-time password."""
    organisation = _locked_home(actor, organisation_id)
    chosen = _clean_roles(organisation, roles)
    user, password = _new_account(organisation, username, real_name, phone)
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r, organisation=organisation) for r in chosen])
    record_event(
        actor=actor,
        action="account.create",
        obj=user,
        after={"username": user.username, "real_name": user.real_name, "roles": chosen},
        organisation=organisation,
    )
    for role in chosen:
        record_event(actor=actor, action="account.grant", obj=user, after={"role": role}, organisation=organisation)
    return user, password


@transaction.atomic
def change_roles(*, actor: Any, user_id: int, roles: list[str], real_name: str | None = None) -> User:
    """分配角色: tick and untick; each grant and each revoke is its own audit row."""
    user = _member(actor, user_id)
    organisation = _locked_home(actor, user.organisation_id)  # type: ignore[arg-type]
    chosen = set(_clean_roles(organisation, roles))
    held = set(user.grants.filter(organisation=organisation).values_list("role", flat=True))
    managers = policy.managers_of(organisation)
    losing_manager = bool(held & managers) and not (chosen & managers)
    if losing_manager and user.pk == actor.pk:
        raise DomainError("不能取消自己的管理员角色，请由其他管理员操作。", field="roles")
    if losing_manager and user.is_active and _active_managers(organisation, excluding=user) == 0:
        raise DomainError("这是本机构最后一位管理员，不能取消其管理员角色。", field="roles")
    if real_name is not None:
        name = clean_name(real_name, "姓名")
        if not name:
            raise DomainError("请填写姓名（实名）。", field="real_name")
        if name != user.real_name:
            before = user.real_name
            user.real_name = name
            user.save(update_fields=["real_name"])
            record_event(
                actor=actor,
                action="account.change",
                obj=user,
                before={"real_name": before},
                after={"real_name": name},
                organisation=organisation,
            )
    for role in sorted(chosen - held):
        RoleGrant.objects.create(user=user, role=role, organisation=organisation)
        record_event(actor=actor, action="account.grant", obj=user, after={"role": role}, organisation=organisation)
    for role in sorted(held - chosen):
        RoleGrant.objects.filter(user=user, role=role, organisation=organisation).delete()
        record_event(actor=actor, action="account.revoke", obj=user, before={"role": role}, organisation=organisation)
    forget_grants(user)
    return user


@transaction.atomic
def set_person_active(*, actor: Any, user_id: int, active: bool) -> User:
    """启用 / 停用: a disabled account is signed out at its next request and cannot sign in."""
    user = _member(actor, user_id)
    organisation = _locked_home(actor, user.organisation_id)  # type: ignore[arg-type]
    if not active:
        if user.pk == actor.pk:
            raise DomainError("不能停用自己的账号。")
        if _holds_manager_role(user, organisation) and _active_managers(organisation, excluding=user) == 0:
            raise DomainError("这是本机构最后一位管理员，不能停用。")
    return _set_active(actor, user, active, organisation)


@transaction.atomic
def reset_person_password(*, actor: Any, user_id: int) -> tuple[User, str]:
    """密码重置 for one of the organisation's own people."""
    user = _member(actor, user_id)
    if user.pk == actor.pk:
        raise DomainError("请用“修改密码”修改自己的密码。")
    return user, _reset(actor, user)


def _set_active(actor: Any, user: User, active: bool, organisation: Organisation) -> User:
    if user.is_active == active:
        raise DomainError(f"该账号已是{'启用' if active else '停用'}状态。")
    return set_account_active(actor=actor, user=user, active=active, organisation=organisation)


def _reset(actor: Any, user: User, reason: str = "") -> str:
    return reset_to_one_time_password(actor=actor, user=user, reason=reason)


# ---- The level below ---------------------------------------------------------------------------


@transaction.atomic
def reset_child_admin(*, actor: Any, user_id: int) -> tuple[User, str]:
    """Reset the password of a direct child organisation's administrator."""
    user = _member(actor, user_id, "child_admin")
    return user, _reset(actor, user, reason="上级机构重置下级管理员密码")


@transaction.atomic
def set_child_admin_active(*, actor: Any, user_id: int, active: bool) -> User:
    user = _member(actor, user_id, "child_admin")
    return _set_active(actor, user, active, user.organisation)  # type: ignore[arg-type]


@transaction.atomic
def cancel_child_admin(*, actor: Any, user_id: int, reason: str) -> User:
    """注销: the administrator of a direct child loses its roles there and can no longer sign in."""
    user = _member(actor, user_id, "child_admin")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写注销原因。", field="reason")
    organisation = user.organisation
    roles = list(user.grants.filter(organisation=organisation).values_list("role", flat=True))
    user.grants.filter(organisation=organisation).delete()
    user.is_active = False
    user.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action="account.cancel",
        obj=user,
        before={"roles": roles},
        reason=reason,
        organisation=organisation,
    )
    return user


@transaction.atomic
def recreate_child_admin(
    *, actor: Any, organisation_id: int, username: str, real_name: str, phone: str = ""
) -> tuple[User, str]:
    """重建: a new administrator for a direct child organisation, with a one-time password."""
    organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
    if organisation is None or not policy.manages_child_admins(actor, organisation):
        raise NotAllowed("只能为直属下级机构创建管理员。")
    if not organisation.is_active:
        raise DomainError(f"“{organisation.name}”已停用，请先启用。")
    role = policy.administrator_role(organisation)
    user, password = _new_account(organisation, username, real_name, phone)
    RoleGrant.objects.create(user=user, role=role, organisation=organisation)
    record_event(
        actor=actor,
        action="account.create",
        obj=user,
        after={"username": user.username, "real_name": user.real_name, "roles": [role]},
        organisation=organisation,
        reason="上级机构为下级机构重建管理员",
    )
    record_event(actor=actor, action="account.grant", obj=user, after={"role": role}, organisation=organisation)
    return user, password


@transaction.atomic
def reset_employer_admin(*, actor: Any, user_id: int) -> tuple[User, str]:
    """A 职改办 resets the password of an employer's administrator below it (单位系统: 区职改办重置单位密码)."""
    user = _member(actor, user_id, "reset_employer")
    return user, _reset(actor, user, reason="职改办重置单位密码")


def people_of(organisation: Organisation) -> Any:
    """The organisation accounts of one organisation, with their roles there (for the 本级人员授权 page)."""
    return (
        User.objects.filter(organisation=organisation, kind=AccountKind.ORGANISATION)
        .prefetch_related("grants")
        .order_by("username")
    )


def role_labels(user: User, organisation: Organisation) -> str:
    """The user's roles at `organisation`, by name (from prefetched grants)."""
    return "、".join(
        _role_label(g.role) for g in user.grants.all() if g.organisation_id == organisation.pk and g.role in Role.values
    )


def account_rows(user: Any, organisation: Organisation) -> dict[str, Any]:
    """The accounts block of the organisation page, with what `user` may do to each account."""
    resettable = set(
        policy.accounts.visible(user, "reset_employer").filter(organisation=organisation).values_list("pk", flat=True)
    )
    admins = set(
        policy.accounts.visible(user, "child_admin").filter(organisation=organisation).values_list("pk", flat=True)
    )
    rows = [
        {
            "account": a,
            "roles": role_labels(a, organisation),
            "child_admin": a.pk in admins,
            "reset_employer": a.pk in resettable and a.pk not in admins,
        }
        for a in User.objects.filter(organisation=organisation, kind=AccountKind.ORGANISATION)
        .prefetch_related("grants")
        .order_by("username")[:50]
    ]
    return {
        "account_rows": rows,
        "can_recreate_admin": organisation.is_active and policy.manages_child_admins(user, organisation),
    }


# ---- The first administrator ---------------------------------------------------------------------


@transaction.atomic
def create_first_administrator(
    *, organisation: Organisation, username: str, real_name: str, phone: str, roles: list[str]
) -> tuple[User, str]:
    """An administrator made by an operator at the command line (manage.py create_province_admin /
    create_office_admin), with a one-time password to be changed at first sign-in."""
    if organisation.kind != "title_office":
        raise DomainError("只能为职改办创建管理员。")
    chosen = _clean_roles(organisation, roles)
    user, password = _new_account(organisation, username, real_name, phone)
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r, organisation=organisation) for r in chosen])
    record_event(
        actor=None,
        action="account.create",
        obj=user,
        after={"username": user.username, "real_name": user.real_name, "roles": chosen},
        organisation=organisation,
        reason="命令行创建管理员",
    )
    for role in chosen:
        record_event(actor=None, action="account.grant", obj=user, after={"role": role}, organisation=organisation)
    return user, password
