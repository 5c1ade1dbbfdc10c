"""Follow the links a signed-in person is shown, as they would click them, and note the ones that lead nowhere.

A page must not offer a link its reader cannot follow: a breadcrumb to 我的申报 for someone who has no
declarations of their own, 打印有关空白表格 for an applicant, 申报材料 of someone else's declaration for a reviewer.
`walk` starts at the home page and follows every same-site link (`href` and `hx-get`) breadth first, at most
`per_route` addresses of each URL pattern (the tenth declaration's page adds little to the first two) and `limit`
pages in all; it reports each answer that is an error page (403, 404, 405 or 5xx) with the page that linked to it.
GET only: nothing is submitted, so the walk changes nothing a person could not change by reading.
"""

import re
from collections import Counter, deque
from dataclasses import dataclass

from django.test import Client
from django.urls import Resolver404, resolve

LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
# Not pages: the static files, the API's machine-readable schema, file downloads (each a permission check of its
# own, in the scope matrix), and 退出 (a POST form, never a link).
NOT_PAGES = re.compile(r"^/(static|media)/|^/api/v1/schema|/download|/logout/")


@dataclass(frozen=True)
class Dead:
    url: str
    status: int
    linked_from: str


def _route(path: str) -> str:
    try:
        return str(resolve(path).route)
    except Resolver404:
        return path


def walk(client: Client, *, start: str = "/", per_route: int = 2, limit: int = 80) -> tuple[int, list[Dead]]:
    """(pages opened, the links that led to an error page)."""
    queue: deque[tuple[str, str]] = deque([(start, "")])
    seen: set[str] = set()
    per: Counter[str] = Counter()
    dead: list[Dead] = []
    opened = 0
    while queue and opened < limit:
        url, linked_from = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        route = _route(url.split("?", 1)[0])
        per[route] += 1
        if per[route] > per_route:
            continue
        opened += 1
        answer = client.get(url)
        if answer.status_code in (403, 404, 405) or answer.status_code >= 500:
            dead.append(Dead(url, answer.status_code, linked_from))
            continue
        if answer.status_code != 200 or "html" not in answer.get("Content-Type", ""):
            continue
        for link in LINK.findall(answer.content.decode(errors="replace")):
            link = link.replace("&amp;", "&")
            if link not in seen and not NOT_PAGES.search(link):
                queue.append((link, url))
    return opened, dead
