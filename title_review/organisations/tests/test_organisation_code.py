"""组织机构代码 (GB 11714-1997): a unit without a 统一社会信用代码 registers with its 9-character code, as the
registration form tells it to; the code is checked, stored beside the credit code, and finds the unit."""

import pytest

from title_review.core.errors import DomainError
from title_review.organisations.codes import normalise_unit_code, orgcode_check_character
from title_review.organisations.models import Organisation

from .test_employers import VALID, registration, uscc


@pytest.mark.parametrize(
    ("body", "check"),
    [
        # By hand: 1·3 + 2·7 + 3·9 + 4·10 + 5·5 + 6·8 + 7·4 + 8·2 = 201; 201 mod 11 = 3; 11 - 3 = 8.
        ("12345678", "8"),
        # The code inside the standard's sample credit code 91350100M000100Y43: M=22·3 + 1·5 + Y=34·2 = 139 → 4.
        ("M000100Y", "4"),
        # A total of 0 gives 11, written 0; 6·2 = 12 leaves 1, which gives 10, written X.
        ("00000000", "0"),
        ("00000006", "X"),
    ],
)
def test_the_check_character_follows_gb_11714(body, check):
    assert orgcode_check_character(body) == check


def test_codes_are_read_with_or_without_the_hyphen_and_a_credit_code_carries_one():
    assert normalise_unit_code("12345678-8").organisation_code == "123456788"
    assert normalise_unit_code(" 12345678－8 ").organisation_code == "123456788"
    assert normalise_unit_code("m000100y4").organisation_code == "M000100Y4"
    credit = normalise_unit_code(VALID)
    assert credit.credit_code == VALID and credit.organisation_code == VALID[8:17]
    assert normalise_unit_code("") == normalise_unit_code("  ")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12345678-9", "校验码不符（应为 8）"),
        ("1234567a-X", "校验码不符"),
        ("1234567*8", "8 位数字或大写字母"),
        ("12345678-A", "8 位数字或大写字母"),
        ("12345", "9 位原组织机构代码"),
        ("123456789012", "18 位统一社会信用代码"),
    ],
)
def test_a_bad_organisation_code_is_refused_in_chinese(raw, message):
    with pytest.raises(DomainError, match=message.replace("（", "\\（").replace("）", "\\）")):
        normalise_unit_code(raw)


def test_a_unit_without_a_credit_code_registers_with_its_organisation_code(client, orgs):
    response = client.post(
        "/organisations/employer/register/", registration(orgs, credit_code="12345678-8"), follow=True
    )
    assert "注册成功" in response.content.decode()
    unit = Organisation.objects.get(name="杭州云栖软件有限公司")
    assert unit.credit_code == "" and unit.organisation_code == "123456788"
    # The same code again under the same 归口部门 is a second registration of the same unit.
    again = client.post(
        "/organisations/employer/register/",
        registration(orgs, credit_code="123456788", name="云栖另一个名字", username="yunqi2"),
    )
    assert "组织机构代码 12345678-8 的单位已在" in again.content.decode()
    # The code fills in the name on the registration form, and the 单位信息 page shows it.
    text = client.get("/organisations/employer/register/name/", {"credit_code": "12345678-8"}).content.decode()
    assert 'value="杭州云栖软件有限公司"' in text
    client.post("/accounts/login/", {"username": "yunqisoft", "password": "Yq@2026soft"})
    info = client.get("/organisations/employer/").content.decode()
    assert "组织机构代码" in info and "12345678-8" in info


def test_a_wrong_check_character_loses_nothing_typed(client, orgs):
    response = client.post("/organisations/employer/register/", registration(orgs, credit_code="12345678-9"))
    text = response.content.decode()
    assert "校验码不符" in text
    assert response.context["form"]["name"].value() == "杭州云栖软件有限公司"
    assert not Organisation.objects.filter(name="杭州云栖软件有限公司").exists()


def test_a_credit_code_and_the_organisation_code_inside_it_are_one_unit(client, orgs):
    credit = uscc("91330106" + "123456788")  # type, region 330106, then the unit's 组织机构代码 12345678-8
    inside = credit[8:17]
    assert inside == "123456788"
    client.post("/organisations/employer/register/", registration(orgs, credit_code=credit), follow=True)
    again = client.post(
        "/organisations/employer/register/",
        registration(orgs, credit_code=inside, name="另一个名字", username="yunqi2"),
    )
    assert "已在" in again.content.decode() and "不能重复注册" in again.content.decode()
    assert Organisation.objects.filter(organisation_code=inside).count() == 1
