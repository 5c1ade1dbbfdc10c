"""System checks: captcha answers must stay on the server."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def captcha_needs_server_side_sessions(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.signed_cookies":
        return [
            Error(
                "Captcha answers are kept in the session; signed-cookie sessions would hand them to the browser.",
                hint="Use a server-side SESSION_ENGINE (db, cache or cached_db).",
                id="verification.E001",
            )
        ]
    return []
