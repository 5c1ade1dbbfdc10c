"""参数设置 changes the password rule, and the registration page follows it (issue 11, point 5)."""

import pytest
from django.test import Client

from title_review.accounts.models import User
from title_review.accounts.tests.test_registration import PHONE, _form, _send_code
from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError

DEFAULT_RULE = "密码须至少 8 位，且包含字母、数字和特殊字符（如 @#%）"


def _set(admin, key, value, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the policy cache is forgotten on commit
        response = admin.post("/system/policies/", {"key": key, "value": value}, follow=True)
    assert "参数已保存" in response.content.decode()


def test_registration_follows_the_rule_set_in_policies(login, users, django_capture_on_commit_callbacks):
    person = Client()
    assert DEFAULT_RULE + "。" in person.get("/accounts/register/").content.decode()
    code = _send_code(person, django_capture_on_commit_callbacks)

    # The default, the seed's rule: Abcdefg1 has no special character.
    response = person.post(
        "/accounts/register/", _form(sms_code=code, password="Abcdefg1", password_confirm="Abcdefg1")
    )
    page = response.content.decode()
    assert DEFAULT_RULE + "；当前缺少：特殊字符。" in page
    form = response.context["form"]
    # Django's list of common passwords refuses it too (这个密码太常见了), after the rule.
    assert form.errors["password"][0].startswith(DEFAULT_RULE + "；当前缺少：特殊字符。")
    assert form["real_name"].value() == "王小明" and form["phone"].value() == PHONE
    assert not User.objects.filter(phone=PHONE).exists()

    # The province relaxes it in 参数设置: letters and digits are enough, and the page says so.
    response = person.post(
        "/accounts/register/", _form(sms_code=code, password="Wxm20261", password_confirm="Wxm20261")
    )
    assert "当前缺少：特殊字符" in response.content.decode()
    admin = login("zjadmin")
    _set(admin, "password.require_symbol", "false", django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action="policy.change")
    assert event.after == {"password.require_symbol": False} and event.actor_id == users["zjadmin"].pk
    assert "密码须至少 8 位，且包含字母和数字。" in person.get("/accounts/register/").content.decode()
    response = person.post(
        "/accounts/register/", _form(sms_code=code, password="Wxm20261", password_confirm="Wxm20261"), follow=True
    )
    assert "注册成功" in response.content.decode()
    assert User.objects.get(phone=PHONE).check_password("Wxm20261")


def test_a_longer_minimum_set_in_policies_refuses_a_short_password(login, users, django_capture_on_commit_callbacks):
    _set(login("zjadmin"), "password.min_length", "12", django_capture_on_commit_callbacks)
    person = Client()
    code = _send_code(person, django_capture_on_commit_callbacks)
    response = person.post(
        "/accounts/register/", _form(sms_code=code, password="Abcdefg1!", password_confirm="Abcdefg1!")
    )
    assert "密码须至少 12 位，且包含字母、数字和特殊字符（如 @#%）；当前长度只有 9 位。" in response.content.decode()
    response = person.post(
        "/accounts/register/",
        _form(sms_code=code, password="Abcdefgh12#$", password_confirm="Abcdefgh12#$"),
        follow=True,
    )
    assert "注册成功" in response.content.decode()


# ---- Every way of setting a chosen password runs the rule (validate_password) ---------------------

REFUSED = "当前缺少：特殊字符"


def test_change_password_applies_the_rule(users):
    from title_review.accounts.services import change_password

    with pytest.raises(DomainError, match=REFUSED):
        change_password(user=users["hzadmin"], old_password="Demo@2026", new_password="Wxm20261")
    assert users["hzadmin"].check_password("Demo@2026")


def test_change_password_page_applies_the_rule(login, users):
    response = login("hzadmin").post(
        "/accounts/password/change/",
        {"old_password": "Demo@2026", "new_password": "Wxm20261", "new_password_confirm": "Wxm20261"},
    )
    assert REFUSED in response.content.decode()


def test_forgotten_password_by_sms_applies_the_rule(users):
    from title_review.accounts.services import reset_password_by_sms

    with pytest.raises(DomainError, match=REFUSED):
        reset_password_by_sms(phone=users["applicant"].phone, sms_code="000000", new_password="Wxm20261")


def test_employer_registration_applies_the_rule(client, orgs):
    from title_review.organisations.models import Organisation
    from title_review.organisations.tests.test_employers import registration

    response = client.post(
        "/organisations/employer/register/", registration(orgs, password="Wxm20261", password_confirm="Wxm20261")
    )
    assert REFUSED in response.content.decode()
    assert not Organisation.objects.filter(name="杭州云栖软件有限公司").exists()


def test_employer_password_recovery_applies_the_rule(users, orgs):
    from title_review.organisations.employers import reset_employer_password
    from title_review.organisations.models import EmployerStaff

    school = orgs["杭州第二中学"]
    staff = EmployerStaff.objects.create(employer=school, person=users["applicant"])
    with pytest.raises(DomainError, match=REFUSED):
        reset_employer_password(
            employer_id=school.pk,
            staff_id=staff.pk,
            id_number=users["applicant"].id_number,
            sms_code="000000",
            new_password="Wxm20261",
        )
    assert users["schooladmin"].check_password("Demo@2026")
