"""Employer writes: self-registration, staff, password recovery through staff, sub-accounts, 归口部门.

The flows and words are those of the Hangzhou employer manual (单位帐户注册, 单位工作人员, 忘记密码,
工作账号管理, 修改归口部门).
"""

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.access.policies import forget_grants, require
from title_review.access.roles import Role
from title_review.accounts.models import AccountKind, SubAccountPermission, User
from title_review.accounts.passwords import generate_one_time_password
from title_review.accounts.services import (
    delete_unused_account,
    reset_to_one_time_password,
    set_account_active,
    username_form,
    username_taken,
    usernames_in_use,
    validate_username,
)
from title_review.audit.services import Event, record_event, record_events
from title_review.core.bulk import insert_models
from title_review.core.errors import DomainError
from title_review.core.identity import mask_phone
from title_review.core.records import referring_records
from title_review.core.text import clean_name
from title_review.core.uploads import check_upload
from title_review.verification.services import send_sms_code, verify_sms_code

from . import membership
from .codes import normalise_unit_code
from .models import (
    REGISTRATION_PARENT_KINDS,
    EmployerProfile,
    EmployerStaff,
    MembershipSource,
    Organisation,
    OrganisationKind,
    UnitMembership,
    encode_step,
)
from .seal import make_seal_stamp
from .services import add_child, snapshot

LICENCE_MAX_BYTES = 5 * 1024 * 1024
SEAL_MAX_BYTES = 2 * 1024 * 1024

# What apps above this one do when an employer moves to another 归口部门 (reviews: forwarded declarations
# go back to 待上报). Organisations sits below them and never imports them, so they register here from
# their AppConfig.ready(). Each runs inside the move's transaction and returns what it changed, which
# goes into the move's audit row.
EmployerMoved = Callable[..., dict[str, Any]]
_ON_EMPLOYER_MOVED: dict[str, EmployerMoved] = {}


def on_employer_moved(name: str, handler: EmployerMoved) -> None:
    """Run `handler(actor=..., employer=..., new_parent=...)` in every 修改归口部门."""
    _ON_EMPLOYER_MOVED[name] = handler


MAX_BATCH = 50
# What a service refuses with (the import turns each into the row's reason); a bulk form gives each row
# its own copy when the whole batch is refused (the employer out of reach).
REFUSALS = (DomainError, Http404, PermissionDenied)


class CreditCodeNeedsConfirmation(DomainError):
    """The check digit failed; the registrant may confirm the code (early pilot codes are legal)."""

    code = "credit_code_confirm"


def _password_ok(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc


def known_employer_name(credit_code: str) -> str:
    """The name the system already has for a credit code (to fill in the registration form)."""
    try:
        code = normalise_unit_code(credit_code)
    except DomainError:
        return ""
    if not code.organisation_code:
        return ""
    found = Organisation.objects.filter(credit_code=code.credit_code) if code.credit_code else None
    if found is None or not found.exists():
        found = Organisation.objects.filter(organisation_code=code.organisation_code)
    org = found.order_by("-created_at").first()
    return org.name if org else ""


@transaction.atomic
def register_employer(
    *,
    credit_code: str,
    credit_code_confirmed: bool,
    name: str,
    legal_representative: str,
    nature: Any,
    industry: Any,
    region: Any,
    address: str,
    parent_id: int,
    username: str,
    password: str,
    email: str,
    contact_person: str,
    contact_phone: str,
    licence: Any,
    seal: Any,
) -> tuple[Organisation, User]:
    """单位帐户注册: the employer joins the tree under its 归口部门 and can sign in at once."""
    unit_code = normalise_unit_code(credit_code)
    if not unit_code.organisation_code:
        raise DomainError("请填写统一社会信用代码（或原组织机构代码）。")
    if unit_code.warning and not credit_code_confirmed:
        raise CreditCodeNeedsConfirmation(unit_code.warning + "如确认无误，请勾选“信用代码已核对无误”后再提交。")
    for value, label in ((legal_representative, "法定代表人"), (contact_person, "联系人"), (contact_phone, "联系电话")):
        if not clean_name(value, label):
            raise DomainError(f"请填写{label}。")
    if nature is None or industry is None:
        raise DomainError("请选择单位性质和单位行业。")
    username = validate_username(username)
    licence_file = check_upload(
        licence, kinds=("pdf", "jpg", "png"), max_bytes=LICENCE_MAX_BYTES, label="营业执照扫描件"
    )
    seal_file = check_upload(seal, kinds=("jpg", "png"), max_bytes=SEAL_MAX_BYTES, label="单位签章") if seal else None
    stamp = make_seal_stamp(seal_file.content) if seal_file else None
    parent = Organisation.objects.select_for_update().filter(pk=parent_id).first()
    if parent is None or parent.kind not in REGISTRATION_PARENT_KINDS:
        raise DomainError("请选择归口部门。")
    org = add_child(
        parent=parent,
        name=name,
        kind=OrganisationKind.EMPLOYER,
        region=region,
        credit_code=credit_code,
        contact_person=contact_person,
        contact_phone=contact_phone,
        address=address,
    )
    admin = User(
        username=username,
        kind=AccountKind.ORGANISATION,
        real_name=contact_person.strip(),
        phone=contact_phone.strip(),
        email=(email or "").strip(),
        organisation=org,
        password_changed_at=timezone.now(),
    )
    _password_ok(password, admin)
    admin.set_password(password)
    admin.save()
    RoleGrant.objects.create(user=admin, role=Role.EMPLOYER_ADMIN, organisation=org)
    profile = EmployerProfile(
        organisation=org,
        legal_representative=legal_representative.strip(),
        nature=nature,
        industry=industry,
        licence_type=(nature.attributes or {}).get("licence", ""),
        email=admin.email,
        credit_code_warning=unit_code.warning,
    )
    profile.licence_file.save(licence_file.random_name(), ContentFile(licence_file.content), save=False)
    if seal_file and stamp:
        profile.seal_file.save(seal_file.random_name(), ContentFile(seal_file.content), save=False)
        profile.seal_stamp.save(f"{org.code}.png", ContentFile(stamp), save=False)
    profile.save()
    record_event(
        actor=admin,
        action="employer.register",
        obj=org,
        after=snapshot(org),
        organisation=org,
        reason=unit_code.warning,
    )
    return org, admin


def _employer_for(actor: Any, employer_id: int) -> Organisation:
    employer = Organisation.objects.select_for_update().get(pk=employer_id)
    require(actor, "employer.manage", employer)
    return employer


# ---- 单位工作人员 -------------------------------------------------------------------------------


def find_person(id_number: str) -> User | None:
    """A personal account by identity number (to add as staff: search, confirm, add)."""
    number = (id_number or "").strip().upper()
    if not number:
        return None
    return User.objects.filter(kind=AccountKind.PERSONAL, id_number=number, is_active=True).first()


@transaction.atomic
def add_staff(*, actor: Any, employer_id: int, id_number: str) -> EmployerStaff:
    employer = _employer_for(actor, employer_id)
    person = find_person(id_number)
    if person is None:
        raise DomainError("没有找到该证件号码的个人账号：工作人员须先在个人申报系统注册。")
    if EmployerStaff.objects.filter(employer=employer, person=person).exists():
        raise DomainError(f"{person.real_name} 已是本单位工作人员。")
    staff = EmployerStaff.objects.create(employer=employer, person=person)
    membership.open_membership(
        person=person, unit=employer, source=MembershipSource.STAFF, approved_by=actor, move=False
    )
    record_event(actor=actor, action="staff.add", obj=staff, after={"person": person.real_name}, organisation=employer)
    return staff


@transaction.atomic
def add_staff_many(*, actor: Any, employer_id: int, id_numbers: Sequence[str]) -> list[EmployerStaff | Exception]:
    """`add_staff` for many people at once (导入单位工作人员, ADR 0044): for each number the new staff row,
    or the exception `add_staff` would have raised for it, with the same checks and messages.

    A fixed number of queries for any number of people: the people, the staff rows already there and
    the open memberships are read with IN queries; the staff rows, the memberships and the `staff.add`
    audit rows are inserted at once (one COPY each on PostgreSQL). A person named twice is refused on
    the later number, as if they had been added one after another. Nothing is written for a refused one.
    """
    try:
        employer = _employer_for(actor, employer_id)
    except REFUSALS as exc:
        return [copy.copy(exc) for _number in id_numbers]
    numbers = [(number or "").strip().upper() for number in id_numbers]
    people: dict[str, User] = {}
    found = User.objects.filter(kind=AccountKind.PERSONAL, id_number__in={n for n in numbers if n}, is_active=True)
    for account in found.order_by("username"):  # find_person's .first(): the default ordering
        people.setdefault(account.id_number, account)
    wanted = [p.pk for p in people.values()]
    staff_already = set(
        EmployerStaff.objects.filter(employer=employer, person_id__in=wanted).values_list("person_id", flat=True)
    )
    linked = set(
        UnitMembership.objects.filter(person_id__in=wanted, unit=employer, ended_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    outcomes: list[EmployerStaff | Exception] = []
    new: list[EmployerStaff] = []
    for number in numbers:
        person = people.get(number) if number else None
        if person is None:
            outcomes.append(DomainError("没有找到该证件号码的个人账号：工作人员须先在个人申报系统注册。"))
            continue
        if person.pk in staff_already:
            outcomes.append(DomainError(f"{person.real_name} 已是本单位工作人员。"))
            continue
        staff_already.add(person.pk)
        staff = EmployerStaff(employer=employer, person=person)
        new.append(staff)
        outcomes.append(staff)
    today = timezone.localdate()
    approved_by_name = getattr(actor, "display_name", "") if actor is not None else ""
    memberships = []
    for staff in new:
        if staff.person_id not in linked:  # open_membership: nothing new when a link is open already
            linked.add(staff.person_id)
            memberships.append(
                UnitMembership(
                    person=staff.person,
                    unit=employer,
                    started_on=today,
                    source=MembershipSource.STAFF,
                    approved_by=actor,
                    approved_by_name=approved_by_name,
                )
            )
    insert_models(EmployerStaff, new)
    insert_models(UnitMembership, memberships)
    record_events(
        actor=actor,
        events=(
            Event(action="staff.add", obj=s, after={"person": s.person.real_name}, organisation=employer) for s in new
        ),
    )
    return outcomes


@transaction.atomic
def set_staff_active(*, actor: Any, staff_id: int, active: bool) -> EmployerStaff:
    staff = EmployerStaff.objects.select_for_update(of=("self",)).select_related("person").get(pk=staff_id)
    _employer_for(actor, staff.employer_id)
    staff.is_active = active
    staff.save(update_fields=["is_active", "updated_at"])
    record_event(
        actor=actor,
        action="staff.enable" if active else "staff.disable",
        obj=staff,
        after={"person": staff.person.real_name, "active": active},
        organisation=staff.employer,
    )
    return staff


@transaction.atomic
def remove_staff(*, actor: Any, staff_id: int) -> None:
    staff = EmployerStaff.objects.select_for_update(of=("self",)).select_related("person", "employer").get(pk=staff_id)
    _employer_for(actor, staff.employer_id)
    record_event(
        actor=actor,
        action="staff.remove",
        obj=staff,
        before={"person": staff.person.real_name},
        organisation=staff.employer,
    )
    membership.close_membership(person=staff.person, unit=staff.employer, source=MembershipSource.STAFF)
    staff.delete()


# ---- 单位忘记密码 ------------------------------------------------------------------------------


def recovery_employers(credit_code: str) -> list[Organisation]:
    """Employers registered with this credit code (one per 归口部门), for the recovery form."""
    try:
        code = normalise_unit_code(credit_code)
    except DomainError:
        return []
    if not code.organisation_code:
        return []
    by_code = Q(credit_code=code.credit_code) if code.credit_code else Q(organisation_code=code.organisation_code)
    return list(
        Organisation.objects.filter(by_code, kind=OrganisationKind.EMPLOYER, is_active=True).select_related("parent")
    )


def recovery_staff(employer_id: int) -> list[EmployerStaff]:
    return list(
        EmployerStaff.objects.filter(employer_id=employer_id, is_active=True, person__is_active=True).select_related(
            "person"
        )
    )


def _recovery_staff_member(employer_id: int, staff_id: int, id_number: str) -> EmployerStaff:
    staff = (
        EmployerStaff.objects.filter(
            pk=staff_id, employer_id=employer_id, is_active=True, employer__kind=OrganisationKind.EMPLOYER
        )
        .select_related("person", "employer")
        .first()
    )
    if staff is None or staff.person.id_number != (id_number or "").strip().upper() or not staff.person.phone:
        raise DomainError("工作人员证件号码不正确。")
    return staff


def send_employer_reset_code(*, employer_id: int, staff_id: int, id_number: str, ip: str | None) -> str:
    """Send the code to the chosen staff member's mobile; returns the masked number to show."""
    staff = _recovery_staff_member(employer_id, staff_id, id_number)
    send_sms_code(phone=staff.person.phone, purpose="employer_reset", ip=ip)
    return mask_phone(staff.person.phone)


def reset_employer_password(
    *, employer_id: int, staff_id: int, id_number: str, sms_code: str, new_password: str
) -> User:
    """The employer administrator's new password, proven by a staff member's SMS code."""
    staff = _recovery_staff_member(employer_id, staff_id, id_number)
    admin = User.objects.filter(
        organisation_id=employer_id, kind=AccountKind.ORGANISATION, grants__role=Role.EMPLOYER_ADMIN
    ).first()
    if admin is None:
        raise DomainError("该单位没有管理员账号，请联系归口部门。")
    _password_ok(new_password, admin)
    # Checked in its own transaction first, so that a wrong code counts as a failed attempt.
    verify_sms_code(phone=staff.person.phone, purpose="employer_reset", code=sms_code)
    with transaction.atomic():
        admin = User.objects.select_for_update().get(pk=admin.pk)
        admin.set_password(new_password)
        admin.must_change_password = False
        admin.password_changed_at = timezone.now()
        admin.save(update_fields=["password", "must_change_password", "password_changed_at"])
        record_event(
            actor=staff.person,
            action="account.password_reset",
            obj=admin,
            organisation=staff.employer,
            reason=f"由工作人员 {staff.person.real_name} 短信验证找回单位密码",
        )
    return admin


# ---- 工作账号 ----------------------------------------------------------------------------------


def _clean_permissions(permissions: list[str]) -> list[str]:
    valid = set(SubAccountPermission.values)
    chosen = [p for p in permissions if p in valid]
    if not chosen:
        raise DomainError("请至少勾选一项权限。")
    return sorted(set(chosen), key=list(SubAccountPermission.values).index)


def _new_sub_account(employer: Organisation, username: str, real_name: str, permissions: list[str]) -> tuple[User, str]:
    user, password = _unsaved_sub_account(employer, username, clean_name(real_name), permissions)
    user.save()
    RoleGrant.objects.create(user=user, role=Role.EMPLOYER_STAFF, organisation=employer)
    return user, password


def _unsaved_sub_account(
    employer: Organisation, username: str, real_name: str, permissions: list[str]
) -> tuple[User, str]:
    """The account with its one-time password hashed (the hasher's cost, per account), not yet saved."""
    password = generate_one_time_password()
    user = User(
        username=username,
        kind=AccountKind.SUB_ACCOUNT,
        real_name=real_name,
        organisation=employer,
        permissions=permissions,
        must_change_password=True,
    )
    user.set_password(password)
    return user, password


@transaction.atomic
def create_sub_account(
    *, actor: Any, employer_id: int, username: str, real_name: str, permissions: list[str]
) -> tuple[User, str]:
    """新增工作账号: a login name of letters and digits, ticked permissions, a one-time password."""
    employer = _employer_for(actor, employer_id)
    chosen = _clean_permissions(permissions)
    user, password = _new_sub_account(employer, validate_username(username), real_name, chosen)
    record_event(
        actor=actor,
        action="account.create",
        obj=user,
        after={"username": user.username, "permissions": chosen},
        organisation=employer,
    )
    return user, password


@dataclass(frozen=True)
class SubAccountInput:
    """One 工作账号 to create: what `create_sub_account` takes besides the actor and the employer."""

    username: str
    real_name: str
    permissions: list[str]


@transaction.atomic
def create_sub_accounts(
    *, actor: Any, employer_id: int, items: Sequence[SubAccountInput]
) -> list[tuple[User, str] | Exception]:
    """`create_sub_account` for many accounts at once (导入经办账号, ADR 0044): for each item the account
    and its one-time password, or the exception `create_sub_account` would have raised, with the same
    checks in the same order and the same messages.

    The login names in use are read with one IN query; the accounts, their role grants and their
    `account.create` audit rows are inserted at once (one COPY each on PostgreSQL). A name repeated
    among the items is refused on its later items. Each one-time password is hashed one by one: that
    cost is the hasher's and is the same per account as on the page.
    """
    try:
        employer = _employer_for(actor, employer_id)
    except REFUSALS as exc:
        return [copy.copy(exc) for _item in items]
    taken = usernames_in_use([item.username.strip() for item in items if item.username])
    outcomes: list[tuple[User, str] | Exception] = []
    new: list[tuple[User, list[str]]] = []
    for item in items:
        try:
            chosen = _clean_permissions(item.permissions)
            username = username_form(item.username)
            if username.upper() in taken:
                raise username_taken(username)
            real_name = clean_name(item.real_name)
        except DomainError as exc:
            outcomes.append(exc)
            continue
        taken.add(username.upper())
        user, password = _unsaved_sub_account(employer, username, real_name, chosen)
        new.append((user, chosen))
        outcomes.append((user, password))
    insert_models(User, [user for user, _chosen in new])
    insert_models(
        RoleGrant, [RoleGrant(user=user, role=Role.EMPLOYER_STAFF, organisation=employer) for user, _c in new]
    )
    record_events(
        actor=actor,
        events=(
            Event(
                action="account.create",
                obj=user,
                after={"username": user.username, "permissions": chosen},
                organisation=employer,
            )
            for user, chosen in new
        ),
    )
    return outcomes


@transaction.atomic
def batch_create_sub_accounts(
    *, actor: Any, employer_id: int, count: int, permissions: list[str]
) -> list[tuple[User, str]]:
    """批量新增: names are the employer's login name plus a sequence; the same permissions for all."""
    employer = _employer_for(actor, employer_id)
    if not 1 <= count <= MAX_BATCH:
        raise DomainError(f"一次可新增 1 到 {MAX_BATCH} 个工作账号。")
    chosen = _clean_permissions(permissions)
    admin = User.objects.filter(organisation=employer, kind=AccountKind.ORGANISATION).order_by("id").first()
    base = admin.username if admin else employer.code
    created: list[tuple[User, str]] = []
    sequence = 1
    while len(created) < count:
        candidate = f"{base}{sequence}"
        sequence += 1
        if User.objects.filter(username__iexact=candidate).exists():
            continue
        created.append(_new_sub_account(employer, candidate, "", chosen))
    record_event(
        actor=actor,
        action="account.create",
        organisation=employer,
        after={"batch": [u.username for u, _p in created], "permissions": chosen},
    )
    return created


def _sub_account(actor: Any, user_id: int) -> User:
    user = User.objects.select_for_update().filter(pk=user_id, kind=AccountKind.SUB_ACCOUNT).first()
    if user is None or user.organisation_id is None:
        raise DomainError("没有这个工作账号。")
    _employer_for(actor, user.organisation_id)
    return user


@transaction.atomic
def update_sub_account(*, actor: Any, user_id: int, real_name: str, permissions: list[str]) -> User:
    """修改: the login name stays; name and permissions change."""
    user = _sub_account(actor, user_id)
    before = {"real_name": user.real_name, "permissions": user.permissions}
    user.real_name = clean_name(real_name)
    user.permissions = _clean_permissions(permissions)
    user.save(update_fields=["real_name", "permissions"])
    record_event(
        actor=actor,
        action="account.change",
        obj=user,
        before=before,
        after={"real_name": user.real_name, "permissions": user.permissions},
        organisation=user.organisation,
    )
    return user


@transaction.atomic
def set_sub_account_active(*, actor: Any, user_id: int, active: bool) -> User:
    """审核：开通 / 禁用. A disabled account's open sessions end at its next request."""
    return set_account_active(actor=actor, user=_sub_account(actor, user_id), active=active)


@transaction.atomic
def reset_sub_account_password(*, actor: Any, user_id: int) -> tuple[User, str]:
    user = _sub_account(actor, user_id)
    return user, reset_to_one_time_password(actor=actor, user=user)


def account_blockers(user: User) -> list[str]:
    """Records that keep an account from being deleted (declarations and the like, as they arrive)."""
    return referring_records(user, skip={"access.rolegrant"})


@transaction.atomic
def delete_sub_account(*, actor: Any, user_id: int) -> None:
    delete_unused_account(actor=actor, user=_sub_account(actor, user_id), label="经办账号")


# ---- 单位信息与归口部门 ------------------------------------------------------------------------


@transaction.atomic
def move_employer(*, actor: Any, employer_id: int, new_parent_id: int, reason: str = "") -> Organisation:
    """修改归口部门: the employer (and anything below it) moves under another 归口部门.

    Declarations it has forwarded that are still in review return to 待上报, each with a 审核记录
    (Hangzhou manual 2.3).
    """
    employer = _employer_for(actor, employer_id)
    new_parent = Organisation.objects.select_for_update().filter(pk=new_parent_id).first()
    if new_parent is None or new_parent.kind not in REGISTRATION_PARENT_KINDS or not new_parent.is_active:
        raise DomainError("请选择一个启用中的归口部门。")
    if new_parent.pk == employer.parent_id:
        raise DomainError("新的归口部门与原归口部门相同。")
    if (
        employer.credit_code
        and Organisation.objects.filter(parent=new_parent, credit_code=employer.credit_code).exists()
    ):
        raise DomainError("该统一社会信用代码已在新的归口部门下注册，不能迁入。")
    if (
        employer.organisation_code
        and Organisation.objects.filter(parent=new_parent, organisation_code=employer.organisation_code).exists()
    ):
        raise DomainError("该组织机构代码的单位已在新的归口部门下注册，不能迁入。")
    before = snapshot(employer)
    old_path = employer.path
    new_parent.child_counter += 1
    new_parent.save(update_fields=["child_counter", "updated_at"])
    new_path = new_parent.path + encode_step(new_parent.child_counter)
    depth_change = new_parent.depth + 1 - employer.depth
    for node in Organisation.objects.select_for_update().filter(path__startswith=old_path).order_by("-depth"):
        node.path = new_path + node.path[len(old_path) :]
        node.depth += depth_change
        if node.pk == employer.pk:
            node.parent = new_parent
        node.save(update_fields=["path", "depth", "parent", "updated_at"])
    employer.refresh_from_db()
    forget_grants(actor)  # the actor's grants carry the old path
    changed: dict[str, Any] = {}
    for handler in _ON_EMPLOYER_MOVED.values():
        changed |= handler(actor=actor, employer=employer, new_parent=new_parent)
    record_event(
        actor=actor,
        action="employer.move",
        obj=employer,
        before=before,
        after=snapshot(employer) | changed,
        reason=reason,
        organisation=employer,
    )
    return employer
