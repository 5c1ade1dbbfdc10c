"""core.kept: a refused form's values kept for the page it goes back to, once, and for that page only."""

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.template import Context, Template
from django.test import RequestFactory

from title_review.core.kept import MAX_CHARACTERS, NOTHING, SESSION_KEY, Kept, keep, kept_form, take

factory = RequestFactory()


def _posted(data: dict, session: SessionStore):
    request = factory.post("/reviews/declarations/7/decide/", data)
    request.session = session
    return request


def _get(path: str, session: SessionStore, **headers):
    request = factory.get(path, **headers)
    request.session = session
    return request


def test_kept_for_the_page_it_goes_back_to_once():
    session = SessionStore()
    keep(
        _posted({"reason": "学历证书不清晰", "sections": ["基本信息", "学历"], "csrfmiddlewaretoken": "x"}, session),
        form="return",
        to="/reviews/declarations/7/?tab=1",
    )
    kept = take(_get("/reviews/declarations/7/", session))
    assert kept.form == "return"
    assert kept.value("reason", "return") == "学历证书不清晰"
    assert kept.values("sections", "return") == ["基本信息", "学历"]
    assert kept.value("csrfmiddlewaretoken", "return") == ""  # never kept
    assert kept.value("reason", "reject") is None  # another form of the page
    assert take(_get("/reviews/declarations/7/", session)) is NOTHING  # once


def test_another_page_drops_it_and_an_htmx_fragment_leaves_it():
    session = SessionStore()
    keep(_posted({"reason": "x"}, session), form="return", to="/reviews/declarations/7/")
    assert take(_get("/reviews/declarations/7/", session, HTTP_HX_REQUEST="true")) is NOTHING
    assert SESSION_KEY in session
    assert take(_get("/reviews/inbox/", session)) is NOTHING
    assert take(_get("/reviews/declarations/7/", session)) is NOTHING


def test_a_form_too_large_for_the_session_is_not_kept():
    session = SessionStore()
    keep(_posted({"reason": "长" * (MAX_CHARACTERS + 1)}, session), form="return", to="/reviews/declarations/7/")
    assert SESSION_KEY not in session


@pytest.mark.parametrize(
    ("source", "kept", "shown"),
    [
        ('{% kept_value "reason" "return" %}', Kept("return", {"reason": ["<b>理由</b>"]}), "&lt;b&gt;理由&lt;/b&gt;"),
        ('{% kept_value "reason" "reject" default="无" %}', Kept("return", {"reason": ["理由"]}), "无"),
        ('{% kept_value "opinion" "pass" default="同意上报" %}', NOTHING, "同意上报"),
        ('{% kept_value "opinion" "pass" default="同意上报" %}', Kept("pass", {"opinion": [""]}), ""),
        ('<i{% kept_checked "pick" 12 "forward" %}>', Kept("forward", {"pick": ["12", "13"]}), "<i checked>"),
        ('<i{% kept_checked "pick" 14 "forward" %}>', Kept("forward", {"pick": ["12"]}), "<i>"),
        ('<i{% kept_checked "pick" 14 "forward" default=True %}>', NOTHING, "<i checked>"),
        ('<i{% kept_selected "panel" 3 "assign" %}>', Kept("assign", {"panel": ["3"]}), "<i selected>"),
    ],
)
def test_the_tags_fill_only_the_refused_form(source, kept, shown):
    assert Template("{% load kept_tags %}" + source).render(Context({"kept": kept})) == shown


def test_the_context_processor_gives_nothing_without_a_session():
    assert kept_form(factory.get("/")) == {"kept": NOTHING}
