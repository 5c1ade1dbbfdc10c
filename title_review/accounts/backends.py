from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from title_review.core.identity import MOBILE_RE

from .models import AccountKind, User


def find_account(login: str) -> User | None:
    """A login name, a personal account's mobile number, or its identity number (manual: 登录说明)."""
    login = (login or "").strip()
    if not login:
        return None
    if MOBILE_RE.fullmatch(login):
        found = User.objects.filter(kind=AccountKind.PERSONAL, phone=login).first()
        if found is not None:
            return found
    if len(login) >= 15 and any(c.isdigit() for c in login):
        found = User.objects.filter(kind=AccountKind.PERSONAL, id_number=login.upper()).first()
        if found is not None:
            return found
    return User.objects.filter(username__iexact=login).first()


class AccountBackend(ModelBackend):
    """Sign in by login name, mobile number or identity number; a disabled organisation's accounts cannot."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None or password is None:
            return None
        user = find_account(username)
        if user is None:
            # Spend the same time as a real check, so timing does not reveal unknown accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in user of each request, with the organisation every page's top bar names (and the
        check below reads) in the same query."""
        # [:1], not first(): no ORDER BY to compile and plan on every request.
        found = list(User._default_manager.select_related("organisation").filter(pk=user_id).order_by()[:1])
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if getattr(user, "kind", "") == AccountKind.PERSONAL:
            return True  # a person's account is theirs, whatever happens to their employer's
        organisation = getattr(user, "organisation", None)
        return organisation is None or organisation.is_active
