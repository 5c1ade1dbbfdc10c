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
        ("nope", "1", "没有这个参数"),
    ],
)
def test_bad_values_are_refused_in_chinese(key, value, message, users):
    with pytest.raises(DomainError, match=message):
        set_policy(actor=users["zjadmin"], key=key, raw_value=value)
