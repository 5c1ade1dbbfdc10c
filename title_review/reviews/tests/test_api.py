"""The review chain through the API: the same services, refusals as 400 with a code, outsiders get 404."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from title_review.declarations.workflow import Status
from title_review.reviews import services

from .conftest import submit_for
from .test_chain import OPINION, _refresh, forward, to_ready

BASE = "/api/v1/reviews"


@pytest.fixture
def api(users):
    """An API client signed in as a demo account: api("zsadmin")."""

    def _client(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=users[username])
        return client

    return _client


def _post(client, url, body):
    return client.post(url, body, format="json")


def test_the_whole_chain_through_the_api(api, users, submitted, monkeypatch):
    school = api("schooladmin")
    d = submitted
    response = _post(school, f"{BASE}/declarations/{d.pk}/employer-pass/", {"version": d.version, "opinion": OPINION})
    assert response.status_code == 200, response.content
    state = response.json()
    assert state["status"] == Status.EMPLOYER_PASSED and state["version"] == d.version + 1

    response = _post(
        school,
        f"{BASE}/employer/publicity/",
        {"declaration_ids": [d.pk], "starts_on": "2026-09-30", "place": "公告栏", "contact": "0571-88888888"},
    )
    assert response.status_code == 201, response.content
    publicity = response.json()
    assert (publicity["starts_on"], publicity["ends_on"], publicity["working_days"]) == ("2026-09-30", "2026-10-12", 5)
    assert publicity["declarations"] == [d.pk]

    d = _refresh(d)
    items = [{"id": d.pk, "version": d.version}]
    monkeypatch.setattr(services.desk, "today", lambda: dt.date(2026, 10, 12))
    early = _post(
        school, f"{BASE}/employer/forward/", {"items": items, "operator_name": "卫学校", "operator_phone": "1"}
    )
    assert early.status_code == 400 and early.json()["code"] == "publicity_running"
    monkeypatch.setattr(services.desk, "today", lambda: dt.date(2026, 10, 13))
    response = _post(
        school,
        f"{BASE}/employer/forward/",
        {"items": items, "operator_name": "卫学校", "operator_phone": "0571-88888888"},
    )
    assert response.status_code == 200, response.content
    [state] = response.json()
    assert state["status"] == Status.IN_REVIEW and state["desk_name"] == "杭州市教育局直属学校管理中心"

    for reviewer, desk_after in (
        ("zsadmin", "杭州市教育局"),
        ("jyjadmin", "杭州市职称工作领导小组办公室"),
    ):
        client = api(reviewer)
        inbox = client.get(f"{BASE}/inbox/").json()
        [row] = [r for r in inbox["results"] if r["id"] == d.pk]
        assert row["applicant_name"] == "朱老师" and row["employer_name"] == "杭州第二中学"
        response = _post(client, f"{BASE}/declarations/{d.pk}/pass/", {"version": row["version"]})
        assert response.status_code == 200, response.content
        assert response.json()["desk_name"] == desk_after
    assert response.json()["status"] == Status.QUALIFICATION_CHECK

    office = api("hzcheck")
    inbox = office.get(f"{BASE}/inbox/", {"status": Status.QUALIFICATION_CHECK, "round": d.round_id}).json()
    version = next(r["version"] for r in inbox["results"] if r["id"] == d.pk)
    early = _post(office, f"{BASE}/declarations/{d.pk}/accept/", {"version": version})
    assert early.status_code == 400 and early.json()["code"] == "unchecked"
    items = office.get(f"{BASE}/declarations/{d.pk}/check-items/").json()
    assert items and all(i["result"] is None for i in items)
    assert any(i["label"].startswith("附件：") for i in items)
    for item in items:
        response = _post(office, f"{BASE}/declarations/{d.pk}/check-items/", {"key": item["key"], "verified": True})
        assert response.status_code == 200 and response.json()["result"] == "verified"
    assert {i["result"] for i in office.get(f"{BASE}/declarations/{d.pk}/check-items/").json()} == {"verified"}
    response = _post(office, f"{BASE}/declarations/{d.pk}/accept/", {"version": version})
    assert response.status_code == 200, response.content
    accepted = response.json()
    assert accepted["status"] == Status.ACCEPTED and accepted["desk_name"] == "杭州市职称工作领导小组办公室"

    detail = api("teacher").get(f"{BASE}/declarations/{d.pk}/").json()
    assert detail["status"] == Status.ACCEPTED and detail["snapshot_hash"] == _refresh(d).snapshot_hash
    assert detail["snapshot"]["attachments"]
    assert [r["action"] for r in detail["records"]] == [
        "submit",
        "pass_employer",
        "publicise",
        "end_publicity",
        "forward",
        "pass",
        "pass_to_office",
        "accept",
    ]
    accepted = detail["records"][-1]
    assert accepted["level"] == "职改办" and accepted["organisation"] == "杭州市职称工作领导小组办公室"
    assert accepted["actor_name"] == "孙经办" and accepted["action_label"] == "受理"
    assert (accepted["from_status"], accepted["to_status"]) == (Status.QUALIFICATION_CHECK, Status.ACCEPTED)


def test_a_skipped_level_is_refused_and_nothing_changes(api, users, submitted):
    d = forward(users, to_ready(users, submitted))
    records = d.records.count()
    response = _post(api("jyjadmin"), f"{BASE}/declarations/{d.pk}/pass/", {"version": d.version})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_at_desk"
    assert "不在您的审核环节" in body["message"] and "杭州市教育局直属学校管理中心" in body["message"]
    after = _refresh(d)
    assert (after.status, after.current_org_id, after.version) == (d.status, d.current_org_id, d.version)
    assert after.records.count() == records
    # Level 2 has nothing in its inbox until level 1 passes it.
    assert d.pk not in [r["id"] for r in api("jyjadmin").get(f"{BASE}/inbox/").json()["results"]]


def test_a_stale_version_is_refused(api, users, submitted):
    d = forward(users, to_ready(users, submitted))
    client = api("zsadmin")
    assert _post(client, f"{BASE}/declarations/{d.pk}/pass/", {"version": d.version}).status_code == 200
    response = _post(client, f"{BASE}/declarations/{d.pk}/pass/", {"version": d.version})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "stale" and "已被他人处理" in body["message"] and body["field"] == "version"
    assert _refresh(d).records.filter(action="pass").count() == 1
    # A batch with one stale row passes none of it.
    d = _refresh(d)
    stale = _post(api("jyjadmin"), f"{BASE}/batch-pass/", {"items": [{"id": d.pk, "version": d.version - 1}]})
    assert stale.status_code == 400 and stale.json()["code"] == "stale"
    assert _refresh(d).current_org.name == "杭州市教育局"
    passed = _post(api("jyjadmin"), f"{BASE}/batch-pass/", {"items": [{"id": d.pk, "version": d.version}]})
    assert passed.status_code == 200 and passed.json() == {"passed": 1}
    assert _refresh(d).status == Status.QUALIFICATION_CHECK


def test_a_return_needs_a_reason(api, users, submitted):
    d = forward(users, to_ready(users, submitted))
    client = api("zsadmin")
    for body in ({"version": d.version}, {"version": d.version, "reason": "  ", "sections": ["年度考核"]}):
        response = _post(client, f"{BASE}/declarations/{d.pk}/return/", body)
        assert response.status_code == 400
        assert response.json() == {"code": "reason_required", "message": "请填写退回理由。", "field": "reason"}
    assert _refresh(d).status == Status.IN_REVIEW
    unknown = _post(
        client, f"{BASE}/declarations/{d.pk}/return/", {"version": d.version, "reason": "x", "sections": ["照片"]}
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "sections"
    response = _post(
        client,
        f"{BASE}/declarations/{d.pk}/return/",
        {"version": d.version, "reason": "年度考核表缺少盖章", "sections": ["年度考核"]},
    )
    assert response.status_code == 200 and response.json()["status"] == Status.RETURNED
    record = api("schooladmin").get(f"{BASE}/declarations/{d.pk}/").json()["records"][-1]
    assert (record["level"], record["organisation"], record["reason"], record["sections"]) == (
        "主管部门",
        "杭州市教育局直属学校管理中心",
        "年度考核表缺少盖章",
        ["年度考核"],
    )


def test_a_foreign_department_gets_404(api, users, submitted):
    d = forward(users, to_ready(users, submitted))
    foreign = api("wjwreview")
    assert foreign.get(f"{BASE}/declarations/{d.pk}/").status_code == 404
    assert foreign.get(f"{BASE}/declarations/{d.pk}/check-items/").status_code == 404
    response = _post(foreign, f"{BASE}/declarations/{d.pk}/pass/", {"version": d.version})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = _post(foreign, f"{BASE}/declarations/{d.pk}/return/", {"version": d.version, "reason": "越权"})
    assert response.status_code == 404
    assert d.pk not in [r["id"] for r in foreign.get(f"{BASE}/inbox/").json()["results"]]
    # Another employer, and the applicant, cannot decide either.
    body = {"items": [{"id": d.pk, "version": d.version}], "operator_name": "褚医院", "operator_phone": "1"}
    # An id in the body is input: one the caller cannot see is refused as 400 naming the field, the same
    # answer as for an id that does not exist (no hint that it does). An id in the URL answers 404.
    refused = _post(api("hospitaladmin"), f"{BASE}/employer/forward/", body)
    assert refused.status_code == 400 and refused.json()["field"] == "items"
    missing = _post(api("hospitaladmin"), f"{BASE}/employer/forward/", {**body, "items": [{"id": 10**9, "version": 1}]})
    assert missing.json() == refused.json()
    assert _post(api("teacher"), f"{BASE}/declarations/{d.pk}/pass/", {"version": d.version}).status_code == 404
    assert api("teacher").get(f"{BASE}/inbox/").status_code == 403
    assert _refresh(d).version == d.version


def test_employer_return_opinions_and_objections_through_the_api(api, users, orgs, submitted):
    school = api("schooladmin")
    services.set_required_slots(
        actor=users["schooladmin"], employer_id=orgs["杭州第二中学"].pk, slots=["opinion_ethics"]
    )
    missing = _post(
        school, f"{BASE}/declarations/{submitted.pk}/employer-pass/", {"version": submitted.version, "opinion": OPINION}
    )
    assert missing.status_code == 400 and missing.json()["code"] == "opinions_missing"
    assert "师德" in missing.json()["message"]
    response = _post(
        school,
        f"{BASE}/declarations/{submitted.pk}/opinion/",
        {"slot": "opinion_ethics", "agrees": True, "opinion": "师德良好"},
    )
    assert response.status_code == 200 and response.json()["slot_label"] == "师德"
    no_opinion = _post(school, f"{BASE}/declarations/{submitted.pk}/employer-pass/", {"version": submitted.version})
    assert no_opinion.status_code == 400 and no_opinion.json()["field"] == "opinion"
    d = to_ready(users, _refresh(submitted))

    objection = _post(
        school,
        f"{BASE}/employer/objections/",
        {"declaration": d.pk, "received_on": "2026-10-09", "content": "论文存疑", "raised_by": ""},
    )
    assert objection.status_code == 201 and objection.json()["status"] == "open"
    blocked = _post(
        school,
        f"{BASE}/employer/forward/",
        {"items": [{"id": d.pk, "version": d.version}], "operator_name": "卫学校", "operator_phone": "0571-88888888"},
    )
    assert blocked.status_code == 400 and blocked.json()["code"] == "objection_open"
    handle = f"{BASE}/employer/objections/{objection.json()['id']}/handle/"
    no_handling = _post(school, handle, {"upheld": False})
    assert no_handling.status_code == 400 and no_handling.json()["field"] == "handling"
    assert _post(api("hospitaladmin"), handle, {"upheld": True, "handling": "越权"}).status_code == 404
    handled = _post(school, handle, {"upheld": False, "handling": "经核实，论文真实"})
    assert handled.status_code == 200 and handled.json()["status"] == "dismissed"
    again = _post(school, handle, {"upheld": True, "handling": "已处理过"})
    assert again.status_code == 400 and again.json()["code"] == "stale"
    forwarded = _post(
        school,
        f"{BASE}/employer/forward/",
        {"items": [{"id": d.pk, "version": d.version}], "operator_name": "卫学校", "operator_phone": "0571-88888888"},
    )
    assert forwarded.status_code == 200 and forwarded.json()[0]["status"] == Status.IN_REVIEW

    # Another employer's declaration, returned by that employer.
    hospital = submit_for(users["applicant"], submitted.round)
    response = _post(
        api("hospitaladmin"),
        f"{BASE}/declarations/{hospital.pk}/employer-return/",
        {"version": hospital.version, "reason": "证件照不清晰", "sections": ["附件"]},
    )
    assert response.status_code == 200 and response.json()["status"] == Status.RETURNED
    assert _refresh(hospital).records.order_by("-pk").first().sections == ["附件"]


def test_the_title_office_rejects_with_a_basis(api, users, submitted):
    d = forward(users, to_ready(users, submitted))
    for reviewer in ("zsadmin", "jyjadmin"):
        d = _refresh(d)
        services.department_pass(actor=users[reviewer], declaration_id=d.pk, version=d.version)
    d = _refresh(d)
    office = api("hzcheck")
    no_basis = _post(office, f"{BASE}/declarations/{d.pk}/reject/", {"version": d.version, "reason": "学历不符"})
    assert no_basis.status_code == 400 and no_basis.json()["field"] == "basis"
    unknown = _post(office, f"{BASE}/declarations/{d.pk}/check-items/", {"key": "attachment.0", "verified": True})
    assert unknown.status_code == 400 and unknown.json()["field"] == "key"
    response = _post(
        office,
        f"{BASE}/declarations/{d.pk}/reject/",
        {"version": d.version, "reason": "学历不符", "basis": "人社部发〔2019〕16号"},
    )
    assert response.status_code == 200 and response.json()["status"] == Status.REJECTED
    assert "人社部发〔2019〕16号" in _refresh(d).records.order_by("-pk").first().reason


def test_the_schema_documents_the_review_endpoints(tmp_path, db):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/reviews/inbox/",
        "/api/v1/reviews/declarations/{id}/pass/",
        "/api/v1/reviews/employer/forward/",
    ):
        assert path in text
