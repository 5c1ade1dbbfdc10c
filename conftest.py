"""Personas and helpers shared by every test. Tests read as a spec: given a persona, when it acts,
then a user notices something."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make beside
# it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (policies, throttles, captcha marks live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(db):
    """Region codes and the demo tree (the same command `make run` uses)."""
    from django.core.management import call_command

    call_command("load_dictionaries", stdout=open(os.devnull, "w"))  # noqa: SIM115 — discarded output
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 — discarded output


@pytest.fixture
def orgs(seeded):
    from title_review.organisations.models import Organisation

    return {o.name: o for o in Organisation.objects.all()}


@pytest.fixture
def users(seeded):
    from title_review.accounts.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def login(client):
    """Sign a demo account in on the test client: login("hzadmin")."""
    from title_review.accounts.models import User

    def _login(username: str):
        user = User.objects.get(username=username)
        client.force_login(user)
        return client

    return _login


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI=true a skipped browser test is a failure: CI must prove the pages in a real browser."""
    report = yield
    if os.environ.get("CI") == "true" and report.skipped and item.get_closest_marker("browser") is not None:
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI=true: {report.longrepr}"
    return report
