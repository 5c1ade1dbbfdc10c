"""Locust users of the deadline-surge bench (issue 12, point 3); bench/surge/run.py drives them headless.

Both scenarios have the same shape, so their throughputs compare:

- every simulated applicant signs in once through /accounts/login/ (GET the form, POST the demo password:
  the right one, so no captcha is ever asked), as one of the bench accounts surge0001… (data.py);
- then loops one *iteration* of three requests, with the same think time between requests:
    `DossierApplicant`: open the dossier, save it (POST with the page's optimistic `version`), open it again;
    `BareApplicant`:    the bare reference view three times (one row read, one row write);
    `HelpApplicant`:    the 帮助 page three times — the lightest page of the system: the layout (menu, header,
                        unread count) around static text, no row of the applicant's; a second reference
                        (`run.py compare --also help`), not part of the verdict;
- after an iteration, with probability BENCH_SURGE_SUBMIT (default 0.05) the applicant is done:
  `DossierApplicant` submits (POST 提交, then opens the now read-only dossier), both then sign out, and the
  locust user carries on as the next unused account (a new applicant arriving; the number of users stays).

Every response is checked: a save must redirect to ?saved=1 (a stale `version` or a form error answers 200
and counts as a failure), a submit must redirect and the dossier afterwards must show 已提交/单位审核.
Requests do not follow redirects: each request is timed on its own.

Environment: BENCH_SURGE_ACCOUNTS (JSON of [username, declaration id], written by data.py reset),
BENCH_SURGE_THINK ("min,max" seconds between requests, default "0.5,1.5"), BENCH_SURGE_SUBMIT.
"""

import itertools
import json
import os
import random
import re
import threading
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, task
from locust.exception import StopUser

# title_review.demo.data.DEMO_PASSWORD (published in README.md), kept literal: locust does not load Django.
PASSWORD = "Demo@2026"  # noqa: S105 — the demo accounts' documented password, not a secret
ACCOUNTS_FILE = Path(
    os.environ.get(
        "BENCH_SURGE_ACCOUNTS", Path(__file__).resolve().parents[2] / "var" / "bench_surge" / "accounts.json"
    )
)
THINK = tuple(float(x) for x in os.environ.get("BENCH_SURGE_THINK", "0.5,1.5").split(","))
SUBMIT = float(os.environ.get("BENCH_SURGE_SUBMIT", "0.05"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_accounts: list[tuple[str, int]] = json.loads(ACCOUNTS_FILE.read_text()) if ACCOUNTS_FILE.exists() else []
_next = itertools.count()
_lock = threading.Lock()


def next_account(*, reuse: bool = False) -> tuple[str, int]:
    """The next unused bench account; `reuse` (the bare scenario, which changes no declaration) wraps round."""
    with _lock:
        i = next(_next)
    if reuse and _accounts:
        return _accounts[i % len(_accounts)]
    if i >= len(_accounts):
        raise StopUser(f"no unused bench account left ({len(_accounts)}): data.py setup --applicants more")
    return _accounts[i]


class DossierForm(HTMLParser):
    """The fields the dossier page's form#dossier-form would post, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "dossier-form":
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._first_option, self._selected = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a and not self._selected:
                self.fields.append((self._select, a.get("value", "")))
                self._selected = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            if not self._selected:
                self.fields.append((self._select, self._first_option or ""))
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = DossierForm()
    parser.feed(html)
    return parser.fields


class Applicant(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    username = ""
    declaration_id = 0
    reuse_accounts = False

    def on_start(self) -> None:
        self.sign_in()

    def sign_in(self) -> None:
        self.client.cookies.clear()
        self.username, self.declaration_id = next_account(reuse=self.reuse_accounts)
        with self.client.get("/accounts/login/", name="login form", catch_response=True) as page:
            token = CSRF.search(page.text or "")
            if page.status_code != 200 or token is None:
                page.failure(f"login form: {page.status_code}")
                raise StopUser
        self.wait()
        with self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token.group(1), "username": self.username, "password": PASSWORD},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login of {self.username}: {answer.status_code} (no redirect)")
                raise StopUser

    def sign_out(self) -> None:
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/logout/",
            data={"csrfmiddlewaretoken": token},
            headers={"X-CSRFToken": token},
            name="logout",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"logout: {answer.status_code}")

    def next_applicant(self) -> None:
        self.sign_out()
        self.wait()
        self.sign_in()


class DossierApplicant(Applicant):
    def open(self, name: str, query: str = "") -> str:
        with self.client.get(
            f"/declarations/{self.declaration_id}/{query}", name=name, allow_redirects=False, catch_response=True
        ) as page:
            if page.status_code != 200 or "申报材料" not in (page.text or ""):
                page.failure(f"{name}: {page.status_code}")
                return ""
            return page.text

    @task
    def iteration(self) -> None:
        html = self.open("dossier open")
        if not html:
            return
        self.wait()
        fields = [(k, v) for k, v in form_fields(html) if k != "recommenders"]
        # Something changes on every save, as when a person edits: the recommenders line toggles.
        fields.append(("recommenders", random.choice(["", "张教授，李教授"])))
        with self.client.post(
            f"/declarations/{self.declaration_id}/",
            data=fields,
            name="dossier save",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302 or "saved=1" not in answer.headers.get("Location", ""):
                answer.failure(f"save: {answer.status_code} (expected a redirect to ?saved=1)")
        self.wait()
        self.open("dossier open (saved)", "?saved=1")
        if random.random() < SUBMIT:
            self.wait()
            self.submit(html)
            self.wait()
            self.next_applicant()

    def submit(self, html: str) -> None:
        token = CSRF.search(html)
        with self.client.post(
            f"/declarations/{self.declaration_id}/submit/",
            data={"csrfmiddlewaretoken": token.group(1) if token else ""},
            name="dossier submit",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"submit: {answer.status_code}")
                return
        self.wait()
        page = self.open("dossier open (submitted)")
        if page and "提交" in page and 'id="dossier-form" novalidate data-autosave' in page:
            # Still editable: the submission was refused (a message on the page, not an HTTP error).
            self.environment.events.request.fire(
                request_type="CHECK",
                name="dossier submitted",
                response_time=0,
                response_length=0,
                exception=AssertionError("the dossier is still editable after 提交"),
                context={},
            )


class BareApplicant(Applicant):
    reuse_accounts = True

    def bare(self) -> None:
        with self.client.get(
            f"/bench/bare/{self.declaration_id}/", name="bare", allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"bare: {answer.status_code}")

    @task
    def iteration(self) -> None:
        self.bare()
        self.wait()
        self.bare()
        self.wait()
        self.bare()
        if random.random() < SUBMIT:
            self.wait()
            self.next_applicant()


class HelpApplicant(Applicant):
    reuse_accounts = True

    def help(self) -> None:
        with self.client.get("/help/", name="help", allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200 or "帮助" not in (answer.text or ""):
                answer.failure(f"help: {answer.status_code}")

    @task
    def iteration(self) -> None:
        self.help()
        self.wait()
        self.help()
        self.wait()
        self.help()
        if random.random() < SUBMIT:
            self.wait()
            self.next_applicant()
