"""证书编号 page: the office sees the 待编号 certificates of its subtree by batch and numbers the ticked ones;
numbering twice is refused in Chinese with nothing changed; a batch that got its 发文字号 at 发文 keeps it."""

import pytest

from title_review.audit.models import AuditEvent
from title_review.certificates.models import Certificate

from .helpers import ISSUER, issue

pytestmark = pytest.mark.django_db

FORM = {
    "review_year": "2026",
    "issuing_body": ISSUER,
    "agency_code": "浙人社",
    "region_code": "330000",
    "committee_code": "001",
    "document_year": "2026",
}


@pytest.fixture
def waiting(users, orgs):
    hz = users["hzadmin"]
    hospital = [issue(hz, orgs["杭州市第一人民医院"], name=f"医生{n}", id_number=_id(n)) for n in range(1, 4)]
    company = issue(hz, orgs["杭州西湖数智科技有限公司"], name="工程师", id_number=_id(9))
    # A batch that got its 发文字号 at 发文 (the results app sets it on the certificates it makes).
    Certificate.objects.filter(pk=hospital[2].pk).update(document_number="浙人社〔2026〕7号", review_year=2026)
    return {"hospital": hospital, "company": company}


def _id(n: int) -> str:
    from title_review.core.identity import check_digit

    first17 = f"33010619800101{n:03d}"
    return first17 + check_digit(first17)


def test_the_office_sees_the_waiting_certificates_of_its_subtree_only(login, waiting, django_assert_max_num_queries):
    client = login("xhadmin")  # 西湖区职改办: the company is below it, the hospital is not
    with django_assert_max_num_queries(12):
        response = client.get("/certificates/numbering/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "工程师" in text and "医生1" not in text
    assert _id(9) not in text and f"{_id(9)[:6]}********{_id(9)[-4:]}" in text  # identity numbers masked
    city = login("hzadmin").get("/certificates/numbering/", {"document_number": "浙人社〔2026〕7号"}).content.decode()
    assert "医生3" in city and "医生1" not in city and "工程师" not in city


def test_numbering_the_ticked_certificates_gives_consecutive_numbers_and_one_document_number(login, waiting):
    hospital = waiting["hospital"][:2]
    response = login("hzadmin").post("/certificates/numbering/", {**FORM, "ids": [c.pk for c in hospital]})
    assert response.status_code == 302
    rows = Certificate.objects.filter(pk__in=[c.pk for c in hospital]).order_by("pk")
    assert [c.number for c in rows] == ["33000020260120010001", "33000020260120010002"]
    assert {c.document_number for c in rows} == {"浙人社〔2026〕1号"}
    assert {c.issuing_body for c in rows} == {ISSUER}
    follow = login("hzadmin").get("/certificates/numbering/").content.decode()
    assert "医生1" not in follow and "医生3" in follow


def test_a_batch_with_a_document_number_from_its_issue_keeps_it(login, waiting):
    third = waiting["hospital"][2]
    form = {**FORM, "agency_code": "", "ids": [third.pk]}
    assert login("hzadmin").post("/certificates/numbering/", form).status_code == 302
    third.refresh_from_db()
    assert third.number and third.document_number == "浙人社〔2026〕7号"


def test_numbering_twice_is_refused_in_chinese_and_nothing_changes(login, waiting):
    client = login("hzadmin")
    first = waiting["hospital"][0]
    client.post("/certificates/numbering/", {**FORM, "ids": [first.pk]})
    first.refresh_from_db()
    events = AuditEvent.objects.filter(action="certificate.number").count()

    again = client.post("/certificates/numbering/", {**FORM, "ids": [first.pk, waiting["hospital"][1].pk]})

    assert again.status_code == 400
    assert "已编号" in again.content.decode() and "不能重复编号" in again.content.decode()
    assert Certificate.objects.get(pk=first.pk).number == first.number
    assert Certificate.objects.get(pk=waiting["hospital"][1].pk).number == ""
    assert AuditEvent.objects.filter(action="certificate.number").count() == events


def test_nothing_ticked_or_a_bad_agency_code_is_refused_in_chinese(login, waiting):
    client = login("hzadmin")
    assert "请选择要编号的证书" in client.post("/certificates/numbering/", FORM).content.decode()
    bad = client.post("/certificates/numbering/", {**FORM, "agency_code": "ZJ", "ids": [waiting["company"].pk]})
    assert "机关代字“ZJ”有误" in bad.content.decode()
    assert Certificate.objects.get(pk=waiting["company"].pk).number == ""


@pytest.mark.parametrize("persona", ["hospitaladmin", "applicant", "hzcheck"])
def test_only_offices_number(login, persona, waiting):
    client = login(persona)
    assert client.get("/certificates/numbering/").status_code == 403
    client.post("/certificates/numbering/", {**FORM, "ids": [waiting["company"].pk]})
    assert Certificate.objects.get(pk=waiting["company"].pk).number == ""


def test_the_whole_filtered_batch_is_numbered_at_once(login, waiting):
    client = login("hzadmin")
    url = "/certificates/numbering/?" + "document_number=%E6%B5%99%E4%BA%BA%E7%A4%BE%E3%80%942026%E3%80%957%E5%8F%B7"
    assert client.post(url, {**FORM, "agency_code": "", "all": "1"}).status_code == 302
    assert Certificate.objects.get(pk=waiting["hospital"][2].pk).number  # the batch 浙人社〔2026〕7号
    assert Certificate.objects.get(pk=waiting["hospital"][0].pk).number == ""  # outside the filter
    assert Certificate.objects.get(pk=waiting["company"].pk).number == ""


def test_the_form_offers_the_issuer_and_review_year_the_issue_gave_the_batch(login, waiting):
    third = waiting["hospital"][2]
    Certificate.objects.filter(pk=third.pk).update(issuing_body="杭州市人力资源和社会保障局", review_year=2025)
    url = "/certificates/numbering/?document_number=" + "浙人社〔2026〕7号"
    text = login("hzadmin").get(url).content.decode()
    assert 'value="杭州市人力资源和社会保障局"' in text and 'name="review_year" value="2025"' in text


def test_a_certificate_officer_numbers_and_downloads_but_does_not_revoke(client, orgs, waiting):
    from tests.personas import persona

    officer = persona(role="certificate_officer", organisation=orgs["杭州市职称工作领导小组办公室"])
    client.force_login(officer)
    assert client.post("/certificates/numbering/", {**FORM, "ids": [waiting["company"].pk]}).status_code == 302
    numbered = Certificate.objects.get(pk=waiting["company"].pk)
    assert numbered.number
    menu = client.get("/certificates/").content.decode()
    assert "证书编号" in menu and f"/certificates/{numbered.pk}/revoke/" not in menu
    assert client.get(f"/certificates/{numbered.pk}/revoke/").status_code == 404
