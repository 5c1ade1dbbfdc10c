"""Date and time boxes show the stored value, so saving a form unchanged keeps it (issue 10, finding 13a)."""

import datetime as dt
import importlib
import pkgutil
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from django import forms

import title_review
from title_review.dictionaries.models import Entry
from title_review.rounds import services
from title_review.rounds.models import Round

SHANGHAI = ZoneInfo("Asia/Shanghai")


class FormAsRendered(HTMLParser):
    """The values a browser would submit for the first form on a page that has a field named `marker`."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = []
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._form.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._form.append((self._textarea or "", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form:
            name, value = self._form[-1]
            self._form[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def data(self, html: str) -> dict[str, list[str]]:
        self.feed(html)
        form = next(f for f in self.forms if any(name == self.marker for name, _ in f))
        values: dict[str, list[str]] = {}
        for name, value in form:
            values.setdefault(name, []).append(value)
        return values


def _round(users, orgs) -> Round:
    series = Entry.objects.get(type__code="series", name="工程技术人员")
    round_ = services.create_round(
        actor=users["hzadmin"],
        publisher=orgs["杭州市职称工作领导小组办公室"],
        title="2026年度杭州市工程技术中级职称评审",
        year=2026,
        kind="review",
        series=series,
        committee=None,
        opens_at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI),
        closes_at=dt.datetime(2026, 12, 31, 17, 0, 30, tzinfo=SHANGHAI),
    )
    services.update_round(
        actor=users["hzadmin"],
        round_id=round_.pk,
        changes={
            "levels": [Entry.objects.get(type__code="level", name="中级").code],
            "routes": ["01"],
            "notice": "请于截止时间前完成网上申报。",
        },
        scope=[orgs["杭州市卫生健康委员会"]],
    )
    return Round.objects.get(pk=round_.pk)


def test_the_round_edit_page_shows_the_deadline_and_saving_unchanged_keeps_it(login, users, orgs):
    round_ = _round(users, orgs)
    client = login("hzadmin")
    html = client.get(f"/rounds/{round_.pk}/edit/").content.decode()
    closes = re.search(r'<input[^>]*name="closes_at"[^>]*>', html).group(0)
    assert 'type="datetime-local"' in closes and 'value="2026-12-31T17:00:30"' in closes
    response = client.post(f"/rounds/{round_.pk}/edit/", FormAsRendered("closes_at").data(html))
    assert response.status_code == 302, response.context["form"].errors
    round_.refresh_from_db()
    assert round_.closes_at == dt.datetime(2026, 12, 31, 17, 0, 30, tzinfo=SHANGHAI)
    assert round_.notice == "请于截止时间前完成网上申报。"


def _all_form_classes() -> set[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(title_review.__path__, "title_review."):
        if module.name.rsplit(".", 1)[-1] in ("forms", "employer_forms") or module.name.endswith("_forms"):
            importlib.import_module(module.name)
    found: set[type[forms.BaseForm]] = set()
    todo = [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("title_review.") and sub not in found:
                found.add(sub)
            todo.append(sub)
    return found


def test_every_date_and_time_box_in_the_project_writes_what_the_browser_reads():
    moment = dt.datetime(2026, 12, 31, 17, 0, tzinfo=SHANGHAI)
    checked, wrong = [], []
    for form_class in _all_form_classes():
        for name, field in form_class.base_fields.items():
            widget = field.widget
            kind = getattr(widget, "input_type", "")
            if kind not in ("date", "datetime-local"):
                continue
            checked.append(f"{form_class.__name__}.{name}")
            shown = widget.format_value(field.prepare_value(moment if kind == "datetime-local" else moment.date()))
            pattern = r"2026-12-31" if kind == "date" else r"2026-12-31T17:00(:00)?"
            if not re.fullmatch(pattern, shown or ""):
                wrong.append((f"{form_class.__module__}.{form_class.__name__}.{name}", shown))
    assert "RoundDetailsForm.closes_at" in checked and "EventFilterForm.date_from" in checked
    assert not wrong
