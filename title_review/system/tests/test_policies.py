import pytest

from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError, NotAllowed
from title_review.core.policies import get_policy
from title_review.system.services import set_policy


def test_province_admin_changes_a_policy_and_it_is_audited(login, users, django_capture_on_commit_callbacks):
    client = login("zjadmin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/system/policies/", {"key": "password.min_length", "value": "10"}, follow=True)
    assert "参数已保存" in response.content.decode()
    assert get_policy("password.min_length") == 10
    event = AuditEvent.objects.get(action="policy.change")
    assert event.before == {"password.min_length": 8} and event.after == {"password.min_length": 10}


def test_city_admin_reads_but_cannot_change(login, users):
    client = login("hzadmin")
    assert "本级只能查看" in client.get("/system/policies/").content.decode()
    response = client.post("/system/policies/", {"key": "password.min_length", "value": "4"}, follow=True)
    assert "参数由省级统一设置" in response.content.decode()
    assert get_policy("password.min_length") == 8
    with pytest.raises(NotAllowed):
        set_policy(actor=users["hzadmin"], key="password.min_length", raw_value="4")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("organisation.code_pattern", "{seq:06d}", "须包含"),
        ("organisation.code_pattern", "{region}{seq:06q}", "格式有误"),
        ("password.min_length", "八", "整数"),
        ("password.min_length", "0", "大于 0"),
        ("password.min_length", "7", "8 到 64 位"),
        ("password.min_length", "65", "8 到 64 位"),
        ("password.min_length", "8.5", "整数"),
        ("password.require_symbol", "maybe", "“是”或“否”"),
        ("password.require_symbol", "", "“是”或“否”"),
        ("nope", "1", "没有这个参数"),
    ],
)
def test_bad_values_are_refused_in_chinese(key, value, message, users):
    with pytest.raises(DomainError, match=message):
        set_policy(actor=users["zjadmin"], key=key, raw_value=value)


def test_password_switches_are_set_as_yes_or_no_and_audited(users):
    from title_review.core.models import PolicySetting

    assert set_policy(actor=users["zjadmin"], key="password.require_mixed_case", raw_value="是") is True
    assert set_policy(actor=users["zjadmin"], key="password.require_symbol", raw_value="false") is False
    assert PolicySetting.objects.get(key="password.require_symbol").value is False
    event = AuditEvent.objects.filter(action="policy.change").latest("pk")
    assert event.before == {"password.require_symbol": True} and event.after == {"password.require_symbol": False}


def test_the_password_rule_keeps_at_least_two_kinds_of_character(users):
    from title_review.core.models import PolicySetting

    set_policy(actor=users["zjadmin"], key="password.require_symbol", raw_value="否")
    with pytest.raises(DomainError, match="至少要保留 2 项字符要求"):
        set_policy(actor=users["zjadmin"], key="password.require_digit", raw_value="否")
    assert not PolicySetting.objects.filter(key="password.require_digit").exists()
    assert AuditEvent.objects.filter(action="policy.change").count() == 1
    # Another kind turned on first, then the digit may go.
    set_policy(actor=users["zjadmin"], key="password.require_mixed_case", raw_value="是")
    set_policy(actor=users["zjadmin"], key="password.require_digit", raw_value="否")


def test_bad_minimum_length_on_the_page_is_refused_and_nothing_saved(login, users):
    from title_review.core.models import PolicySetting

    client = login("zjadmin")
    for value in ("7", "65", "八"):
        response = client.post("/system/policies/", {"key": "password.min_length", "value": value}, follow=True)
        page = response.content.decode()
        assert "8 到 64 位" in page or "请填写整数" in page
    assert not PolicySetting.objects.filter(key="password.min_length").exists()
    assert not AuditEvent.objects.filter(action="policy.change").exists()


def test_the_page_offers_the_password_switches_as_yes_or_no(login, users):
    page = login("zjadmin").get("/system/policies/").content.decode()
    for label in (
        "密码须包含字母",
        "密码须包含数字",
        "密码须包含特殊字符（如 @#%）",
        "密码须同时包含大写字母和小写字母",
    ):
        assert label in page
    assert '<option value="false" selected>否</option>' in page  # require_mixed_case is off by default
    assert "min_classes" not in page


@pytest.mark.parametrize(
    ("classes", "expected"),
    [
        (4, {"password.require_mixed_case": True}),
        (3, {}),
        (2, {"password.require_symbol": False}),
        ("x", {}),
    ],
)
def test_a_stored_min_classes_becomes_the_switches(classes, expected, db):
    from importlib import import_module

    from django.apps import apps

    from title_review.core.models import PolicySetting

    migration = import_module("title_review.core.migrations.0002_password_character_kinds")
    PolicySetting.objects.create(key="password.min_classes", value=classes)
    migration.forwards(apps, None)
    stored = dict(PolicySetting.objects.filter(key__startswith="password.").values_list("key", "value"))
    assert stored == expected
