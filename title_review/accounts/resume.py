"""A form sent after the login lapsed is kept for the same person to send again once signed in.

The quality bar: an expired login returns the user to the same form with the data still there. A reviewer who
spends the 30 idle minutes (等保 三级) writing a 退回理由 and then presses 退回 used to meet the login page, and after
signing in a page that could not be shown (the form's address takes only POST) — the text gone. Now
`accounts.middleware.LoginRequiredMiddleware` keeps such a POST here, the login page says so, and after signing in
the person lands on 继续提交 (`accounts:resume`): what they wrote, and one button that sends it again to the same
address (with a new CSRF token), or 放弃.

Kept only when it can be given back safely:
- the session that lapsed is known (its row is still in the session table, past its expiry) and the person who
  signs in next is the person of that session: someone else signing in at the same browser is offered nothing,
  and a session ended on purpose (退出, a password changed elsewhere) leaves no row to read, nor has a live one
  whose account was disabled lapsed;
- the POST passed the CSRF check (CsrfViewMiddleware runs first): only forms of this site's own pages are kept;
- no password, SMS code or captcha is among the fields (nothing secret goes into the session table), and no file
  was chosen (a file cannot be kept: the login page asks to choose it again);
- it is not over core.kept.MAX_CHARACTERS, and it is offered within MAX_AGE_SECONDS.
"""

import datetime as dt
import time
from dataclasses import dataclass
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from title_review.core.kept import MAX_CHARACTERS, NOT_KEPT

SESSION_KEY = "resume_post"
# Whose login lapsed, kept in the new anonymous session: the first request after the lapse would otherwise end
# the browser's session cookie (an empty session is not kept), and a form sent after it could not be attributed.
LAPSED_KEY = "lapsed_user"
MAX_AGE_SECONDS = 2 * 60 * 60
SECRET_FIELDS = ("password", "sms_code", "captcha")


@dataclass(frozen=True)
class Pending:
    """A kept POST: where it goes (`action`), what it carried, and the page it was sent from (`back`)."""

    action: str
    data: dict[str, list[str]]
    back: str

    def fields(self) -> list[tuple[str, str]]:
        """Each (name, value) pair, in the order posted: the hidden inputs of the form that sends it again."""
        return [(name, value) for name, values in self.data.items() for value in values]

    def texts(self) -> list[str]:
        """What a person wrote or chose, to recognise it: each value in Chinese (or any non-Latin script) or with a
        space in it — not the ids, dates and codes (`return`, `12`, `2026-12-31`) a form also carries."""
        seen: list[str] = []
        for _name, value in self.fields():
            text = value.strip()
            written = any(ch.isalpha() and not ch.isascii() for ch in text) or " " in text
            if written and text not in seen:
                seen.append(text)
        return seen


def _session_store() -> Any:
    """The configured session engine's store class (its model, for the engines that keep rows)."""
    return import_module(settings.SESSION_ENGINE).SessionStore


def lapsed_user_id(request: HttpRequest) -> int | None:
    """Whose login lapsed in this browser: the user of the session its cookie names, read from the row even though
    it has expired, or the one an earlier request after the lapse noted (LAPSED_KEY); None when the browser was
    never signed in, its session was ended on purpose (no row) or has not expired, or the session engine keeps no
    rows."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    store_class = _session_store()
    if key and hasattr(store_class, "get_model_class"):
        # Past its expiry only: a live session whose user is no longer let in (account or organisation disabled) did
        # not lapse.
        expired = store_class.get_model_class().objects.filter(session_key=key, expire_date__lte=timezone.now())
        row = expired.first()
        user_id = store_class().decode(row.session_data).get("_auth_user_id") if row is not None else None
        if user_id is not None and str(user_id).isdigit():
            return int(user_id)
    noted = request.session.get(LAPSED_KEY)
    return noted if isinstance(noted, int) else None


def refusal(request: HttpRequest) -> str | None:
    """Why this POST cannot be kept (a sentence for the login page), or None when it can."""
    if request.FILES:
        return "登录已超时，请重新登录。所选文件未能保留，登录后请重新选择文件并提交。"
    names = [name for name in request.POST if name not in NOT_KEPT]
    if any(secret in name for name in names for secret in SECRET_FIELDS):
        return "登录已超时，请重新登录后重新填写。"
    if sum(len(v) for name in names for v in request.POST.getlist(name)) > MAX_CHARACTERS:
        return "登录已超时，请重新登录。提交的内容过长，未能保留。"
    return None


def same_site_path(request: HttpRequest, url: str) -> str:
    """`url`'s path and query when it is an address of this site, else the home page."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return "/"


def back_page(request: HttpRequest) -> str:
    """The page the form was on (its Referer, when it is this site's), else the home page."""
    return same_site_path(request, request.headers.get("referer", ""))


def keep(request: HttpRequest, user_id: int) -> None:
    """Keep this POST in the (new, anonymous) session for `user_id`; login keeps the session's data."""
    request.session[SESSION_KEY] = {
        "user": user_id,
        "at": int(time.time()),
        "action": request.get_full_path(),
        "data": {name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT},
        "back": back_page(request),
    }


def take(request: HttpRequest) -> Pending | None:
    """The kept POST for the signed-in user, once; None (and forgotten) when it is another person's or too old."""
    stored = request.session.pop(SESSION_KEY, None)
    if not isinstance(stored, dict) or stored.get("user") != request.user.pk:
        return None
    if int(time.time()) - int(stored.get("at", 0)) > MAX_AGE_SECONDS:
        return None
    return Pending(action=str(stored["action"]), data=dict(stored["data"]), back=str(stored.get("back") or "/"))


def clear_lapsed_sessions() -> int:
    """The daily work: sessions past their expiry for more than a day are deleted (nothing else removes them; a
    lapsed one is read for 继续提交 within MAX_AGE_SECONDS of the lapse). Returns how many went."""
    store_class = _session_store()
    if not hasattr(store_class, "get_model_class"):
        store_class.clear_expired()
        return 0
    cutoff = timezone.now() - dt.timedelta(days=1)
    deleted, _ = store_class.get_model_class().objects.filter(expire_date__lt=cutoff).delete()
    return deleted
