"""Account writes: creation with a one-time password, password changes."""

from collections.abc import Collection
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.identity import mask_phone, normalise_mobile, validate_identity
from title_review.core.records import referring_records
from title_review.core.text import clean_name
from title_review.dictionaries.selectors import active_entries
from title_review.verification.services import verify_sms_code

from .models import AccountKind, User
from .passwords import generate_one_time_password

WRONG_OLD_PASSWORD = "原密码不正确。"  # noqa: S105 — a message, not a password
WRONG_LOGIN_PASSWORD = "登录密码不正确，请重新输入。"  # noqa: S105 — a message


def validate_username(username: str) -> str:
    username = username_form(username)
    if User.objects.filter(username__iexact=username).exists():
        raise username_taken(username)
    return username


def username_form(username: str) -> str:
    """The login name as `validate_username` takes it (letters and digits, 4 to 30), without asking
    whether it is free."""
    username = (username or "").strip()
    if not username or not username.isascii() or not username.isalnum():
        raise DomainError("登录名只能由字母和数字组成。")
    if not 4 <= len(username) <= 30:
        raise DomainError("登录名长度须为 4 到 30 位。")
    return username


def username_taken(username: str) -> DomainError:
    return DomainError(f"登录名“{username}”已被使用，请换一个。")


def usernames_in_use(usernames: Collection[str]) -> set[str]:
    """Which of these login names are in use, ignoring case as `validate_username` does: their
    upper-case forms, one query (bulk imports, ADR 0044)."""
    wanted = {name.upper() for name in usernames}
    if not wanted:
        return set()
    found = User.objects.annotate(key=Upper("username")).filter(key__in=wanted).values_list("key", flat=True)
    return set(found)


@transaction.atomic
def create_account(
    *, actor: Any, username: str, real_name: str, organisation: Any, role: str, phone: str = ""
) -> tuple[User, str]:
    """Create an account holding `role` at `organisation`; returns it with its one-time password.

    The password is shown once to the creator and must be changed at first login.
    """
    username = validate_username(username)
    one_time_password = generate_one_time_password()
    user = User(
        username=username,
        real_name=clean_name(real_name),
        phone=phone.strip(),
        organisation=organisation,
        must_change_password=True,
    )
    user.set_password(one_time_password)
    user.save()
    RoleGrant.objects.create(user=user, role=role, organisation=organisation)
    record_event(
        actor=actor,
        action="account.create",
        obj=user,
        after={"username": username, "real_name": user.real_name, "role": role, "organisation": organisation.code},
        organisation=organisation,
    )
    return user, one_time_password


@transaction.atomic
def change_password(*, user: User, old_password: str, new_password: str) -> None:
    """The account holder changes their own password (forced after a one-time password)."""
    if not user.must_change_password and not user.has_sub_permission("change_password"):
        raise DomainError("该工作账号没有“修改密码”权限，请联系本单位管理员重置密码。")
    if not user.check_password(old_password):
        raise DomainError(WRONG_OLD_PASSWORD)
    if old_password == new_password:
        raise DomainError("新密码不能与原密码相同。")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record_event(actor=user, action="account.password_change", obj=user)


# The texts live in templates/accounts/agreement_*.html; bump the version when either changes, and
# the new version is what later registrations accept.
AGREEMENT_VERSION = "2026-11"


def _check_new_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc


def register_person(
    *,
    real_name: str,
    id_type: str,
    id_number: str,
    phone: str,
    sms_code: str,
    password: str,
    agreement_version: str,
) -> User:
    """个人注册: one account per identity number and per mobile number, proven by an SMS code."""
    real_name = clean_name(real_name)
    if not real_name:
        raise DomainError("请填写真实姓名。")
    if agreement_version != AGREEMENT_VERSION:
        raise DomainError("请阅读并同意最新的《用户协议》和《隐私政策》。")
    facts = validate_identity(id_type, id_number)
    phone = normalise_mobile(phone)
    user = User(
        username=_personal_username(),
        kind=AccountKind.PERSONAL,
        real_name=real_name,
        id_type=id_type,
        id_number=facts.number,
        birth_date=facts.birth_date,
        sex=facts.sex,
        phone=phone,
        agreement_version=agreement_version,
        agreement_accepted_at=timezone.now(),
        password_changed_at=timezone.now(),
    )
    _check_new_password(password, user)
    # The code is checked in its own transaction first, so a wrong code counts as a failed attempt; only
    # someone holding a valid code learns whether the identity or mobile number is already registered.
    verify_sms_code(phone=phone, purpose="register", code=sms_code)
    placeholder = User.objects.filter(kind=AccountKind.PERSONAL, id_type=id_type, id_number=facts.number).first()
    if placeholder is not None and not placeholder.has_usable_password() and not placeholder.phone:
        # A unit made this person when it issued them a 个人申报账号: registering claims it (one person).
        return _claim_person(placeholder, user, password, phone)
    if User.objects.filter(id_type=id_type, id_number=facts.number).exists():
        raise DomainError("该证件号码已注册过个人账号，请直接登录；忘记密码可用“忘记密码”找回。")
    if User.objects.filter(kind=AccountKind.PERSONAL, phone=phone).exists():
        raise DomainError("该手机号码已注册过个人账号，请直接登录或更换手机号码。")
    with transaction.atomic():
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # the same person registering twice at the same moment
            raise DomainError("该证件号码或手机号码已注册过个人账号，请直接登录。") from exc
        RoleGrant.objects.create(user=user, role="applicant", organisation=None)
        record_event(
            actor=user,
            action="account.register",
            obj=user,
            after={"kind": user.kind, "id_type": id_type, "agreement_version": agreement_version},
        )
    return user


def _claim_person(placeholder: User, registration: User, password: str, phone: str) -> User:
    if placeholder.real_name != registration.real_name:
        raise DomainError("证件号码与姓名不符，请核对。", field="real_name")
    if User.objects.filter(kind=AccountKind.PERSONAL, phone=phone).exists():
        raise DomainError("该手机号码已注册过个人账号，请直接登录或更换手机号码。", field="phone")
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=placeholder.pk)
        person.phone = phone
        person.agreement_version = registration.agreement_version
        person.agreement_accepted_at = registration.agreement_accepted_at
        person.password_changed_at = timezone.now()
        person.set_password(password)
        person.save()
        record_event(
            actor=person,
            action="account.register",
            obj=person,
            after={"kind": person.kind, "claimed": True, "agreement_version": person.agreement_version},
            reason="认领单位为其开设个人申报账号时登记的申报人",
        )
    return person


def _personal_username() -> str:
    """Personal accounts sign in by mobile or identity number; the internal name carries neither."""
    import secrets

    while True:
        candidate = "p" + "".join(secrets.choice("0123456789") for _ in range(11))
        if not User.objects.filter(username=candidate).exists():
            return candidate


def reset_password_by_sms(*, phone: str, sms_code: str, new_password: str) -> User:
    """忘记密码: a personal account proves its mobile number with an SMS code and sets a new password."""
    phone = normalise_mobile(phone)
    account = User.objects.filter(kind=AccountKind.PERSONAL, phone=phone).first()
    if account is not None:
        _check_new_password(new_password, account)
    verify_sms_code(phone=phone, purpose="reset_password", code=sms_code)
    if account is None:
        raise DomainError("该手机号码没有注册个人账号，请先注册。")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=account.pk)
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        record_event(actor=user, action="account.password_reset", obj=user, reason="短信验证码找回密码")
    return user


BASIC_INFORMATION = ("ethnicity", "political_status", "administrative_post", "current_post", "work_started_on")
_CODED = {"ethnicity": ("ethnicity", "民族"), "political_status": ("political_status", "政治面貌")}
_POSTS = {"administrative_post": "行政职务", "current_post": "现聘岗位"}


def _basic_information(user: User, info: dict[str, Any]) -> dict[str, Any]:
    """基础信息 checked: codes from their code tables, posts as short text, 参加工作时间 not in the future nor
    before the age of 14."""
    clean: dict[str, Any] = {}
    for field, (type_code, label) in _CODED.items():
        code = (info.get(field) or "").strip()
        if code and not active_entries(type_code).filter(code=code).exists():
            raise DomainError(f"请从列表中选择{label}。", field=field)
        clean[field] = code
    for field, label in _POSTS.items():
        text = (info.get(field) or "").strip()
        if len(text) > 50:
            raise DomainError(f"{label}不能超过 50 个字。", field=field)
        clean[field] = text
    started = info.get("work_started_on")
    if started is not None:
        if started > timezone.localdate():
            raise DomainError("参加工作时间不能晚于今天。", field="work_started_on")
        if user.birth_date and started < user.birth_date.replace(year=user.birth_date.year + 14, day=1):
            raise DomainError("参加工作时间早于 14 周岁，请核对。", field="work_started_on")
    clean["work_started_on"] = started
    return clean


@transaction.atomic
def update_profile(*, user: User, email: str, basic: dict[str, Any] | None = None) -> User:
    """修改本人信息: what a person may change without re-authentication (电子邮箱 and, when given, the 基础信息:
    民族, 政治面貌, 行政职务, 现聘岗位, 参加工作时间)."""
    from django.core.validators import validate_email

    if not user.has_sub_permission("edit_profile"):
        raise DomainError("该工作账号没有“修改本人信息”权限。")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError("电子邮箱格式不正确。", field="email") from exc
    values: dict[str, Any] = {"email": email}
    if basic is not None:
        values |= _basic_information(user, basic)
    before = {k: getattr(user, k) for k in values}
    for key, value in values.items():
        setattr(user, key, value)
    user.save(update_fields=list(values))
    changed = sorted(k for k in values if before[k] != values[k])
    record_event(
        actor=user,
        action="account.profile_change",
        obj=user,
        before={k: str(before[k] or "") for k in changed},
        after={k: str(values[k] or "") for k in changed},
    )
    return user


def change_phone(*, user: User, password: str, new_phone: str, sms_code: str) -> User:
    """更换手机号码: re-authenticate with the password, then prove the new number with an SMS code."""
    if not user.check_password(password):
        raise DomainError(WRONG_LOGIN_PASSWORD)
    new_phone = normalise_mobile(new_phone)
    if new_phone == user.phone:
        raise DomainError("新手机号码与原号码相同。")
    if User.objects.filter(kind=AccountKind.PERSONAL, phone=new_phone).exclude(pk=user.pk).exists():
        raise DomainError("该手机号码已被其他个人账号使用。")
    verify_sms_code(phone=new_phone, purpose="change_phone", code=sms_code)
    with transaction.atomic():
        before = {"phone": mask_phone(user.phone)}
        user.phone = new_phone
        user.save(update_fields=["phone"])
        record_event(
            actor=user, action="account.phone_change", obj=user, before=before, after={"phone": mask_phone(new_phone)}
        )
    return user


# ---- One-time passwords, people behind 个人申报账号 --------------------------------------------------


def issue_one_time_password(user: User) -> str:
    """Give `user` a new one-time password (to be changed at the next sign-in); the caller audits.

    Changing the password ends the account's open sessions: each session carries a hash of the old one."""
    password = generate_one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


def set_account_active(*, actor: Any, user: User, active: bool, organisation: Any = None) -> User:
    """开通 / 禁用 (启用 / 停用) an account the caller has locked and authorised; audited.

    A disabled account fails the backend's check at its next request: open sessions end there."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action="account.enable" if active else "account.disable",
        obj=user,
        organisation=organisation or user.organisation,
    )
    return user


def reset_to_one_time_password(*, actor: Any, user: User, reason: str = "") -> str:
    """密码重置 of an account the caller has locked and authorised; audited; the old password fails at once."""
    password = issue_one_time_password(user)
    record_event(actor=actor, action="account.password_reset", obj=user, organisation=user.organisation, reason=reason)
    return password


def delete_unused_account(*, actor: Any, user: User, label: str) -> None:
    """删除 an account the caller has locked and authorised — refused once anything refers to it."""
    reasons = referring_records(user, skip={"access.rolegrant"})
    if reasons:
        raise DomainError(f"不能删除{label} {user.username}：该账号" + "、".join(reasons) + "。可改为禁用。")
    record_event(
        actor=actor,
        action="account.remove",
        obj=user,
        before={"username": user.username, "kind": user.kind},
        organisation=user.organisation,
    )
    user.grants.all().delete()
    user.delete()


def person_for_identity(*, real_name: str, id_type: str, id_number: str, organisation: Any, vouched: bool) -> User:
    """The person (a personal account) with this identity, made for them if the system has none.

    One person is one applicant: a unit-issued 个人申报账号 and a self-registered account for the same
    identity number work on the same person. `vouched` says the unit assigned the identity; a holder
    completing their own identity may not attach themselves to someone else's existing account.
    """
    real_name = clean_name(real_name)
    if not real_name:
        raise DomainError("请填写申报人姓名。", field="real_name")
    facts = validate_identity(id_type or "01", id_number)
    existing = User.objects.filter(kind=AccountKind.PERSONAL, id_number=facts.number).first()
    if existing is not None:
        if existing.real_name != real_name:
            raise DomainError("证件号码与姓名不符，请核对。", field="id_number")
        if not vouched and existing.has_usable_password():
            raise DomainError(
                "该证件号码已注册过个人账号：请直接用个人账号登录，或请单位在“工作账号管理”中为您指定申报人。",
                field="id_number",
            )
        return existing
    if User.objects.filter(id_number=facts.number).exists():
        raise DomainError("该证件号码已被其他账号使用，请联系单位核对。", field="id_number")
    person = User(
        username=_personal_username(),
        kind=AccountKind.PERSONAL,
        real_name=real_name,
        id_type=id_type or "01",
        id_number=facts.number,
        birth_date=facts.birth_date,
        sex=facts.sex,
        organisation=organisation,
    )
    # The person signs in with the unit's 个人申报账号 until they register themselves (which claims this).
    person.set_unusable_password()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:
        raise DomainError("该证件号码刚被登记，请重试。", field="id_number") from exc
    RoleGrant.objects.create(user=person, role="applicant", organisation=None)
    return person


@transaction.atomic
def complete_identity(*, user: User, real_name: str, id_type: str, id_number: str) -> User:
    """完善身份信息: a 个人申报账号's holder names themselves at first sign-in."""
    account = User.objects.select_for_update().get(pk=user.pk)
    if account.kind != AccountKind.FILING:
        raise DomainError("只有个人申报账号需要完善身份信息。")
    if account.person_id is not None:
        raise DomainError("该账号已指定申报人。")
    person = person_for_identity(
        real_name=real_name, id_type=id_type, id_number=id_number, organisation=account.organisation, vouched=False
    )
    if (
        User.objects.filter(kind=AccountKind.FILING, person=person, organisation=account.organisation)
        .exclude(pk=account.pk)
        .exists()
    ):
        raise DomainError("您在本单位已有个人申报账号，请用该账号登录或联系单位。", field="id_number")
    account.person = person
    account.real_name = person.real_name
    account.save(update_fields=["person", "real_name"])
    record_event(
        actor=account,
        action="account.complete_identity",
        obj=account,
        after={"person": person.pk, "real_name": person.real_name},
        organisation=account.organisation,
    )
    return account
