import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from title_review.accounts.passwords import (
    ComplexityValidator,
    PasswordRule,
    generate_one_time_password,
    is_symbol,
    password_help_text,
    problems,
)
from title_review.accounts.services import change_password
from title_review.core.errors import DomainError
from title_review.core.models import PolicySetting
from title_review.core.policies import forget_policy


@pytest.fixture
def policy(db):
    """Set password policies as 参数设置 would store them (the cache forgotten, as on commit)."""

    def _set(**values):
        for name, value in values.items():
            key = f"password.{name}"
            PolicySetting.objects.update_or_create(key=key, defaults={"value": value})
            forget_policy(key)

    return _set


def _refusal(password: str) -> str:
    with pytest.raises(ValidationError) as caught:
        ComplexityValidator().validate(password)
    return caught.value.messages[0]


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("Abcdefg1", "当前缺少：特殊字符。"),  # the old rule's 3 of 4 classes let this through
        ("12345678!", "当前缺少：字母。"),
        ("abcdefgh!", "当前缺少：数字。"),
        ("abcdefgh", "当前缺少：数字、特殊字符。"),
        ("Ab1!", "当前长度只有 4 位。"),
        ("ab!", "当前长度只有 3 位，缺少：数字。"),
        ("密码密码密码12!", "当前缺少：字母。"),  # Chinese characters are not letters
    ],
)
def test_by_default_a_password_needs_letters_digits_and_special_characters(password, missing, db):
    message = _refusal(password)
    assert message == "密码须至少 8 位，且包含字母、数字和特殊字符（如 @#%）；" + missing


@pytest.mark.parametrize("password", ["Abcdefg1!", "abcdefg1!", "Demo@2026", "12345abc#", "Abcdefg1！", "a1 b2 c3 ?"])
def test_by_default_letters_digits_and_a_special_character_pass(password, db):
    ComplexityValidator().validate(password)


def test_special_characters_are_punctuation_not_letters_or_spaces():
    assert all(is_symbol(c) for c in "@#%!?_-+=~()[]{}<>/\\|.,;:'\"！？、，。")
    assert not any(is_symbol(c) for c in "aZ09 \t中")


def test_relaxed_policy_without_special_characters_accepts_letters_and_digits(policy):
    policy(require_symbol=False)
    ComplexityValidator().validate("Abcdefg1")
    assert "当前缺少：字母。" in _refusal("12345678")
    assert password_help_text() == "密码须至少 8 位，且包含字母和数字。"


def test_policy_without_letters_accepts_digits_and_special_characters(policy):
    policy(require_letter=False)
    ComplexityValidator().validate("1234567#")
    assert "当前缺少：数字。" in _refusal("abcdefg#")


def test_stricter_policy_needs_upper_and_lower_case_and_more_length(policy):
    policy(min_length=12, require_mixed_case=True)
    assert _refusal("abcdefg1!") == (
        "密码须至少 12 位，且包含大写字母、小写字母、数字和特殊字符（如 @#%）；当前长度只有 9 位，缺少：大写字母。"
    )
    assert "缺少：小写字母" in _refusal("ABCDEFGHIJ1!")
    ComplexityValidator().validate("Abcdefghij1!")
    assert password_help_text() == "密码须至少 12 位，且包含大写字母、小写字母、数字和特殊字符（如 @#%）。"


def test_mixed_case_with_letters_only_counts_letters(policy):
    policy(require_digit=False, require_symbol=False, require_mixed_case=True)
    ComplexityValidator().validate("Abcdefgh")
    assert "缺少：大写字母" in _refusal("abcdefgh")


@pytest.mark.parametrize(
    ("rule", "password", "ok"),
    [
        (PasswordRule(), "Abcdefg1", False),
        (PasswordRule(), "Abcdefg1!", True),
        (PasswordRule(), "12345678!", False),
        (PasswordRule(symbol=False), "Abcdefg1", True),
        (PasswordRule(digit=False), "Abcdefgh!", True),
        (PasswordRule(letter=False), "1234567!", True),
        (PasswordRule(mixed_case=True), "abcdefg1!", False),
        (PasswordRule(mixed_case=True), "Abcdefg1!", True),
        (PasswordRule(min_length=10), "Abcdefg1!", False),
        (PasswordRule(letter=False, digit=False, symbol=False), "aaaaaaaa", True),
    ],
)
def test_each_combination_of_the_rule(rule, password, ok):
    too_short, missing = problems(password, rule)
    assert (not too_short and not missing) is ok


def test_help_text_describes_the_default_rule(db):
    assert password_help_text() == "密码须至少 8 位，且包含字母、数字和特殊字符（如 @#%）。"
    assert ComplexityValidator().get_help_text() == password_help_text()


def test_the_validator_is_what_django_runs(db):
    with pytest.raises(ValidationError, match="当前缺少：特殊字符"):
        validate_password("Abcdefg1")
    validate_password("Abcdefg1!")


@pytest.mark.parametrize(
    "switches",
    [
        {},
        {"require_mixed_case": True},
        {"require_symbol": False, "require_letter": False},
        {"min_length": 64, "require_mixed_case": True},
        {"min_length": 20},
    ],
)
def test_one_time_passwords_pass_every_allowed_policy_and_differ(switches, policy):
    policy(**switches)
    passwords = {generate_one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == max(12, switches.get("min_length", 8))
        validate_password(password)
        assert not set(password) & set("0O1lI")


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
