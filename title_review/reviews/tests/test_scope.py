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


def test_levels_above_see_returns_from_above_but_not_the_employers_own(users, login, submitted):
    from title_review.reviews import services

    school_return = services.employer_return(
        actor=users["schooladmin"], declaration_id=submitted.pk, version=submitted.version, reason="请补充论文"
    )
    assert login("jyjadmin").get(f"/reviews/track/{school_return.pk}/").status_code == 404
    assert login("schooladmin").get(f"/reviews/track/{school_return.pk}/").status_code == 200

    from title_review.declarations import services as declarations

    declarations.submit_declaration(actor=users["teacher"], declaration_id=submitted.pk)
    from title_review.declarations.models import Declaration

    d = forward(users, to_ready(users, Declaration.objects.get(pk=submitted.pk)))
    services.return_declaration(actor=users["zsadmin"], declaration_id=d.pk, version=d.version, reason="学历证书不清晰")
    assert login("jyjadmin").get(f"/reviews/track/{d.pk}/").status_code == 200
