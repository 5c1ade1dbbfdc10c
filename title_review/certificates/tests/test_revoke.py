"""撤销: the office revokes a numbered certificate with a reason and a basis; 证书查验 then shows 已撤销 with the
reason and date, and the holder is in the 诚信档案 with a 3-year 不得申报 period. Without reason or basis, or a
second time: refused in Chinese, nothing changed."""

import pytest
from django.utils import timezone

from title_review.audit.models import AuditEvent
from title_review.certificates.models import Certificate
from title_review.certificates.services import revoke_certificate
from title_review.certificates.tokens import verification_token
from title_review.core.errors import DomainError
from title_review.eligibility.models import IntegrityRecord

from .helpers import APPLICANT_ID

pytestmark = pytest.mark.django_db

REASON = "申报材料弄虚作假（论文代写）"
BASIS = "人社部令第40号第四十条"


def test_revoking_shows_on_verification_and_bars_the_holder_for_three_years(
    login, client, ecert_world, django_assert_max_num_queries
):
    certificate = ecert_world["mine"]
    office = login("hzadmin")
    with django_assert_max_num_queries(10):
        page = office.get(f"/certificates/{certificate.pk}/revoke/")
    assert page.status_code == 200 and certificate.number in page.content.decode()

    response = office.post(f"/certificates/{certificate.pk}/revoke/", {"reason": REASON, "basis": BASIS})

    assert response.status_code == 302
    revoked = Certificate.objects.get(pk=certificate.pk)
    assert revoked.revoked_at is not None and revoked.revoke_reason == REASON and revoked.revoke_basis == BASIS
    text = client.get(f"/certificates/verify/{verification_token(certificate.number)}/").content.decode()
    assert "已撤销" in text and REASON in text and BASIS in text
    assert f"{timezone.localdate():%Y}年{timezone.localdate().month}月{timezone.localdate().day}日" in text
    ban = IntegrityRecord.objects.get(id_number=APPLICANT_ID)
    today = timezone.localdate()
    assert ban.starts_on == today
    assert ban.ban_until == today.replace(year=today.year + 3)  # 3 years by default (integrity.ban_years)
    assert certificate.number in ban.reason and ban.basis == BASIS
    assert ban.organisation.name == "杭州市职称工作领导小组办公室"
    event = AuditEvent.objects.get(action="certificate.revoke")
    assert event.after["reason"] == REASON
    # The list shows the status; the 撤销 button is gone.
    listing = office.get("/certificates/").content.decode()
    assert f"/certificates/{certificate.pk}/revoke/" not in listing


@pytest.mark.parametrize(
    ("reason", "basis", "message"),
    [("", BASIS, "请填写撤销原因"), (REASON, "", "请填写撤销依据"), ("  ", "  ", "请填写撤销原因")],
)
def test_revoking_without_reason_or_basis_is_refused_and_nothing_changes(users, ecert_world, reason, basis, message):
    with pytest.raises(DomainError, match=message):
        revoke_certificate(actor=users["hzadmin"], certificate_id=ecert_world["mine"].pk, reason=reason, basis=basis)
    assert Certificate.objects.get(pk=ecert_world["mine"].pk).revoked_at is None
    assert not IntegrityRecord.objects.filter(id_number=APPLICANT_ID).exists()


def test_the_form_says_which_field_is_missing_in_chinese(login, ecert_world):
    response = login("hzadmin").post(f"/certificates/{ecert_world['mine'].pk}/revoke/", {"reason": REASON})
    assert response.status_code == 400
    assert "请填写撤销依据" in response.content.decode()
    assert Certificate.objects.get(pk=ecert_world["mine"].pk).revoked_at is None


def test_revoking_twice_is_refused_and_the_first_revocation_stays(users, ecert_world):
    revoke_certificate(actor=users["hzadmin"], certificate_id=ecert_world["mine"].pk, reason=REASON, basis=BASIS)
    first = Certificate.objects.get(pk=ecert_world["mine"].pk).revoked_at
    with pytest.raises(DomainError, match="不能重复撤销"):
        revoke_certificate(actor=users["zjadmin"], certificate_id=ecert_world["mine"].pk, reason="再次", basis="再次")
    assert Certificate.objects.get(pk=ecert_world["mine"].pk).revoked_at == first
    assert IntegrityRecord.objects.filter(id_number=APPLICANT_ID).count() == 1


@pytest.mark.parametrize(("persona", "status"), [("hzcheck", 404), ("hospitaladmin", 404), ("applicant", 404)])
def test_only_the_office_administrator_revokes(login, ecert_world, persona, status):
    client = login(persona)
    assert client.get(f"/certificates/{ecert_world['mine'].pk}/revoke/").status_code == status
    assert (
        client.post(f"/certificates/{ecert_world['mine'].pk}/revoke/", {"reason": REASON, "basis": BASIS}).status_code
        == status
    )
    assert Certificate.objects.get(pk=ecert_world["mine"].pk).revoked_at is None


def test_a_revoked_certificates_pdf_says_so(users, ecert_world):
    import io

    from pypdf import PdfReader

    from title_review.certificates.ecert import ecert_pdf

    revoke_certificate(actor=users["hzadmin"], certificate_id=ecert_world["mine"].pk, reason=REASON, basis=BASIS)
    certificate = Certificate.objects.get(pk=ecert_world["mine"].pk)
    pdf = ecert_pdf(certificate, verify_url="https://zc.example.gov.cn/certificates/verify/x:y/")
    text = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "撤销，不再有效" in text and "".join(REASON.split()) in text
