"""Open the pages a signed-in person reaches by following links, as they would click them, and check each page.

A page must not offer its reader what the reader cannot use: a link that leads to 无权访问 or 页面不存在 (a
breadcrumb to 我的申报 for someone who has no declarations of their own, 打印有关空白表格 for an applicant), or a
button whose form posts to an action the reader's role does not have. Every field and button must be named for a
screen reader (and for the browser tests, which find them by name), and no two elements may share an id (a label
would name the wrong field).

`walk` starts at the home page and follows every same-site link (`href` and `hx-get`) breadth first, at most
`per_route` addresses of each URL pattern (the tenth declaration's page adds little to the first two) and `limit`
pages in all. GET only: nothing is submitted, so the walk changes nothing a person could not change by reading.
"""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django.urls import Resolver404, resolve

from title_review.access.policies import has_capability

LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
# Not pages: the static files, the API's machine-readable schema, file downloads (each a permission check of its
# own, in the scope matrix), and 退出 (a POST form, never a link).
NOT_PAGES = re.compile(r"^/(static|media)/|^/api/v1/schema|/download|/logout/")
NOT_NAMED_BY_A_LABEL = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Report:
    opened: int = 0
    # (what, where): "403 /printing/blanks/" linked from "/reviews/track/1/"
    problems: list[tuple[str, str]] = field(default_factory=list)


class _Page(HTMLParser):
    """The controls, buttons, ids and POST forms of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.labelled: set[str] = set()
        self.controls: list[tuple[str, dict[str, Any], bool]] = []  # (tag, attributes, named by aria or a <label>)
        self.unnamed_buttons: list[dict[str, Any]] = []
        self.post_actions: list[str] = []
        # GET forms (filters, searches): (action or "" for the page itself, the names of their fields)
        self.get_forms: list[tuple[str, list[str]]] = []
        self._get_form: tuple[str, list[str]] | None = None
        self._inside_label = 0
        self._button: dict[str, Any] | None = None
        self._button_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "label":
            self._inside_label += 1
            if a.get("for"):
                self.labelled.add(a["for"])
        elif tag == "form" and a.get("method", "").lower() == "post" and a.get("action", "").startswith("/"):
            self.post_actions.append(a["action"].replace("&amp;", "&"))
        elif tag == "form" and a.get("method", "get").lower() == "get":
            self._get_form = (a.get("action", "").replace("&amp;", "&"), [])
            self.get_forms.append(self._get_form)
        elif tag in ("input", "select", "textarea"):
            if self._get_form is not None and a.get("name"):
                self._get_form[1].append(a["name"])
            kind = a.get("type", "text") if tag == "input" else tag
            if kind in NOT_NAMED_BY_A_LABEL:
                if kind in ("submit", "button") and not (a.get("value") or a.get("aria-label")):
                    self.unnamed_buttons.append(a)
                return
            named = bool(a.get("aria-label") or a.get("aria-labelledby") or a.get("title") or self._inside_label)
            self.controls.append((tag, a, named))
        elif tag == "button":
            self._button, self._button_text = a, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._get_form = None
        if tag == "label":
            self._inside_label = max(0, self._inside_label - 1)
        elif tag == "button" and self._button is not None:
            if not (self._button_text.strip() or self._button.get("aria-label") or self._button.get("title")):
                self.unnamed_buttons.append(self._button)
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button_text += data


def _route(path: str) -> str:
    try:
        return str(resolve(path).route)
    except Resolver404:
        return path


def check_page(user: Any, html: str) -> list[str]:
    """What is wrong with one page for `user`: unnamed fields and buttons, repeated ids, unusable forms."""
    return _check(user, _parsed(html))


def _parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _check(user: Any, page: _Page) -> list[str]:
    found = [
        f"{tag} name={a.get('name')!r} has no label"
        for tag, a, named in page.controls
        if not named and a.get("id") not in page.labelled
    ]
    found += [f"button {a} has no name" for a in page.unnamed_buttons]
    found += [f"id {i!r} used {n} times" for i, n in Counter(page.ids).items() if n > 1]
    for action in page.post_actions:
        try:
            view = resolve(action.split("?", 1)[0]).func
        except Resolver404:
            found.append(f"a form posts to {action}, which is no address of the system")
            continue
        rule = getattr(view, "access_rule", None)
        if rule not in (None, "authenticated", "public") and not has_capability(user, rule):
            found.append(f"a form posts to {action}, which needs {rule}")
    return found


# What a typo, an old bookmark or an edited address puts into a search or filter field: a digit of another script
# (str.isdigit() takes it, int() does not) and a number past the database's integers.
MALFORMED = ("²", "99999999999999999999")


def walk(
    client: Client,
    user: Any,
    *,
    start: str = "/",
    per_route: int = 2,
    limit: int = 80,
    malformed_tried: set[tuple[str, tuple[str, ...]]] | None = None,
) -> Report:
    """Open the pages `user` (signed in on `client`) reaches from `start` and report what is wrong. Given a set
    `malformed_tried`, each search or filter form met and not in it yet (by address pattern and fields; the set is
    shared by the walks of a test session, as the reading of a field does not depend on who sends it) is sent with
    each field set to each MALFORMED value: the page must answer as for any value it does not understand, never
    with a server error."""
    report = Report()
    queue: deque[tuple[str, str]] = deque([(start, "")])
    seen: set[str] = set()
    per: Counter[str] = Counter()
    while queue and report.opened < limit:
        url, linked_from = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        route = _route(url.split("?", 1)[0])
        per[route] += 1
        if per[route] > per_route:
            continue
        report.opened += 1
        answer = client.get(url)
        if answer.status_code in (403, 404, 405) or answer.status_code >= 500:
            report.problems.append((f"{answer.status_code} {url}", f"linked from {linked_from}"))
            continue
        if answer.status_code != 200 or "html" not in answer.get("Content-Type", ""):
            continue
        html = answer.content.decode(errors="replace")
        page = _parsed(html)
        report.problems += [(problem, f"on {url}") for problem in _check(user, page)]
        if malformed_tried is not None:
            report.problems += _send_malformed(client, url, page, malformed_tried)
        for link in LINK.findall(html):
            link = link.replace("&amp;", "&")
            if link not in seen and not NOT_PAGES.search(link):
                queue.append((link, url))
    return report


def _send_malformed(
    client: Client, url: str, page: _Page, tried: set[tuple[str, tuple[str, ...]]]
) -> list[tuple[str, str]]:
    found = []
    for action, names in page.get_forms:
        target = (action or url).split("?", 1)[0]
        key = (_route(target), tuple(sorted(set(names))))
        if not names or key in tried or NOT_PAGES.search(target):
            continue
        tried.add(key)
        for name in sorted(set(names)):
            for value in MALFORMED:
                answer = client.get(target, {name: value})
                if answer.status_code >= 500:
                    found.append((f"{answer.status_code} {target}?{name}={value}", f"a search or filter of {url}"))
    return found
