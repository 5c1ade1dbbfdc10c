from title_review.api.models import ApiToken


def _create(client, org, name="省平台对接"):
    response = client.post("/api/tokens/", {"name": name, "organisation": org.pk})
    return response.context["new_key"]


def test_a_token_reads_only_its_organisations_subtree(login, orgs, client):
    key = _create(login("hzadmin"), orgs["杭州市卫生健康委员会"])
    from django.test import Client

    api = Client()
    data = api.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert {row["name"] for row in data["results"]} == {"杭州市卫生健康委员会", "杭州市第一人民医院"}
    response = api.get(f"/api/v1/organisations/{orgs['杭州市教育局'].pk}/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 404


def test_revoked_and_wrong_tokens_are_refused_in_chinese(login, orgs):
    admin = login("hzadmin")
    key = _create(admin, orgs["杭州市卫生健康委员会"])
    token = ApiToken.objects.get()
    from django.test import Client

    api = Client()
    assert api.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert api.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}x").json()["message"] == "令牌无效。"
    admin.post(f"/api/tokens/{token.pk}/revoke/")
    response = api.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and response.json()["message"] == "令牌已吊销。"
    assert "Token" in response["WWW-Authenticate"]


def test_only_a_hash_of_the_key_is_stored_and_creation_is_audited(login, orgs):
    from title_review.audit.models import AuditEvent

    key = _create(login("hzadmin"), orgs["杭州市卫生健康委员会"])
    token = ApiToken.objects.get()
    assert key not in token.key_hash and key.split(".")[1] not in str(token.__dict__)
    assert AuditEvent.objects.filter(action="token.create").exists()


def test_tokens_outside_the_scope_cannot_be_made_or_revoked(login, orgs):
    key_owner = login("hzadmin")
    _create(key_owner, orgs["杭州市卫生健康委员会"])
    token = ApiToken.objects.get()
    other = login("jyjadmin")
    response = other.post("/api/tokens/", {"name": "越权", "organisation": orgs["杭州市卫生健康委员会"].pk})
    assert "organisation" in response.context["form"].errors
    assert other.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_schema_documents_token_authentication(login, seeded):
    response = login("hzadmin").get("/api/schema/", HTTP_ACCEPT="application/json")
    schema = response.json() if response["Content-Type"].startswith("application/json") else None
    text = response.content.decode()
    assert "integrationToken" in text
    if schema:
        assert schema["components"]["securitySchemes"]["integrationToken"]["in"] == "header"


def test_openapi_schema_builds_without_warnings(tmp_path, db):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    assert "/api/v1/accounts/register/" in text and "/api/v1/rounds/" in text
