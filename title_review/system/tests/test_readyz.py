"""/readyz: 200 with database, cache and storage answering; 503 naming the one that failed, no details."""

import json

from django.test import override_settings

REDIS_DOWN = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def test_ready_when_everything_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"database": "ok", "cache": "ok", "storage": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_not_ready_names_the_cache_without_a_stack_trace(client, db):
    with override_settings(CACHES=REDIS_DOWN):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "ok", "cache": "failed", "storage": "ok"}
    assert b"Error" not in response.content and b"127.0.0.1" not in response.content


def test_not_ready_names_the_storage(client, db, monkeypatch):
    from django.core.files.storage import default_storage

    def broken(name):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(default_storage, "exists", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["storage"] == "failed"
    assert b"bucket" not in response.content


def test_not_ready_names_the_database(client, db, monkeypatch):
    from title_review.system import health

    def broken():
        raise RuntimeError("database down")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "failed", "cache": "ok", "storage": "ok"}


def test_readyz_is_public(client, db):
    assert client.get("/readyz").status_code == 200  # anonymous, no redirect to the login page
