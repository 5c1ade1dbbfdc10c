"""单位基本信息 and 更名记录 through the API: the same services, errors as JSON with a Chinese message and field."""

import pytest

from title_review.audit.models import AuditEvent
from title_review.core.models import PolicySetting
from title_review.organisations.models import NameChangeStatus, OrganisationNameChange

HOSPITAL = "杭州市第一人民医院"
NEW_NAME = "杭州市第一人民医院集团"

BASIC = {
    "legal_representative": "褚院长",
    "nature": "20",
    "industry": "Q",
    "region": "330102",
    "address": "上城区浣纱路 261 号",
    "contact_person": "褚医院",
    "contact_phone": "0571-56006000",
    "email": "hr@hospital.example.cn",
}


@pytest.fixture
def hospital(orgs):
    return orgs[HOSPITAL]


@pytest.fixture
def approval_on(db):
    PolicySetting.objects.create(key="employer.rename_needs_approval", value=True)


def _put(client, url, body):
    return client.put(url, body, content_type="application/json")


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_unit_reads_and_updates_its_basic_information(login, hospital):
    client = login("hospitaladmin")
    body = client.get("/api/v1/employer/info/").json()
    assert body["name"] == HOSPITAL and body["parent_name"] == "杭州市卫生健康委员会"
    assert body["rename_needs_approval"] is False and body["pending_name_change"] is None
    response = _put(client, "/api/v1/employer/info/", BASIC)
    assert response.status_code == 200, response.content
    assert response.json()["legal_representative"] == "褚院长" and response.json()["industry"] == "Q"
    assert AuditEvent.objects.filter(action="employer.change", organisation_id=hospital.pk).exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"nature": "99"}, "domain_error", "nature"),
        ({"legal_representative": "  "}, "invalid", "legal_representative"),
        ({"email": "nope"}, "invalid", "email"),
    ],
)
def test_bad_basic_information_through_the_api(login, hospital, overrides, code, field):
    response = _put(login("hospitaladmin"), "/api/v1/employer/info/", {**BASIC, **overrides})
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["field"] == field
    assert not AuditEvent.objects.filter(action="employer.change").exists()


def test_only_a_units_administrator_reaches_the_units_information(login, users):
    assert login("wjwadmin").get("/api/v1/employer/info/").status_code == 403
    assert _post(login("applicant"), "/api/v1/employer/rename/", {"new_name": NEW_NAME}).status_code == 403


def test_rename_through_the_api_and_list_the_records(login, hospital):
    client = login("hospitaladmin")
    response = _post(client, "/api/v1/employer/rename/", {"new_name": NEW_NAME, "reason": "集团化改革"})
    assert response.status_code == 201, response.content
    record = response.json()
    assert (record["old_name"], record["new_name"], record["status"]) == (HOSPITAL, NEW_NAME, "applied")
    assert record["requested_by"] == "褚医院" and record["decided_by"] is None

    listing = client.get("/api/v1/name-changes/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == record["id"]
    # The levels above list it too; another department does not.
    assert login("hzadmin").get("/api/v1/name-changes/", {"organisation": hospital.pk}).json()["count"] == 1
    assert login("jyjadmin").get("/api/v1/name-changes/").json()["count"] == 0
    # The old name still finds the unit in the organisations list.
    found = login("hzadmin").get("/api/v1/organisations/", {"q": HOSPITAL}).json()["results"]
    assert [o["name"] for o in found] == [NEW_NAME]


@pytest.mark.parametrize(
    ("new_name", "code"),
    [("", "name_required"), ("   ", "name_required"), (HOSPITAL, "same_name")],
)
def test_bad_renames_through_the_api(login, hospital, new_name, code):
    response = _post(login("hospitaladmin"), "/api/v1/employer/rename/", {"new_name": new_name})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["field"] == "new_name" and body["message"]
    assert not OrganisationNameChange.objects.exists()


def test_the_parent_approves_and_refuses_through_the_api(login, hospital, approval_on):
    unit = login("hospitaladmin")
    first = _post(unit, "/api/v1/employer/rename/", {"new_name": NEW_NAME}).json()
    assert first["status"] == "pending"
    assert unit.get("/api/v1/employer/info/").json()["pending_name_change"]["id"] == first["id"]
    again = _post(unit, "/api/v1/employer/rename/", {"new_name": "又一个名称"})
    assert again.status_code == 400 and again.json()["code"] == "rename_pending"

    parent = login("wjwadmin")
    assert [c["id"] for c in parent.get("/api/v1/name-changes/", {"to_decide": "true"}).json()["results"]] == [
        first["id"]
    ]
    refused = _post(parent, f"/api/v1/name-changes/{first['id']}/refuse/", {"reason": ""})
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    refused = _post(parent, f"/api/v1/name-changes/{first['id']}/refuse/", {"reason": "与营业执照名称不符"})
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert refused.json()["decision_reason"] == "与营业执照名称不符"

    second = _post(login("hospitaladmin"), "/api/v1/employer/rename/", {"new_name": NEW_NAME}).json()
    approved = _post(login("wjwadmin"), f"/api/v1/name-changes/{second['id']}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "applied"
    assert approved.json()["decided_by"] == "郑卫健"
    hospital.refresh_from_db()
    assert hospital.name == NEW_NAME
    late = _post(login("wjwadmin"), f"/api/v1/name-changes/{second['id']}/approve/")
    assert late.status_code == 409 and late.json()["code"] == "stale"


def test_outsiders_cannot_decide_through_the_api(login, users, hospital, approval_on):
    change = _post(login("hospitaladmin"), "/api/v1/employer/rename/", {"new_name": NEW_NAME}).json()
    url = f"/api/v1/name-changes/{change['id']}/approve/"
    assert _post(login("jyjadmin"), url).status_code == 404  # does not see the unit
    above = _post(login("hzadmin"), url)
    assert above.status_code == 403 and "只有该单位的归口部门" in above.json()["message"]
    assert _post(login("hospitaladmin"), url).status_code == 403  # the unit sees its request, cannot approve it
    assert _post(login("wjwadmin"), f"/api/v1/name-changes/{change['id']}/withdraw/").status_code == 404
    assert OrganisationNameChange.objects.get(pk=change["id"]).status == NameChangeStatus.PENDING
    withdrawn = _post(login("hospitaladmin"), f"/api/v1/name-changes/{change['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
