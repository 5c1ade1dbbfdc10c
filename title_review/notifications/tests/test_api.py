"""站内信 through the API: own messages only, paginated; marking read; documented in the schema."""

from title_review.notifications.selectors import unread_count
from title_review.notifications.services import notify

LIST = "/api/v1/notifications/"


def _send(user, title="受理通知", link="/declarations/", **kwargs):
    return notify(recipients=[user], title=title, body="材料已受理。", link=link, category="accept", **kwargs)[0]


def test_the_list_holds_only_own_messages_newest_first(login, users):
    _send(users["applicant"], title="旧")
    newest = _send(users["applicant"], title="新", link="https://evil.example/")
    _send(users["hzadmin"], title="别人的")
    response = login("applicant").get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and [row["title"] for row in body["results"]] == ["新", "旧"]
    first = body["results"][0]
    assert first == {
        "id": newest.pk,
        "title": "新",
        "body": "材料已受理。",
        "link": "",  # a link off this site is never handed out
        "category": "accept",
        "category_label": "受理",
        "created_at": first["created_at"],
        "read_at": None,
        "is_read": False,
    }
    assert body["results"][1]["link"] == "/declarations/"


def test_the_list_is_paginated_and_filters_unread(login, users):
    for n in range(55):
        _send(users["applicant"], title=f"第{n}封")
    client = login("applicant")
    first = client.get(LIST).json()
    assert first["count"] == 55 and len(first["results"]) == 50 and first["next"]
    assert len(client.get(LIST, {"page": 2}).json()["results"]) == 5
    client.post(f"{LIST}{first['results'][0]['id']}/read/")
    assert client.get(LIST, {"unread": "true"}).json()["count"] == 54


def test_mark_read_through_the_api(login, users):
    message = _send(users["applicant"])
    client = login("applicant")
    response = client.post(f"{LIST}{message.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True and response.json()["read_at"]
    assert unread_count(users["applicant"]) == 0
    assert client.post(f"{LIST}{message.pk}/read/").status_code == 200  # again: no change, no error
    assert client.get(f"{LIST}{message.pk}/read/").status_code == 405


def test_another_users_message_is_not_found(login, users):
    theirs = _send(users["hzadmin"])
    response = login("applicant").post(f"{LIST}{theirs.pk}/read/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_callers_are_refused(client, seeded):
    assert client.get(LIST).status_code == 401
    assert client.post(f"{LIST}1/read/").status_code == 401


def test_the_schema_documents_both_endpoints(tmp_path, db):
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    listing = schema["paths"]["/api/v1/notifications/"]["get"]
    read = schema["paths"]["/api/v1/notifications/{id}/read/"]["post"]
    assert (listing["operationId"], read["operationId"]) == ("notifications_list", "notifications_mark_read")
    assert "PaginatedNotificationOutputList" in schema["components"]["schemas"]
    assert "NotificationOutput" in schema["components"]["schemas"]
