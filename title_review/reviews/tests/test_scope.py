"""Role × endpoint matrix for a forwarded declaration: the chain above it sees it, nobody else learns it exists."""

import pytest

from title_review.demo.data import ACCOUNTS

from .test_chain import forward, to_ready

SEES = {"teacher", "schooladmin", "zsadmin", "jyjadmin", "hzadmin", "hzcheck", "hzreturn", "zjadmin"}
ENDPOINTS = ["/reviews/track/{pk}/", "/reviews/track/{pk}/print/", "/api/v1/reviews/declarations/{pk}/"]


@pytest.mark.parametrize("persona", sorted(account[0] for account in ACCOUNTS))
def test_a_forwarded_declaration_is_seen_only_along_its_chain(persona, users, login, submitted):
    d = forward(users, to_ready(users, submitted))
    client = login(persona)
    records = d.records.count()
    for template in ENDPOINTS:
        url = template.format(pk=d.pk)
        status = client.get(url).status_code
        if persona in SEES:
            assert status == 200, (persona, url, status)
        else:
            # The API answers 403 to roles without any review capability, 404 to the rest: never the object.
            expected = (403, 404) if "/api/" in url else (404,)
            assert status in expected, (persona, url, status)
    if persona not in SEES:
        # Deciding from outside: 404, and nothing changes.
        assert client.post(f"/reviews/track/{d.pk}/decide/", {"decision": "pass"}).status_code == 404
        assert d.records.count() == records
