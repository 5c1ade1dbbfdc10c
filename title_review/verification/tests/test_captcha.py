"""Image captchas: a PNG the user reads, an answer kept in the session, each key good for one try."""

import io
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from PIL import Image

from title_review.core.errors import DomainError
from title_review.verification import captcha
from title_review.verification.captcha import (
    ALPHABET,
    captcha_context,
    check_captcha,
    new_captcha,
    render_png,
    validate_captcha,
)
from title_review.verification.policies import CAPTCHA_MAX_PENDING
from title_review.verification.testing import captcha_answer


@pytest.fixture
def request_with_session():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def test_the_alphabet_has_no_look_alikes():
    assert not set("0O1IlL") & set(ALPHABET)


def test_render_png_draws_a_png():
    content = render_png("AB7KX")
    assert content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG" and image.size == (captcha.WIDTH, captcha.HEIGHT)


def test_answers_are_4_or_5_characters_of_the_alphabet(request_with_session):
    for _ in range(20):
        answer = captcha_answer(request_with_session.session, new_captcha(request_with_session))
        assert 4 <= len(answer) <= 5 and set(answer) <= set(ALPHABET)


def test_an_answer_is_case_insensitive_and_single_use(request_with_session):
    key = new_captcha(request_with_session)
    answer = captcha_answer(request_with_session.session, key)
    assert check_captcha(request_with_session, key, f" {answer.lower()} ")
    assert not check_captcha(request_with_session, key, answer)


def test_a_key_stays_used_even_if_an_old_copy_of_the_session_is_saved_back(request_with_session):
    key = new_captcha(request_with_session)
    answer = captcha_answer(request_with_session.session, key)
    stale = dict(request_with_session.session[captcha.SESSION_KEY])
    assert check_captcha(request_with_session, key, answer)
    request_with_session.session[captcha.SESSION_KEY] = stale  # a concurrent request's save wins
    assert not check_captcha(request_with_session, key, answer)


def test_a_wrong_answer_also_uses_the_key_up(request_with_session):
    key = new_captcha(request_with_session)
    answer = captcha_answer(request_with_session.session, key)
    assert not check_captcha(request_with_session, key, "WRONG")
    assert not check_captcha(request_with_session, key, answer)
    assert not check_captcha(request_with_session, "", "")


def test_at_most_five_captchas_wait_per_session(request_with_session):
    keys = [new_captcha(request_with_session) for _ in range(CAPTCHA_MAX_PENDING + 2)]
    pending = request_with_session.session[captcha.SESSION_KEY]
    assert len(pending) == CAPTCHA_MAX_PENDING
    assert set(pending) == set(keys[-CAPTCHA_MAX_PENDING:])


def test_a_captcha_lapses_after_ten_minutes(request_with_session, monkeypatch):
    key = new_captcha(request_with_session)
    answer = captcha_answer(request_with_session.session, key)
    real_time = captcha.time.time
    monkeypatch.setattr(captcha.time, "time", lambda: real_time() + 601)
    assert not check_captcha(request_with_session, key, answer)


def test_validate_captcha_raises_the_chinese_message(request_with_session):
    context = captcha_context(request_with_session)
    key = context["captcha_key"]
    answer = captcha_answer(request_with_session.session, key)
    validate_captcha(request_with_session, {"captcha_key": key, "captcha_answer": answer})
    with pytest.raises(DomainError, match="图形验证码不正确，请重新输入。"):
        validate_captcha(request_with_session, {"captcha_key": key, "captcha_answer": answer})


def _key_in(html: str) -> str:
    found = re.search(r'name="captcha_key" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def test_the_fragment_and_picture_for_an_anonymous_visitor(client, db):
    response = client.get("/verification/captcha/new/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    key = _key_in(html)
    assert "图形验证码" in html and 'hx-get="/verification/captcha/new/"' in html and 'hx-swap="outerHTML"' in html
    assert "<script" not in html and "style=" not in html
    assert f'src="/verification/captcha/{key}.png"' in html

    picture = client.get(f"/verification/captcha/{key}.png")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    assert picture["Cache-Control"] == "no-store"
    assert picture.content.startswith(b"\x89PNG")
    # Drawing the picture again (a reload) does not use the captcha up.
    assert client.get(f"/verification/captcha/{key}.png").status_code == 200
    assert captcha_answer(client, key)


def test_an_unknown_key_has_no_picture(client, db):
    assert client.get("/verification/captcha/nosuchkey.png").status_code == 404


def test_another_picture_discards_the_previous_one(client, db):
    first = _key_in(client.get("/verification/captcha/new/").content.decode())
    second = _key_in(client.get("/verification/captcha/new/", {"captcha_key": first}).content.decode())
    assert first != second
    assert client.get(f"/verification/captcha/{first}.png").status_code == 404
    assert client.get(f"/verification/captcha/{second}.png").status_code == 200


def test_the_fragment_is_get_only(client, db):
    assert client.post("/verification/captcha/new/").status_code == 405


def test_captcha_answer_reads_a_session_by_its_cookie_value(client, db):
    key = _key_in(client.get("/verification/captcha/new/").content.decode())
    cookie = client.cookies["sessionid"].value
    assert captcha_answer(cookie, key) == captcha_answer(client, key)
