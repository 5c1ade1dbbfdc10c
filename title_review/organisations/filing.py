"""个人申报账号 (the Hangzhou unit manual's 工作账号管理): accounts a unit issues to its people.

单个添加, 批量添加 (the unit's login name plus a number), 修改 (the login name stays), 删除 (refused once the
account has records), 审核 (开通 / 禁用) and 密码重置, each audited. The holder signs in with a one-time
password, names themselves if the unit did not (完善身份信息), and files their own declaration under the
unit. The account works on a *person* (accounts.User of kind personal): a self-registered account for the
same identity number is that same person, so one person is never two applicants.

People who registered themselves and asked to join the unit wait here too, for the unit's 审核.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from title_review.access import people as policy
from title_review.access.models import RoleGrant
from title_review.access.policies import require
from title_review.access.roles import Role
from title_review.accounts.models import AccountKind, FilingPermission, User
from title_review.accounts.passwords import generate_one_time_password
from title_review.accounts.services import (
    delete_unused_account,
    person_for_identity,
    reset_to_one_time_password,
    set_account_active,
    validate_username,
)
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.records import referring_records

from . import membership
from .models import LinkRequestStatus, MembershipSource, Organisation, OrganisationKind, UnitLinkRequest

MAX_FILING_BATCH = 200


def _unit(actor: Any, employer_id: int) -> Organisation:
    employer = Organisation.objects.select_for_update().get(pk=employer_id)
    require(actor, "employer.manage", employer)
    return employer


def _clean_permissions(permissions: list[str]) -> list[str]:
    order = list(FilingPermission.values)
    chosen = sorted({p for p in permissions or [] if p in order}, key=order.index)
    if not chosen:
        raise DomainError("请至少勾选一项操作权限。", field="permissions")
    return chosen


def _identity_given(real_name: str, id_number: str) -> bool:
    return bool((real_name or "").strip() or (id_number or "").strip())


def _assign(actor: Any, account: User, real_name: str, id_type: str, id_number: str) -> None:
    """Point the account at the person with this identity (found, or made for them)."""
    if not (id_number or "").strip():
        raise DomainError("指定申报人须填写证件号码。", field="id_number")
    person = person_for_identity(
        real_name=real_name, id_type=id_type, id_number=id_number, organisation=account.organisation, vouched=True
    )
    if person.pk == account.person_id:
        return
    if account.person_id is not None and referring_records(account, skip={"access.rolegrant", "accounts.user"}):
        raise DomainError("该账号已有申报记录，不能改为他人使用；请为新的申报人另建账号。", field="id_number")
    other = (
        User.objects.filter(kind=AccountKind.FILING, person=person, organisation=account.organisation)
        .exclude(pk=account.pk)
        .first()
    )
    if other is not None:
        raise DomainError(
            f"该证件号码的申报人已有本单位的个人申报账号（{other.username}），一人只设一个申报账号。",
            field="id_number",
        )
    before = account.person_id
    account.person = person
    account.real_name = person.real_name
    account.save(update_fields=["person", "real_name"])
    if person.organisation_id is None and account.organisation is not None:
        person.organisation = account.organisation
        person.save(update_fields=["organisation"])
        membership.open_membership(
            person=person, unit=account.organisation, source=MembershipSource.FILING, approved_by=actor, move=False
        )
    record_event(
        actor=actor,
        action="account.assign_person",
        obj=account,
        before={"person": before},
        after={"person": person.pk, "real_name": person.real_name},
        organisation=account.organisation,
    )


def _new(employer: Organisation, username: str, permissions: list[str]) -> tuple[User, str]:
    password = generate_one_time_password()
    user = User(
        username=username,
        kind=AccountKind.FILING,
        organisation=employer,
        permissions=permissions,
        must_change_password=True,
    )
    user.set_password(password)
    user.save()
    RoleGrant.objects.create(user=user, role=Role.APPLICANT, organisation=employer)
    return user, password


@transaction.atomic
def create_filing_account(
    *,
    actor: Any,
    employer_id: int,
    username: str,
    permissions: list[str],
    real_name: str = "",
    id_type: str = "01",
    id_number: str = "",
) -> tuple[User, str]:
    """单个添加: a login name of letters and digits, ticked permissions, optionally the person it is for."""
    employer = _unit(actor, employer_id)
    chosen = _clean_permissions(permissions)
    user, password = _new(employer, validate_username(username), chosen)
    record_event(
        actor=actor,
        action="account.create",
        obj=user,
        after={"username": user.username, "kind": user.kind, "permissions": chosen},
        organisation=employer,
    )
    if _identity_given(real_name, id_number):
        _assign(actor, user, real_name, id_type, id_number)
    return user, password


@transaction.atomic
def batch_create_filing_accounts(
    *, actor: Any, employer_id: int, count: int, permissions: list[str]
) -> list[tuple[User, str]]:
    """批量添加: the unit's login name plus a number, the same permissions for all."""
    employer = _unit(actor, employer_id)
    if not isinstance(count, int) or not 1 <= count <= MAX_FILING_BATCH:
        raise DomainError(f"一次可批量新增 1 到 {MAX_FILING_BATCH} 个个人申报账号。", field="count")
    chosen = _clean_permissions(permissions)
    admin = (
        User.objects.filter(organisation=employer, kind=AccountKind.ORGANISATION, grants__role=Role.EMPLOYER_ADMIN)
        .order_by("id")
        .first()
    )
    base = admin.username if admin else employer.code
    taken = {
        name.lower() for name in User.objects.filter(username__istartswith=base).values_list("username", flat=True)
    }
    created: list[tuple[User, str]] = []
    sequence = 1
    while len(created) < count:
        candidate = f"{base}{sequence}"
        sequence += 1
        if candidate.lower() in taken:
            continue
        created.append(_new(employer, candidate, chosen))
    record_event(
        actor=actor,
        action="account.create",
        organisation=employer,
        after={"kind": AccountKind.FILING, "batch": [u.username for u, _p in created], "permissions": chosen},
    )
    return created


def _filing(actor: Any, user_id: int) -> User:
    user = (
        policy.filing_accounts.visible(actor, "manage")
        .select_for_update(of=("self",))
        .filter(pk=user_id)
        .select_related("organisation")
        .first()
    )
    if user is None:
        raise DomainError("没有这个个人申报账号。")
    return user


@transaction.atomic
def update_filing_account(
    *,
    actor: Any,
    user_id: int,
    permissions: list[str],
    real_name: str = "",
    id_type: str = "01",
    id_number: str = "",
) -> User:
    """修改: permissions and the person it is for; the login name stays."""
    user = _filing(actor, user_id)
    chosen = _clean_permissions(permissions)
    if chosen != user.permissions:
        before = list(user.permissions)
        user.permissions = chosen
        user.save(update_fields=["permissions"])
        record_event(
            actor=actor,
            action="account.change",
            obj=user,
            before={"permissions": before},
            after={"permissions": chosen},
            organisation=user.organisation,
        )
    if (id_number or "").strip():
        _assign(actor, user, real_name, id_type, id_number)
    return user


@transaction.atomic
def set_filing_account_active(*, actor: Any, user_id: int, active: bool) -> User:
    """审核: 开通 (the holder can sign in) or 禁用 (cannot; open sessions end at their next request)."""
    return set_account_active(actor=actor, user=_filing(actor, user_id), active=active)


@transaction.atomic
def reset_filing_password(*, actor: Any, user_id: int) -> tuple[User, str]:
    """密码重置: a new one-time password; the old one stops working at once."""
    user = _filing(actor, user_id)
    return user, reset_to_one_time_password(actor=actor, user=user)


@transaction.atomic
def delete_filing_account(*, actor: Any, user_id: int) -> None:
    """删除: refused once the account has records (有申报记录的账号不可删除)."""
    delete_unused_account(actor=actor, user=_filing(actor, user_id), label="个人申报账号")


# ---- People who registered under the unit's name -------------------------------------------------


@transaction.atomic
def review_join_request(*, actor: Any, person_id: int, approve: bool, reason: str = "") -> User:
    """审核: 开通 links the person to the unit (they may then file under it, and the 所属单位历史 records who
    approved it); 禁用 declines the request, with the reason the person reads."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError("请填写不同意的理由，申请人将看到它。", field="reason")
    if len(reason) > 200:
        raise DomainError("理由不能超过 200 个字。", field="reason")
    person = (
        policy.join_requests.visible(actor, "review")
        .select_for_update(of=("self",))
        .filter(pk=person_id)
        .select_related("requested_unit")
        .first()
    )
    if person is None:
        raise DomainError("没有这个待审核的申请。")
    unit = person.requested_unit
    person.requested_unit = None
    UnitLinkRequest.objects.filter(person=person, unit=unit, status=LinkRequestStatus.PENDING).update(
        status=LinkRequestStatus.APPROVED if approve else LinkRequestStatus.REFUSED,
        reason="" if approve else reason,
        decided_by=actor,
        decided_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if approve:
        before = person.organisation_id
        person.organisation = unit
        person.save(update_fields=["requested_unit", "organisation"])
        if unit is not None:
            membership.open_membership(
                person=person, unit=unit, source=MembershipSource.REQUEST, approved_by=actor, move=True
            )
        record_event(
            actor=actor,
            action="account.join_approve",
            obj=person,
            before={"organisation": before},
            after={"organisation": unit.pk if unit else None},
            organisation=unit,
        )
    else:
        person.save(update_fields=["requested_unit"])
        record_event(actor=actor, action="account.join_refuse", obj=person, organisation=unit, reason=reason)
    return person


@transaction.atomic
def request_to_join(*, person: User, employer_id: int) -> User:
    """申请加入单位: a self-registered person asks a unit to take them on; the unit's 审核 decides."""
    if person.kind != AccountKind.PERSONAL:
        raise DomainError("只有个人账号可以申请加入单位。")
    unit = Organisation.objects.filter(pk=employer_id, kind=OrganisationKind.EMPLOYER, is_active=True).first()
    if unit is None:
        raise DomainError("请选择一个启用中的单位。", field="employer")
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.organisation_id == unit.pk:
        raise DomainError(f"您已是“{unit.name}”的人员。", field="employer")
    person.requested_unit = unit
    person.save(update_fields=["requested_unit"])
    UnitLinkRequest.objects.filter(person=person, status=LinkRequestStatus.PENDING).update(
        status=LinkRequestStatus.WITHDRAWN, updated_at=timezone.now()
    )
    UnitLinkRequest.objects.create(person=person, unit=unit)
    record_event(actor=person, action="account.join_request", obj=person, after={"unit": unit.pk}, organisation=unit)
    return person


def filing_accounts_of(employer: Organisation) -> Any:
    return (
        User.objects.filter(organisation=employer, kind=AccountKind.FILING)
        .select_related("person")
        .order_by("username")
    )


def join_requests_for(employer: Organisation) -> Any:
    return User.objects.filter(kind=AccountKind.PERSONAL, requested_unit=employer).order_by("date_joined")
