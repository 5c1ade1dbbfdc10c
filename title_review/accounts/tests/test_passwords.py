import pytest

from title_review.accounts.passwords import ComplexityValidator, character_classes, generate_one_time_password
from title_review.accounts.services import change_password
from title_review.core.errors import DomainError


@pytest.mark.parametrize(
    ("password", "ok"),
    [("Abcdefg1", True), ("abcdefg1", False), ("Ab1!", False), ("abcdef1!", True), ("ABCDEFGH", False)],
)
def test_password_needs_eight_characters_from_three_classes(password, ok, db):
    validator = ComplexityValidator()
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(Exception, match="至少 8 位"):
            validator.validate(password)


def test_one_time_passwords_are_strong_and_different(db):
    passwords = {generate_one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 12 and character_classes(p) == 4 for p in passwords)


def test_change_password_checks_the_old_one_and_audits(users):
    from title_review.audit.models import AuditEvent

    user = users["hzadmin"]
    with pytest.raises(DomainError, match="原密码不正确"):
        change_password(user=user, old_password="nope", new_password="New@pass2026")
    change_password(user=user, old_password="Demo@2026", new_password="New@pass2026")
    user.refresh_from_db()
    assert user.check_password("New@pass2026")
    assert AuditEvent.objects.filter(action="account.password_change", actor_id=user.pk).exists()


def test_pages_of_signed_in_users_are_not_cached_and_have_a_csp(login, seeded):
    response = login("hzadmin").get("/")
    assert response["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_logout_is_logged_and_ends_the_session(login, seeded):
    from title_review.audit.models import LoginEvent

    client = login("hzadmin")
    client.post("/accounts/logout/")
    assert LoginEvent.objects.filter(event="logout", username="hzadmin").exists()
    assert client.get("/").status_code == 302


def test_optional_maximum_password_age(login, users):
    from datetime import timedelta

    from django.utils import timezone

    from title_review.system.services import set_policy

    client = login("hzadmin")
    assert client.get("/organisations/").status_code == 200
    set_policy(actor=users["zjadmin"], key="password.max_age_days", raw_value="90")
    from title_review.core.policies import forget_policy

    forget_policy("password.max_age_days")  # on_commit does not run inside the test transaction
    users["hzadmin"].password_changed_at = timezone.now() - timedelta(days=91)
    users["hzadmin"].save(update_fields=["password_changed_at"])
    response = client.get("/organisations/")
    assert response.status_code == 302 and response.url == "/accounts/password/change/"
    assert "超过规定的使用期限" in client.get("/accounts/password/change/").content.decode()
