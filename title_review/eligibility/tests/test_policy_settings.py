"""资格预审 numbers in 参数设置: a province changes 继续教育 and 退休年龄 there, and the precheck on the dossier, at
提交 and on the 申报条件 page judges with the new numbers; values outside their bounds are refused in Chinese."""

from fractions import Fraction

import pytest

from title_review.core.errors import DomainError
from title_review.core.models import PolicySetting
from title_review.declarations import precheck
from title_review.declarations.tests.test_precheck import _declaration, engineering_round  # noqa: F401 — fixture
from title_review.eligibility.policy import DEFAULT_POLICY, current_policy
from title_review.system import services as system


@pytest.fixture
def set_policy(django_capture_on_commit_callbacks):
    """参数设置 as the page saves it: the cached value is forgotten when the change commits."""

    def change(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return system.set_policy(**kwargs)

    return change


def test_without_settings_the_national_numbers_apply(seeded):
    assert current_policy() == DEFAULT_POLICY


def test_each_setting_reaches_the_policy(users, set_policy):
    admin = users["zjadmin"]
    set_policy(actor=admin, key="eligibility.ce_hours", raw_value="72")
    set_policy(actor=admin, key="eligibility.ce_professional_share", raw_value="0.5")
    set_policy(actor=admin, key="eligibility.ce_years", raw_value="2")
    set_policy(actor=admin, key="eligibility.retirement_male", raw_value="63")
    set_policy(actor=admin, key="eligibility.retirement_female", raw_value="58")
    set_policy(actor=admin, key="eligibility.gradual_retirement_reform", raw_value="是")
    policy = current_policy()
    assert (policy.ce_hours, policy.ce_professional_share, policy.ce_years) == (72, Fraction(1, 2), 2)
    assert (policy.retirement_male, policy.retirement_female, policy.gradual_retirement_reform) == (63, 58, True)
    assert PolicySetting.objects.get(key="eligibility.ce_professional_share").value == "1/2"


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("eligibility.ce_professional_share", "3/2", "不超过 1"),
        ("eligibility.ce_professional_share", "0", "大于 0"),
        ("eligibility.ce_professional_share", "三分之二", "请填写分数或小数"),
        ("eligibility.ce_professional_share", "1/0", "请填写分数或小数"),
        ("eligibility.ce_years", "11", "1 到 10 年"),
        ("eligibility.retirement_male", "39", "40 到 70 周岁"),
        ("eligibility.retirement_female", "71", "40 到 70 周岁"),
        ("eligibility.ce_hours", "0", "大于 0"),
    ],
)
def test_values_outside_their_bounds_are_refused_and_nothing_changes(users, set_policy, key, raw, message):
    with pytest.raises(DomainError, match=message):
        set_policy(actor=users["zjadmin"], key=key, raw_value=raw)
    assert not PolicySetting.objects.filter(key=key).exists()
    assert current_policy() == DEFAULT_POLICY


def test_the_precheck_of_a_declaration_judges_with_the_province_numbers(users, set_policy, engineering_round):  # noqa: F811
    declaration = _declaration(users, engineering_round, years_as_assistant=4)

    def retirement_detail() -> str:
        results, _passed = precheck.run(declaration)
        return next(r for r in results if r.label == "退休年龄").detail

    assert "未达法定退休年龄 60 岁" in retirement_detail()
    set_policy(actor=users["zjadmin"], key="eligibility.retirement_male", raw_value="63")
    assert "未达法定退休年龄 63 岁" in retirement_detail()


def test_the_conditions_page_shows_the_province_numbers(login, users, set_policy):
    set_policy(actor=users["zjadmin"], key="eligibility.retirement_female", raw_value="58")
    set_policy(actor=users["zjadmin"], key="eligibility.ce_hours", raw_value="72")
    text = login("teacher").get("/eligibility/conditions/").content.decode()
    assert "女 58 岁" in text and "72 学时" in text
