"""Account writes: creation with a one-time password, password changes."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.audit.services import record_event
from title_review.core.errors import DomainError

from .models import User
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
        real_name=real_name.strip(),
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
