"""The API contract a client relies on: unknown ids name their field, every address answers JSON, and the
schema says what each operation answers (ADR 0020)."""

import datetime as dt
import json

from django.utils import timezone
from rest_framework.test import APIClient

from title_review.dictionaries.models import Entry
from title_review.rounds import services as rounds


def _api(users, username):
    client = APIClient()
    client.force_authenticate(users[username])
    return client


def test_an_unknown_round_is_refused_naming_the_field(users):
    client = _api(users, "applicant")
    missing = client.post("/api/v1/declarations/", {"round": 10**9, "pledge_version": "x"}, format="json")
    assert missing.status_code == 400
    body = missing.json()
    assert body["code"] == "invalid" and body["field"] == "round" and "没有找到该评审活动" in body["message"]
    # Past a 64-bit key, or not a number: still the same field, never a server error.
    for value in (2**70, "第一期"):
        response = client.post("/api/v1/declarations/", {"round": value, "pledge_version": "x"}, format="json")
        assert response.status_code == 400 and response.json()["field"] == "round"


def test_a_round_the_caller_cannot_see_answers_like_one_that_does_not_exist(users, orgs):
    hz = orgs["杭州市职称工作领导小组办公室"]
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name="中级").values_list("code", flat=True))
    committee = rounds.create_committee(
        actor=users["hzadmin"], host=hz, name="杭州市中小学教师评委会", series=series, levels=levels, specialties=[]
    )
    now = timezone.now()
    hidden = rounds.create_round(  # a draft: seen by its managers only
        actor=users["hzadmin"],
        publisher=hz,
        title="草稿评审活动",
        year=2026,
        kind="review",
        series=series,
        committee=committee,
        opens_at=now,
        closes_at=now + dt.timedelta(days=30),
    )
    client = _api(users, "applicant")
    seen = client.post("/api/v1/declarations/", {"round": hidden.pk, "pledge_version": "x"}, format="json")
    missing = client.post("/api/v1/declarations/", {"round": 10**9, "pledge_version": "x"}, format="json")
    assert seen.status_code == missing.status_code == 400
    assert seen.json() == missing.json()


def test_unknown_declarations_in_a_batch_name_the_field(users):
    response = _api(users, "zsadmin").post(
        "/api/v1/reviews/batch-pass/", {"items": [{"id": 10**9, "version": 1}]}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "items"


def test_every_api_address_answers_json(users):
    client = _api(users, "applicant")
    for url in ("/api/v1/declarations/99999999999999999999999/", "/api/v1/declarations/abc/", "/api/v1/nothing/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json" and response.json()["code"] == "not_found"
    assert APIClient().get("/api/v1/nothing/").status_code == 401


def test_the_schema_documents_pages_and_errors(users):
    schema = json.loads(_api(users, "hzadmin").get("/api/schema/?format=json").content)
    rounds = schema["paths"]["/api/v1/rounds/"]["get"]
    page = rounds["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"count", "next", "previous", "results"} <= set(schema["components"]["schemas"][page]["properties"])
    assert {"200", "401", "403", "404", "429"} <= set(rounds["responses"])
    organisations = schema["paths"]["/api/v1/organisations/"]["get"]["responses"]["200"]
    assert "Paginated" in organisations["content"]["application/json"]["schema"]["$ref"]
    reject = schema["paths"]["/api/v1/reviews/declarations/{id}/reject/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "415", "429"} == set(reject)
    assert reject["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOutput")
    register = schema["paths"]["/api/v1/accounts/register/"]["post"]["responses"]
    assert {"201", "400", "415", "429"} == set(register)  # public: no 401 or 403
