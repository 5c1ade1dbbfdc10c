"""Personas and helpers shared by every test. Tests read as a spec: given a persona, when it acts,
then a user notices something."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make beside
# it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (policies, throttles, captcha marks live there), and with no code
    tables kept in the process (dictionaries.cached, ADR 0049): a query count does not depend on the order."""
    from django.core.cache import cache

    from title_review.dictionaries import cached

    cache.clear()
    cached.forget()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def production_signing_env(tmp_path_factory) -> dict[str, str]:
    """Environment for a process under the production settings: a test CA's signing key, certificate and
    chain (certificates.E001 refuses to start without them; production has the installation's real ones)."""
    from title_review.certificates.signing import make_test_ca

    files = make_test_ca(tmp_path_factory.mktemp("signing"))
    return {
        "DJANGO_CERTIFICATE_SIGNING_KEY": str(files.key),
        "DJANGO_CERTIFICATE_SIGNING_CERT": str(files.cert),
        "DJANGO_CERTIFICATE_SIGNING_CHAIN": ",".join(str(root) for root in files.trust_roots),
    }


def pytest_configure(config):
    from django.conf import settings

    from tests import schema

    # Kept before pytest-django turns the migrations off (django_db_use_migrations below).
    schema.MIGRATION_MODULES = dict(settings.MIGRATION_MODULES)


@pytest.fixture(scope="session")
def django_db_use_migrations() -> bool:
    """The test databases are built from the models, then completed by tests/schema.py (not migrated: 14 s each)."""
    return False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (one per xdist worker), with region codes and the demo tree seeded once.

    Its tables come from the models, and tests/schema.py adds what the migrations add (tests/test_schema.py
    compares the result with a migrated database).

    The seed is committed; every ordinary test runs in a transaction on top of it and rolls back.
    A copy is kept so that the seed can be put back after a transactional test empties the
    database (see `pytest_runtest_teardown` and tests/demo_seed.py)."""
    from django.db import connection

    from tests import demo_seed, schema

    with django_db_blocker.unblock():
        schema.complete(connection)
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


# The longest tests, measured with --durations (ADR 0022), by module: each group runs before the next
# and before everything else. Under xdist (`--dist worksteal`, see pyproject.toml) a worker that runs
# out of tests takes the end of the other's queue, so with the long ones first each worker ends on short
# tests instead of one worker idling while the other finishes a 20-second browser flow. A module
# missing here (renamed, removed) only runs in its usual place.
RUN_FIRST = (
    # One long flow or fuzz per test: 10-20 s each.
    (
        "tests/browser/test_review_chain.py",
        "tests/browser/test_main_chain.py",
        "tests/browser/test_people_flows.py",
        "tests/browser/test_accounts_flows.py",
        "title_review/api/tests/test_schema_fuzz.py",
    ),
    # Every other browser test (2-8 s each) and the export memory test.
    ("tests/browser/", "title_review/attachments/tests/test_browser.py", "title_review/exports/tests/test_scale.py"),
    # 20 personas x every object URL: 2-5 s each, in one module (its world is built once per worker).
    ("title_review/access/tests/test_object_matrix.py",),
)


def _run_first_rank(item) -> int:
    path = item.nodeid.split("::", 1)[0]
    for rank, prefixes in enumerate(RUN_FIRST):
        if path.startswith(prefixes):
            return rank
    return len(RUN_FIRST)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The longest tests first (RUN_FIRST); otherwise the order stays as collected and as pytest-django
    sorts it. Transactional tests (browser) may run before ordinary ones: the seed is put back after
    any test that emptied the database (`pytest_runtest_teardown`)."""
    items.sort(key=_run_first_rank)


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
