"""Password hashing: argon2id at OWASP's minimum parameters; older argon2 hashes upgrade at sign-in."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher
from django.test import override_settings

from title_review.accounts.hashers import SurgeArgon2PasswordHasher
from title_review.accounts.models import User

pytestmark = pytest.mark.django_db

HASHERS = ["title_review.accounts.hashers.SurgeArgon2PasswordHasher"]


def _params(encoded: str) -> dict:
    return SurgeArgon2PasswordHasher().decode(encoded)


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_new_passwords_use_owasp_minimum_argon2id(users):
    user = users["hzadmin"]
    user.set_password("Demo@2026")
    user.save()
    params = _params(user.password)
    assert params["algorithm"] == "argon2"
    assert (params["memory_cost"], params["time_cost"], params["parallelism"]) == (19 * 1024, 2, 1)
    assert "argon2id" in user.password


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_a_hash_with_djangos_heavier_defaults_is_rehashed_at_sign_in(client, users):
    user = users["hzadmin"]
    old = Argon2PasswordHasher().encode("Demo@2026", Argon2PasswordHasher().salt())
    User.objects.filter(pk=user.pk).update(password=old)
    assert _params(old)["memory_cost"] == Argon2PasswordHasher.memory_cost
    assert client.login(username="hzadmin", password="Demo@2026")
    upgraded = User.objects.get(pk=user.pk).password
    assert upgraded != old and _params(upgraded)["memory_cost"] == 19 * 1024
    assert isinstance(identify_hasher(upgraded), SurgeArgon2PasswordHasher)
