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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (one per xdist worker), with region codes and the demo tree seeded once.

    The seed is committed; every ordinary test runs in a transaction on top of it and rolls back.
    A copy is kept so that the seed can be put back after a transactional test empties the
    database (see `pytest_runtest_teardown` and tests/demo_seed.py)."""
    from tests import demo_seed

    with django_db_blocker.unblock():
        demo_seed.seed_session()
    yield


@pytest.fixture
def seeded(db):
    """Region codes and the demo tree (the same commands `make run` uses), seeded once per session:
    asking for it only says that the test relies on them."""


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
def pytest_runtest_teardown(item, nextitem):
    """Puts the demo tree back once a test's teardown has emptied the database.

    Transactional tests (live server, threads) commit, so Django flushes every table after them.
    Rather than guess from markers and fixtures which tests those were, one query after each test
    asks whether the seed is still there. After the last test the database is being destroyed."""
    try:
        return (yield)
    finally:
        if nextitem is not None:
            from pytest_django.plugin import blocking_manager_key

            from tests import demo_seed

            with item.config.stash[blocking_manager_key].unblock():
                demo_seed.put_back_if_gone()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI=true a skipped browser test is a failure: CI must prove the pages in a real browser."""
    report = yield
    if os.environ.get("CI") == "true" and report.skipped and item.get_closest_marker("browser") is not None:
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI=true: {report.longrepr}"
    return report
