"""业绩档案 rows the teacher-series tests need: a 公开课 with its proof, a 论文 with its 知网 screenshot."""

import datetime as dt
import io

from PIL import Image

from title_review.achievements import services
from title_review.attachments.services import upload_attachment


def png_upload(name: str = "证明.png") -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, format="PNG")
    upload = io.BytesIO(out.getvalue())
    upload.name = name
    upload.size = len(out.getvalue())  # type: ignore[attr-defined]
    return upload


def proof(person, name: str = "证明.png"):
    """A 证明材料 uploaded by `person`, not yet linked to a row (as the page's upload block leaves it)."""
    return upload_attachment(actor=person, owner=person, kind="proof", upload=png_upload(name))


def open_lesson(person, title: str = "函数的单调性", level: str = "county", on: dt.date = dt.date(2024, 4, 18)):
    return services.save_record(
        actor=person,
        section="achievement",
        values={"category": "open_lesson", "title": title, "date": on, "lesson_level": level},
        proof_id=proof(person).pk,
    )


def paper(
    person, title: str = "例谈函数教学", link: str = "https://kns.cnki.net/kcms/detail/x.html", shot: bool = True
):
    return services.save_record(
        actor=person,
        section="achievement",
        values={"category": "paper", "title": title, "date": dt.date(2023, 5, 1), "venue": "中学数学", "link": link},
        proof_id=proof(person, "知网截图.png").pk if shot else None,
    )
