"""The session's demo tree survives the tests that empty the database (tests/demo_seed.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from title_review.accounts.models import User
from title_review.dictionaries.models import Entry
from title_review.organisations.models import Organisation
from title_review.organisations.services import add_child

from . import demo_seed


def _contents():
    return {
        "users": sorted(User.objects.values_list("pk", "username", "password")),
        "organisations": sorted(Organisation.objects.values_list("pk", "path", "name")),
        "entries": Entry.objects.count(),
        # The ids of content types matter: audit rows and permissions refer to them.
        "content_types": sorted(ContentType.objects.values_list("pk", "app_label", "model")),
        "permissions": Permission.objects.count(),
    }


def test_ordinary_tests_see_the_demo_tree_and_leave_it_unchanged(seeded, orgs):
    add_child(
        parent=orgs["杭州市教育局"], name="只在本测试中的学校", kind="employer", region=orgs["杭州市教育局"].region
    )
    assert Organisation.objects.filter(name="只在本测试中的学校").exists()
    assert User.objects.filter(username="hzadmin").exists()


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_copy_comes_back_exactly():
    before = _contents()
    assert before["users"] and before["entries"]
    assert not Organisation.objects.filter(name="只在本测试中的学校").exists(), "the previous test rolled back"

    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists()

    demo_seed.restore(demo_seed.session_snapshot())
    assert _contents() == before
    assert ContentType.objects.get_for_model(User).model_class() is User


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_commits(orgs):
    add_child(parent=orgs["杭州市教育局"], name="提交后的学校", kind="employer", region=orgs["杭州市教育局"].region)


@pytest.mark.django_db(transaction=True)
def test_and_the_next_test_finds_the_seed_without_what_it_committed():
    # Runs after the test above (pytest-django keeps the file order among transactional tests).
    assert User.objects.filter(username="hzadmin").exists()
    assert not Organisation.objects.filter(name="提交后的学校").exists()
