"""继续提交: a form sent after the login lapsed is kept for the same person and sent again once they sign in
(accounts.resume, accounts.middleware.LoginRequiredMiddleware).

The reviewer of 直属学校管理中心 writes a 退回理由 while the 30 idle minutes run out and presses 退回: the login page
says the login lapsed and the text is kept; signing in leads to 继续提交, which shows the text and sends it again.
Nobody else signing in at that browser is offered it; secrets and files are never kept; htmx requests move the
whole page to the login page.
"""

import datetime as dt
import re
import time
from html import unescape

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from title_review.accounts import resume
from title_review.accounts.middleware import KEPT_NOTE, LAPSED_NOTE
from title_review.demo.data import DEMO_PASSWORD
from title_review.reviews.tests.conftest import publish_review_round
from title_review.reviews.tests.factories import submit_for
from title_review.reviews.tests.test_chain import _refresh, forward, to_ready

REASON = "年度考核表缺少单位盖章，\n请补充后重新提交。"
LOGIN = "/accounts/login/"


@pytest.fixture
def at_desk(users, orgs):
    """A declaration at the desk of 直属学校管理中心 (zsadmin), and its 审核 page."""
    declaration = forward(users, to_ready(users, submit_for(users["teacher"], publish_review_round(users, orgs))))
    return declaration, f"/reviews/track/{declaration.pk}/"


def sign_in(client: Client, username: str) -> None:
    answer = client.post(LOGIN, {"username": username, "password": DEMO_PASSWORD})
    assert answer.status_code == 302, answer.content.decode()[:500]


def lapse(client: Client) -> None:
    """The 30 idle minutes pass: the session's row stays, past its expiry (as until `clearsessions` runs)."""
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )


def return_data(declaration) -> dict:
    return {
        "decision": "return",
        "version": declaration.version,
        "reason": REASON,
        "sections": ["年度考核", "学历学位"],
        "correction_items": "",
        "correction_days": "",
    }


def hidden_fields(html: str, action: str) -> list[tuple[str, str]]:
    """The values the 继续提交 form (the one posting to `action`) sends."""
    start = html.index(f'<form method="post" action="{action}"')
    form = html[start : html.index("</form>", start)]
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    return [(unescape(n), unescape(v)) for n, v in pairs if n != "csrfmiddlewaretoken"]


def test_a_return_sent_after_the_login_lapsed_is_sent_again_after_signing_in(client, at_desk):
    declaration, page = at_desk
    sign_in(client, "zsadmin")
    lapse(client)

    answer = client.post(f"{page}decide/", return_data(declaration), HTTP_REFERER=f"http://testserver{page}")
    assert answer.status_code == 302 and answer["Location"] == f"{LOGIN}?next=/accounts/resume/"
    assert _refresh(declaration).status == declaration.status  # nothing was done
    assert KEPT_NOTE in client.get(answer["Location"]).content.decode()

    answer = client.post(
        f"{LOGIN}?next=/accounts/resume/", {"username": "zsadmin", "password": DEMO_PASSWORD}, follow=True
    )
    html = answer.content.decode()
    assert answer.redirect_chain[-1][0] == "/accounts/resume/"
    assert "继续提交" in html and "登录已超时" in html
    assert REASON in unescape(html)  # what was written, to recognise
    assert f'action="{page}decide/"' in html and f'href="{page}">放弃</a>' in html
    fields = hidden_fields(html, f"{page}decide/")
    assert sorted(fields) == sorted(
        [("decision", "return"), ("version", str(declaration.version)), ("reason", REASON)]
        + [("sections", "年度考核"), ("sections", "学历学位"), ("correction_items", ""), ("correction_days", "")]
    )

    sent = client.post(f"{page}decide/", _as_posted(fields), follow=True)
    assert "已退回。" in sent.content.decode()
    returned = _refresh(declaration)
    assert returned.status == "returned"
    record = returned.records.filter(action="return").latest("pk")
    assert record.reason == REASON and record.sections == ["年度考核", "学历学位"]
    # Offered once.
    again = client.get("/accounts/resume/", follow=True)
    assert again.redirect_chain[-1][0] == "/" and "没有需要继续提交的内容。" in again.content.decode()


def _as_posted(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_made_to_change_the_password_after_signing_in_the_person_is_offered_it_after_the_change(client, at_desk):
    from title_review.accounts.models import User

    declaration, page = at_desk
    sign_in(client, "zsadmin")
    lapse(client)
    client.post(f"{page}decide/", return_data(declaration), HTTP_REFERER=f"http://testserver{page}")
    User.objects.filter(username="zsadmin").update(must_change_password=True)  # reset by an administrator meanwhile

    answer = client.post(
        f"{LOGIN}?next=/accounts/resume/", {"username": "zsadmin", "password": DEMO_PASSWORD}, follow=True
    )
    assert answer.redirect_chain[-1][0] == "/accounts/password/change/"
    changed = client.post(
        "/accounts/password/change/",
        {"old_password": DEMO_PASSWORD, "new_password": "Changed@2026x", "new_password_confirm": "Changed@2026x"},
        follow=True,
    )
    assert changed.redirect_chain[-1][0] == "/accounts/resume/"
    assert "继续提交" in changed.content.decode() and REASON in unescape(changed.content.decode())


def test_another_person_signing_in_at_that_browser_is_offered_nothing(client, at_desk):
    declaration, page = at_desk
    sign_in(client, "zsadmin")
    lapse(client)
    client.post(f"{page}decide/", return_data(declaration), HTTP_REFERER=f"http://testserver{page}")

    sign_in(client, "hzcheck")
    answer = client.get("/accounts/resume/", follow=True)
    assert answer.redirect_chain[-1][0] == "/"
    assert REASON.split("，")[0] not in answer.content.decode()
    assert resume.SESSION_KEY not in client.session  # dropped, not left for the next one
    # Nor is it there when the reviewer comes back to this browser.
    sign_in(client, "zsadmin")
    assert client.get("/accounts/resume/").status_code == 302


def test_a_session_ended_on_purpose_keeps_nothing_and_comes_back_to_the_form_page(client, at_desk):
    declaration, page = at_desk
    sign_in(client, "zsadmin")
    Session.objects.filter(session_key=client.cookies["sessionid"].value).delete()  # 退出 in another tab

    answer = client.post(f"{page}decide/", return_data(declaration), HTTP_REFERER=f"http://testserver{page}")
    assert answer["Location"] == f"{LOGIN}?next={page}"  # the page, not an address that takes only POST
    assert resume.SESSION_KEY not in client.session
    assert "登录已超时" not in client.get(answer["Location"]).content.decode()


def test_a_disabled_account_did_not_lapse_and_keeps_nothing(client, at_desk):
    from title_review.accounts.models import User

    declaration, page = at_desk
    sign_in(client, "zsadmin")
    User.objects.filter(username="zsadmin").update(is_active=False)  # 停用 while signed in: the session is live
    answer = client.post(f"{page}decide/", return_data(declaration), HTTP_REFERER=f"http://testserver{page}")
    assert answer["Location"] == f"{LOGIN}?next={page}"
    assert resume.SESSION_KEY not in client.session
    assert "登录已超时" not in client.get(answer["Location"]).content.decode()


def test_passwords_and_sms_codes_are_never_kept(client, seeded):
    sign_in(client, "zsadmin")
    lapse(client)
    answer = client.post(
        "/accounts/password/change/",
        {"old_password": DEMO_PASSWORD, "new_password": "Another@2026x", "new_password_confirm": "Another@2026x"},
        HTTP_REFERER="http://testserver/accounts/password/change/",
    )
    assert answer["Location"] == f"{LOGIN}?next=/accounts/password/change/"
    assert resume.SESSION_KEY not in client.session
    assert not Session.objects.filter(session_data__contains="Another").exists()
    assert "登录已超时，请重新登录后重新填写。" in client.get(answer["Location"]).content.decode()

    sign_in(client, "zsadmin")
    lapse(client)
    client.post("/accounts/profile/phone/", {"phone": "13900000000", "sms_code": "123456"})
    assert resume.SESSION_KEY not in client.session


def test_a_chosen_file_cannot_be_kept_and_the_login_page_says_to_choose_it_again(client, at_desk):
    declaration, page = at_desk
    sign_in(client, "zsadmin")
    lapse(client)
    upload = SimpleUploadedFile("考核表.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    answer = client.post(
        "/attachments/upload/",
        {"target": declaration.pk, "kind": "photo", "file": upload},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert answer["Location"] == f"{LOGIN}?next={page}"
    assert resume.SESSION_KEY not in client.session
    assert "所选文件未能保留，登录后请重新选择文件并提交。" in client.get(answer["Location"]).content.decode()


def test_a_form_from_another_site_is_refused_before_anything_is_kept(at_desk):
    declaration, page = at_desk
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(_user("zsadmin"))
    lapse(browser)
    answer = browser.post(f"{page}decide/", return_data(declaration), HTTP_REFERER="https://elsewhere.example/")
    assert answer.status_code == 403
    assert resume.SESSION_KEY not in browser.session


def _user(username: str):
    from title_review.accounts.models import User

    return User.objects.get(username=username)


def test_a_foreign_referer_sends_the_person_home_after_signing_in(client, at_desk):
    declaration, page = at_desk
    sign_in(client, "zsadmin")
    lapse(client)
    client.post(f"{page}decide/", return_data(declaration), HTTP_REFERER="https://elsewhere.example/phish/")
    assert client.session[resume.SESSION_KEY]["back"] == "/"


def test_kept_for_two_hours_at_most(client, at_desk):
    declaration, page = at_desk
    sign_in(client, "zsadmin")
    lapse(client)
    client.post(f"{page}decide/", return_data(declaration), HTTP_REFERER=f"http://testserver{page}")
    session = client.session
    session[resume.SESSION_KEY] = session[resume.SESSION_KEY] | {"at": int(time.time()) - resume.MAX_AGE_SECONDS - 1}
    session.save()
    sign_in(client, "zsadmin")
    assert client.get("/accounts/resume/").status_code == 302


def test_a_page_opened_after_the_login_lapsed_says_so_and_comes_back_after_signing_in(client, at_desk):
    _declaration, page = at_desk
    sign_in(client, "zsadmin")
    lapse(client)
    answer = client.get(f"{page}?tab=records")
    assert answer["Location"] == f"{LOGIN}?next={page}%3Ftab%3Drecords"
    assert LAPSED_NOTE in client.get(answer["Location"]).content.decode()
    # Never signed in: no such note.
    stranger = Client()
    assert LAPSED_NOTE not in stranger.get(stranger.get(page)["Location"]).content.decode()


def test_htmx_requests_move_the_whole_page_to_the_login_page(client, at_desk):
    declaration, page = at_desk
    sign_in(client, "zsadmin")
    lapse(client)
    fragment = client.get(
        "/reviews/inbox/?page=2", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/reviews/inbox/?q=朱"
    )
    assert fragment.status_code == 200 and fragment["HX-Redirect"].startswith(f"{LOGIN}?next=/reviews/inbox/%3Fq%3D")
    assert fragment.content == b""  # not the login form inside the list

    sent = client.post(
        f"{page}decide/",
        return_data(declaration),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert sent["HX-Redirect"] == f"{LOGIN}?next=/accounts/resume/"
    assert client.session[resume.SESSION_KEY]["data"]["reason"] == [REASON]


def test_what_is_shown_to_recognise_leaves_out_ids_dates_and_ticks():
    pending = resume.Pending(
        action="/x/",
        data={
            "decision": ["return"],
            "version": ["7"],
            "due": ["2026-12-31"],
            "pick": ["12", "13"],
            "reason": ["缺少盖章"],
            "note": ["Looks complete"],
        },
        back="/",
    )
    assert pending.texts() == ["缺少盖章", "Looks complete"]
    assert pending.fields()[3:5] == [("pick", "12"), ("pick", "13")]


def test_the_daily_work_deletes_sessions_lapsed_over_a_day_ago_and_keeps_the_recent(client, seeded):
    from title_review.jobs.services import run_daily

    sign_in(client, "zsadmin")
    recent = client.cookies["sessionid"].value
    lapse(client)
    other = Client()
    other.force_login(_user("hzcheck"))
    old = other.cookies["sessionid"].value
    Session.objects.filter(session_key=old).update(expire_date=timezone.now() - dt.timedelta(days=1, minutes=1))

    assert "accounts.clear_lapsed_sessions" in run_daily()
    assert Session.objects.filter(session_key=recent).exists()
    assert not Session.objects.filter(session_key=old).exists()
