"""The inbox: a user sees only their own messages; 查看 marks read and follows only links on this site;
the top bar badge costs one COUNT per page and nothing for anonymous visitors."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from title_review.notifications.models import Message
from title_review.notifications.selectors import unread_count
from title_review.notifications.services import notify

INBOX = "/notifications/"


def _send(user, title="材料被退回", link="/declarations/", **kwargs):
    return notify(recipients=[user], title=title, body=f"{title}的说明", link=link, **kwargs)[0]


def _message_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "notifications_message" in q["sql"]]


def test_the_inbox_shows_only_the_users_own_messages(login, users):
    _send(users["applicant"], title="申报人的信")
    _send(users["hzadmin"], title="市职改办的信")
    response = login("applicant").get(INBOX)
    assert response.status_code == 200
    text = response.content.decode()
    assert "申报人的信" in text and "申报人的信的说明" in text
    assert "市职改办的信" not in text


def test_unread_titles_are_bold_and_read_ones_are_not(login, users):
    unread = _send(users["applicant"], title="未读的信")
    read = _send(users["applicant"], title="已读的信")
    read.read_at = read.created_at
    read.save()
    text = login("applicant").get(INBOX).content.decode()
    assert '<strong data-testid="notification-title">未读的信</strong>' in text
    assert '<span data-testid="notification-title">已读的信</span>' in text
    assert f'href="/notifications/{unread.pk}/"' in text and f'href="/notifications/{read.pk}/"' in text


def test_the_unread_filter(login, users):
    _send(users["applicant"], title="未读的信")
    read = _send(users["applicant"], title="已读的信")
    Message.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client = login("applicant")
    unread_only = client.get(INBOX, {"show": "unread"})
    assert [m.title for m in unread_only.context["page"].object_list] == ["未读的信"]
    everything = client.get(INBOX, {"show": "bogus"})
    assert [m.title for m in everything.context["page"].object_list] == ["已读的信", "未读的信"]


def test_the_inbox_pages_by_twenty(login, users):
    for n in range(25):
        _send(users["applicant"], title=f"第{n}封")
    client = login("applicant")
    first = client.get(INBOX)
    assert len(first.context["page"].object_list) == 20 and "共 25 条" in first.content.decode()
    second = client.get(INBOX, {"page": 2})
    assert [m.title for m in second.context["page"].object_list] == [f"第{n}封" for n in range(4, -1, -1)]


def test_view_marks_read_and_follows_the_link(login, users):
    message = _send(users["applicant"], link="/achievements/")
    response = login("applicant").get(f"/notifications/{message.pk}/")
    assert response.status_code == 302 and response["Location"] == "/achievements/"
    message.refresh_from_db()
    assert message.read_at is not None
    assert unread_count(users["applicant"]) == 0


@pytest.mark.parametrize("link", ["", "https://evil.example/", "//evil.example/x", "/\\evil.example", "achievements/"])
def test_view_goes_to_the_inbox_when_the_link_is_not_on_this_site(login, users, link):
    message = _send(users["applicant"], link=link)
    response = login("applicant").get(f"/notifications/{message.pk}/")
    assert response.status_code == 302 and response["Location"] == INBOX
    message.refresh_from_db()
    assert message.read_at is not None


def test_another_users_message_is_not_found(login, users):
    theirs = _send(users["hzadmin"])
    assert login("applicant").get(f"/notifications/{theirs.pk}/").status_code == 404
    assert login("applicant").get("/notifications/999999/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_is_a_post(login, users):
    for title in ("一", "二"):
        _send(users["applicant"], title=title)
    other = _send(users["hzadmin"])
    client = login("applicant")
    assert "全部标为已读" in client.get(INBOX).content.decode()
    assert client.get("/notifications/read-all/").status_code == 405
    response = client.post("/notifications/read-all/", follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    assert "已将 2 条站内信标为已读" in response.content.decode()
    assert unread_count(users["applicant"]) == 0
    assert "全部标为已读" not in response.content.decode()
    other.refresh_from_db()
    assert other.read_at is None


def test_anonymous_visitors_are_sent_to_login(client, seeded):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/notifications/read-all/").status_code == 302


def test_inbox_query_count_does_not_grow_with_the_messages(login, users):
    client = login("applicant")
    _send(users["applicant"])
    client.get(INBOX)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX).status_code == 200
    for n in range(99):
        _send(users["applicant"], title=f"第{n}封")
    with CaptureQueriesContext(connection) as many:
        response = client.get(INBOX)
    assert response.status_code == 200 and response.context["page"].paginator.count == 100
    assert len(many) == len(few), [q["sql"] for q in many]
    assert len(many) <= 12
    # The paginator's COUNT, the page itself, and one unread COUNT shared by the badge and the tab.
    assert len(_message_queries(many)) == 3


def test_the_badge_costs_one_count_per_page(login, users):
    for title in ("一", "二", "三"):
        _send(users["applicant"], title=title)
    client = login("applicant")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    counted = _message_queries(queries)
    assert len(counted) == 1 and "COUNT" in counted[0].upper()
    badge = re.search(r'data-testid="unread-badge">(\d+)', response.content.decode())
    assert badge and badge.group(1) == "3"


def test_no_badge_when_all_is_read(login, users):
    message = _send(users["applicant"])
    client = login("applicant")
    client.get(f"/notifications/{message.pk}/")
    text = client.get("/").content.decode()
    assert 'data-testid="notifications-link"' in text and 'data-testid="unread-badge"' not in text


def test_anonymous_pages_run_no_notification_query(client, seeded):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/login/").status_code == 200
    assert _message_queries(queries) == []


def test_a_fragment_without_the_top_bar_runs_no_notification_query(login, users):
    _send(users["applicant"])
    client = login("applicant")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/verification/captcha/new/").status_code == 200
    assert _message_queries(queries) == []


def test_the_menu_links_the_inbox(login, users):
    text = login("applicant").get("/").content.decode()
    assert 'href="/notifications/"' in text and "站内信" in text
