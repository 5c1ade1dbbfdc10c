"""Fixtures for the PDF forms: the review round of reviews/tests, a seal, and a long dossier."""

import datetime as dt
import io

import pytest
from PIL import Image, ImageDraw

from title_review.reviews.tests.conftest import review_round, submitted  # noqa: F401 — shared fixtures


def red_seal_png() -> bytes:
    """A round red seal on white paper, as an employer would scan it."""
    image = Image.new("RGB", (300, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 290, 290), outline=(210, 20, 20), width=14)
    draw.regular_polygon((150, 150, 60), 5, fill=(210, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def school_seal(orgs):
    """杭州第二中学 registered its seal; the stamp is the transparent image made from the scan."""
    from django.core.files.base import ContentFile

    from title_review.dictionaries.models import Entry
    from title_review.organisations.models import EmployerProfile
    from title_review.organisations.seal import make_seal_stamp

    profile = EmployerProfile(
        organisation=orgs["杭州第二中学"],
        legal_representative="校长",
        nature=Entry.objects.filter(type__code="employer_nature").first(),
        industry=Entry.objects.filter(type__code="industry").first(),
    )
    profile.seal_stamp.save("seal.png", ContentFile(make_seal_stamp(red_seal_png())), save=False)
    profile.save()
    return profile


def add_achievements(applicant, declaration, count: int):
    """`count` more 业绩成果 rows picked into a draft (before it is submitted)."""
    from title_review.achievements import services as records
    from title_review.declarations import services as declarations

    ids = []
    for i in range(count):
        row = records.save_record(
            actor=applicant,
            section="achievement",
            values={
                "category": "paper",
                "title": f"初中数学课堂中问题链设计的实践研究（之{i + 1}）",
                "date": dt.date(2024, 1 + i % 12, 1),
                "venue": "中学数学教学参考",
                "indexing": "省级",
                "author_rank": 1,
                "is_representative": i < 2,
            },
        )
        ids.append(row.pk)
    declaration.refresh_from_db()
    picks = {**declaration.picks, "achievement": ids}
    return declarations.save_declaration(
        actor=applicant,
        declaration_id=declaration.pk,
        version=declaration.version,
        values={},
        picks=picks,
        section_data=declaration.section_data,
    )


def to_department(users, declaration, employer_admin="schooladmin"):
    """The employer passes (单位意见), publicises from 2026-09-30 (long over) and forwards it upward."""
    from title_review.declarations.models import Declaration
    from title_review.reviews import services

    admin = users[employer_admin]
    d = services.employer_pass(actor=admin, declaration_id=declaration.pk, version=declaration.version, opinion=OPINION)
    services.start_publicity(
        actor=admin,
        employer_id=d.employer_id,
        declaration_ids=[d.pk],
        starts_on=dt.date(2026, 9, 30),
        place="学校公告栏",
        contact="人事科 0571-87000000",
    )
    d = Declaration.objects.get(pk=d.pk)
    services.forward(
        actor=admin,
        employer_id=d.employer_id,
        items=[(d.pk, d.version)],
        operator_name="卫学校",
        operator_phone="0571-88888888",
    )
    return Declaration.objects.get(pk=d.pk)


def to_office(users, declaration):
    """朱老师's declaration passes 直属学校管理中心 and 市教育局 and reaches the 杭州市职改办's 资格审查."""
    from title_review.declarations.models import Declaration
    from title_review.reviews import services

    d = declaration
    for username in ("zsadmin", "jyjadmin"):
        d = Declaration.objects.get(pk=d.pk)
        services.department_pass(actor=users[username], declaration_id=d.pk, version=d.version, opinion="同意上报")
    return Declaration.objects.get(pk=d.pk)


KIND_WORDS = {"review": "评审", "initial": "初定", "recognition": "认定"}
OPINION = "经审核，该同志申报材料真实，符合申报条件，同意推荐。"


def make_round(users, orgs, kind: str):
    """A published 中小学教师 round of the given kind (review / initial / recognition) for the 教育局 subtree."""
    from zoneinfo import ZoneInfo

    from title_review.dictionaries.models import Entry
    from title_review.rounds import services as rounds

    shanghai = ZoneInfo("Asia/Shanghai")
    hz = orgs["杭州市职称工作领导小组办公室"]
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    round_ = rounds.create_round(
        actor=users["hzadmin"],
        publisher=hz,
        title=f"2026年度中小学教师职称{KIND_WORDS[kind]}",
        year=2026,
        kind=kind,
        series=series,
        committee=None,
        opens_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=shanghai),
        closes_at=dt.datetime.now(tz=shanghai) + dt.timedelta(days=60),
    )
    rounds.update_round(
        actor=users["hzadmin"],
        round_id=round_.pk,
        changes={"levels": levels, "routes": ["01"]},
        scope=[orgs["杭州市教育局"]],
    )
    return rounds.publish_round(actor=users["hzadmin"], round_id=round_.pk)
