import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from title_review.organisations.models import Organisation

from .test_employers import VALID, licence_pdf, seal_png


def _body(orgs, **overrides):
    body = {
        "credit_code": VALID,
        "name": "杭州接口科技有限公司",
        "legal_representative": "钱接口",
        "nature_code": "40",
        "industry_code": "I",
        "region_code": "330106",
        "address": "西湖区文三路 1 号",
        "parent_code": orgs["西湖区职称工作领导小组办公室"].code,
        "username": "apitech",
        "password": "Kx9@Hangzhou",
        "contact_person": "孙人事",
        "contact_phone": "0571-86666666",
        "licence": SimpleUploadedFile("licence.pdf", licence_pdf()),
        "seal": SimpleUploadedFile("seal.png", seal_png()),
    }
    body.update(overrides)
    return body


def test_employer_registers_through_the_api(client, orgs):
    from title_review.dictionaries.models import Entry

    nature = Entry.objects.get(type__code="employer_nature", name="民营企业").code
    response = client.post("/api/v1/employers/register/", _body(orgs, nature_code=nature))
    assert response.status_code == 201, response.content
    assert Organisation.objects.get(code=response.json()["code"]).name == "杭州接口科技有限公司"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"credit_code": VALID[:17] + ("0" if VALID[17] != "0" else "1")}, "credit_code", "校验位不符"),
        ({"licence": SimpleUploadedFile("licence.doc", b"x")}, "licence", "只能是"),
        ({"seal": SimpleUploadedFile("seal.jpg", b"\xff\xd8\xffnot really")}, "seal", "不是有效的图片"),
        ({"username": "接口科技"}, "username", "字母和数字"),
    ],
)
def test_bad_employer_input_through_the_api(client, orgs, overrides, field, message):
    from title_review.dictionaries.models import Entry

    nature = Entry.objects.get(type__code="employer_nature", name="民营企业").code
    response = client.post("/api/v1/employers/register/", _body(orgs, nature_code=nature, **overrides))
    assert response.status_code == 400
    assert message in response.json()["message"] and response.json()["field"] == field
    assert not Organisation.objects.filter(name="杭州接口科技有限公司").exists()
