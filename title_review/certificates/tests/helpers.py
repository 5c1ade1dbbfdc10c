"""Certificates issued here, for the 电子证书 / 证书查验 / 撤销 tests: waiting for a number, then numbered."""

import datetime as dt

from title_review.certificates import numbering, services
from title_review.certificates.models import Certificate, CertificateSource
from title_review.dictionaries.models import Entry

ISSUER = "浙江省人力资源和社会保障厅"
# The demo `applicant` (韩申报, 杭州市第一人民医院) signs in with this identity number (README.md).
APPLICANT_ID = "330106199003071236"


def issue(actor, org, *, name: str, id_number: str, qualification: str = "0102") -> Certificate:
    """A certificate issued here waiting for its number (待编号), as the 发文 makes it."""
    entry = Entry.objects.select_related("type", "parent").get(type__code=services.QUALIFICATION, code=qualification)
    return services.record_certificate(
        actor=actor,
        organisation_id=org.pk,
        person_name=name,
        id_type="01",
        id_number=id_number,
        qualification=entry,
        obtained_on=dt.date(2026, 11, 30),
        number="",
        issuing_body="",
        source=CertificateSource.ISSUED,
    )


def number(actor, certificates, **kwargs) -> numbering.NumberedBatch:
    options = {
        "review_year": 2026,
        "issuing_body": ISSUER,
        "agency_code": "浙人社",
        "region_code": "330000",
        "committee_code": "001",
        "document_year": 2026,
    }
    options.update(kwargs)
    return numbering.number_certificates(actor=actor, certificate_ids=[c.pk for c in certificates], **options)
