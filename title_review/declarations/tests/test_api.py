from title_review.declarations.models import PLEDGE_VERSION, Declaration

from .test_services import _fill, _review_form


def test_declare_save_and_submit_through_the_api(login, users, open_round):
    client = login("applicant")
    response = client.post(
        "/api/v1/declarations/",
        {"round": open_round.pk, "pledge_version": PLEDGE_VERSION},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    again = client.post(
        "/api/v1/declarations/",
        {"round": open_round.pk, "pledge_version": PLEDGE_VERSION},
        content_type="application/json",
    )
    assert again.status_code == 400 and "已在该评审活动中申报" in again.json()["message"]
    bad = client.put(
        f"/api/v1/declarations/{body['id']}/",
        {"version": body["version"], "section_data": {"student_satisfaction": "101"}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "section_data"
    stale = client.put(
        f"/api/v1/declarations/{body['id']}/", {"version": body["version"] - 1}, content_type="application/json"
    )
    assert "别处修改" in stale.json()["message"]
    incomplete = client.post(f"/api/v1/declarations/{body['id']}/submit/")
    assert incomplete.status_code == 400 and "材料尚不完整" in incomplete.json()["message"]
    declaration = _fill(users, Declaration.objects.get(pk=body["id"]))
    _review_form(users, declaration)
    submitted = client.post(f"/api/v1/declarations/{body['id']}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "with_employer"
    after = client.put(
        f"/api/v1/declarations/{body['id']}/", {"version": submitted.json()["version"]}, content_type="application/json"
    )
    assert after.status_code == 400 and "不能再修改" in after.json()["message"]
    assert login("schooladmin").get(f"/api/v1/declarations/{body['id']}/").status_code == 404
