"""What a refused form posted, kept for the page it goes back to (ADR 0058).

A page that answers a refused POST with a redirect (post/redirect/get: the list, tab and page stay as they were)
would show the form empty again: the 退回理由 typed, the rows ticked, the dates chosen — gone. `keep` puts what
was posted in the session, with the form's name and the address it goes back to; the next full page shown at
that address reads it once (`kept` in every template, context processor below) and the session forgets it.
Any other full page drops it, so it never comes back later somewhere else.

Templates fill their inputs from it with the tags of `core/templatetags/kept_tags.py`: {% kept_value %},
{% kept_checked %}, {% kept_selected %}, and `{% if kept.form == "return" %}` to open the form that was refused.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

SESSION_KEY = "kept_form"
# A form's values larger than this are not kept (a session row is not a file store): the refusal's message
# still shows. The longest text fields of the system take 2,000 characters.
MAX_CHARACTERS = 50_000
NOT_KEPT = ("csrfmiddlewaretoken",)


@dataclass(frozen=True)
class Kept:
    """A refused form's values: `form` its name ("" when nothing is kept), `data` each field's posted values."""

    form: str = ""
    data: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str, form: str | None = None) -> str | None:
        """The field's first posted value, or None when nothing of that form is kept."""
        if not self.form or (form is not None and form != self.form):
            return None
        values = self.data.get(name)
        return values[0] if values else ""

    def values(self, name: str, form: str | None = None) -> list[str] | None:
        if not self.form or (form is not None and form != self.form):
            return None
        return self.data.get(name, [])

    def __bool__(self) -> bool:
        return bool(self.form)


NOTHING = Kept()


def posted(request: HttpRequest, form: str) -> Kept:
    """What `request` posted, as form `form`: for a page that shows a refused form again in the same answer."""
    return Kept(form=form, data={name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT})


def keep(request: HttpRequest, *, form: str, to: str) -> None:
    """Keep what `request` posted for the next page shown at path `to` (without its query), as form `form`."""
    data = posted(request, form).data
    if sum(len(v) for values in data.values() for v in values) > MAX_CHARACTERS:
        request.session.pop(SESSION_KEY, None)
        return
    request.session[SESSION_KEY] = {"path": to.split("?", 1)[0], "form": form, "data": data}


def take(request: HttpRequest) -> Kept:
    """The kept form for this page, once; a full GET of any other page drops it (htmx fragments leave it).
    On a signed-in page the session is loaded already (the user comes from it); an anonymous page with a session
    cookie reads it once more."""
    session = getattr(request, "session", None)
    if session is None or request.method != "GET" or SESSION_KEY not in session:
        return NOTHING
    if request.headers.get("HX-Request") == "true":
        return NOTHING
    stored: dict[str, Any] = session.pop(SESSION_KEY)
    if stored.get("path") != request.path:
        return NOTHING
    return Kept(form=str(stored.get("form", "")), data=dict(stored.get("data", {})))


def kept_form(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `kept`, this page's kept form (NOTHING on every page but the one it was kept for)."""
    return {"kept": take(request)}
