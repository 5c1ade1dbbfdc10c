"""Declarations ready for the review chain, shared by the service, HTTP and browser tests."""

import datetime as dt
import io

from PIL import Image

from title_review.achievements import services as records
from title_review.achievements.models import Appraisal
from title_review.attachments.services import upload_attachment
from title_review.attachments.tests.helpers import PDF as GENUINE_PDF
from title_review.declarations import services as declarations
from title_review.declarations.models import PLEDGE_VERSION


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, format="PNG")
    return out.getvalue()


def _upload(name: str, content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    upload.size = len(content)  # type: ignore[attr-defined]
    return upload


def complete_draft(applicant, round_):
    """A complete, unsubmitted declaration of `applicant` in `round_` (every required tab and file)."""
    declaration = declarations.start_declaration(actor=applicant, round_id=round_.pk, pledge_version=PLEDGE_VERSION)
    edu = records.save_record(
        actor=applicant,
        section="education",
        values={
            "school": "杭州师范大学",
            "major": "数学",
            "education": "21",
            "enrolled_on": dt.date(2004, 9, 1),
            "graduated_on": dt.date(2008, 7, 1),
        },
    )
    work = records.save_record(
        actor=applicant,
        section="work",
        values={
            "employer_name": "杭州第二中学",
            "position": "教师",
            "started_on": dt.date(2008, 8, 1),
            "referee": "王校长",
        },
    )
    # A person's 年度考核 is one row per year: a second declaration picks the row the first one made.
    appraisal = Appraisal.objects.filter(owner=applicant, year=2025).first() or records.save_record(
        actor=applicant, section="appraisal", values={"year": 2025, "result": "01"}
    )
    declarations.save_declaration(
        actor=applicant,
        declaration_id=declaration.pk,
        version=declaration.version,
        values={
            "route": "01",
            "target_qualification": round_.qualifications[0] if round_.qualifications else "",
            "current_qualification_date": dt.date(2016, 12, 1),
        },
        picks={"education": [edu.pk], "work": [work.pk], "appraisal": [appraisal.pk]},
        section_data={},
    )
    for kind, name in (("photo", "证件照.png"), ("id_card", "身份证.png")):
        upload_attachment(actor=applicant, owner=applicant, kind=kind, upload=_upload(name, _png()), target=declaration)
    upload_attachment(
        actor=applicant,
        owner=applicant,
        kind="review_form",
        upload=_upload("评审表.pdf", GENUINE_PDF),
        target=declaration,
    )
    return declaration


def submit_for(applicant, round_):
    """A complete declaration of `applicant` in `round_`, submitted to the employer."""
    declaration = complete_draft(applicant, round_)
    return declarations.submit_declaration(actor=applicant, declaration_id=declaration.pk)
