"""Account writes: creation with a one-time password, password changes."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.audit.services import record_event
from title_review.core.errors import DomainError
from title_review.core.identity import mask_phone, normalise_mobile, validate_identity
from title_review.core.text import clean_name
from title_review.verification.services import verify_sms_code

from .models import AccountKind, User
from .passwords import generate_one_time_password


def validate_username(username: str) -> str:
    username = (username or "").strip()
    if not username or not username.isascii() or not username.isalnum():
        raise DomainError("登录名只能由字母和数字组成。")
    if not 4 <= len(username) <= 30:
        raise DomainError("登录名长度须为 4 到 30 位。")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"登录名“{username}”已被使用，请换一个。")
    return username


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
        raise DomainError("原密码不正确。")
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


@transaction.atomic
def update_profile(*, user: User, email: str) -> User:
    """修改本人信息: what a person may change without re-authentication."""
    from django.core.validators import validate_email

    if not user.has_sub_permission("edit_profile"):
        raise DomainError("该工作账号没有“修改本人信息”权限。")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError("电子邮箱格式不正确。") from exc
    before = {"email": user.email}
    user.email = email
    user.save(update_fields=["email"])
    record_event(actor=user, action="account.profile_change", obj=user, before=before, after={"email": email})
    return user


def change_phone(*, user: User, password: str, new_phone: str, sms_code: str) -> User:
    """更换手机号码: re-authenticate with the password, then prove the new number with an SMS code."""
    if not user.check_password(password):
        raise DomainError("登录密码不正确，请重新输入。")
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
