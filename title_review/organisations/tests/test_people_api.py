"""The people API: the same services and rules as the pages."""

import pytest

from title_review.accounts.models import User
from title_review.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_office_adds_a_reviewer_and_ticks_roles_over_the_api(login, users):
    client = login("hzadmin")
    response = client.post(
        "/api/v1/people/",
        {"username": "hzapi1", "real_name": "接口经办", "roles": ["qualification_reviewer"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["roles"] == ["qualification_reviewer"] and len(body["one_time_password"]) >= 8
    listed = {p["username"] for p in client.get("/api/v1/people/").json()}
    assert {"hzadmin", "hzcheck", "hzapi1"} <= listed and "wjwadmin" not in listed
    changed = client.patch(
        f"/api/v1/people/{body['id']}/",
        {"roles": ["qualification_reviewer", "return_reviewer"]},
        content_type="application/json",
    )
    assert changed.json()["roles"] == ["qualification_reviewer", "return_reviewer"]
    refused = client.patch(
        f"/api/v1/people/{body['id']}/", {"roles": ["employer_admin"]}, content_type="application/json"
    )
    assert refused.status_code == 400
    grants = AuditEvent.objects.filter(object_id=str(body["id"]), action="account.grant").count()
    assert grants == 2


def test_bad_people_requests_are_refused_in_chinese_and_change_nothing(login, users):
    client = login("hzadmin")
    me = users["hzadmin"].pk
    response = client.post(f"/api/v1/people/{me}/", {"action": "disable"}, content_type="application/json")
    assert response.status_code == 400 and "不能停用自己" in response.json()["message"]
    duplicate = client.post(
        "/api/v1/people/",
        {"username": "hzcheck", "real_name": "重复", "roles": ["publisher"]},
        content_type="application/json",
    )
    assert duplicate.status_code == 400 and "已被使用" in duplicate.json()["message"]
    # Another organisation's person: not found, as for an id that does not exist.
    other = client.post(
        f"/api/v1/people/{users['wjwreview'].pk}/", {"action": "reset_password"}, content_type="application/json"
    )
    assert other.status_code == 404
    assert User.objects.get(pk=users["wjwreview"].pk).check_password("Demo@2026")


def test_child_administrators_and_unit_resets_over_the_api(login, users):
    client = login("hzadmin")
    wjwadmin = users["wjwadmin"]
    reset = client.post(
        f"/api/v1/people/{wjwadmin.pk}/child-admin/", {"action": "reset_password"}, content_type="application/json"
    )
    assert reset.status_code == 200 and User.objects.get(pk=wjwadmin.pk).check_password(
        reset.json()["one_time_password"]
    )
    unit = client.post(f"/api/v1/people/{users['hospitaladmin'].pk}/reset-employer/")
    assert unit.status_code == 200
    recreated = client.post(
        f"/api/v1/organisations/{wjwadmin.organisation_id}/admin/",
        {"username": "wjwapi2", "real_name": "新卫健"},
        content_type="application/json",
    )
    assert recreated.status_code == 201 and recreated.json()["roles"] == ["department_admin"]
    assert login("wjwreview").post(f"/api/v1/people/{users['hospitaladmin'].pk}/reset-employer/").status_code in (
        403,
        404,
    )


def test_a_unit_batches_filing_accounts_over_the_api(login, users):
    client = login("hospitaladmin")
    response = client.post(
        "/api/v1/employer/filing-accounts/", {"count": 3, "permissions": ["declare"]}, content_type="application/json"
    )
    assert response.status_code == 201 and [a["username"] for a in response.json()] == [
        f"hospitaladmin{i}" for i in range(1, 4)
    ]
    too_many = client.post(
        "/api/v1/employer/filing-accounts/", {"count": 201, "permissions": ["declare"]}, content_type="application/json"
    )
    assert too_many.status_code == 400 and too_many.json().get("field") == "count"
    first = response.json()[0]["id"]
    disabled = client.post(
        f"/api/v1/employer/filing-accounts/{first}/", {"action": "disable"}, content_type="application/json"
    )
    assert disabled.json()["is_active"] is False
    assert login("schooladmin").delete(f"/api/v1/employer/filing-accounts/{first}/").status_code == 404
    client = login("hospitaladmin")
    assert client.delete(f"/api/v1/employer/filing-accounts/{first}/").status_code == 204
