from typing import Any

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """Accounts of a disabled organisation cannot sign in."""

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        organisation = getattr(user, "organisation", None)
        return organisation is None or organisation.is_active
