"""Fixtures of the review chain (a published round, 朱老师's submitted declaration) and bulk rows."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from title_review.accounts.models import User
from title_review.core.identity import check_digit
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.reviews.tests.conftest import review_round, submitted  # noqa: F401 — shared fixtures


def identity(i: int, *, last: str | None = None) -> str:
    """A valid 18-character 居民身份证号 (杭州市西湖区, born 1970 onwards); `last="X"` finds one ending in X."""
    while True:
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 900)
        first17 = f"330106{birth:%Y%m%d}{i % 900 + 100:03d}"
        number = first17 + check_digit(first17)
        if last is None or number.endswith(last):
            return number
        i += 1


def flood(round_, employer, desk, count, *, start=0, status=Status.IN_REVIEW, names=None, days_ago=0):
    """`count` declarations from `employer` at `desk`, bulk-created (no dossier content), like
    reviews.tests.test_views._flood, but with identity and mobile numbers."""
    people = User.objects.bulk_create(
        User(
            username=f"bulk{i}",
            real_name=(names or {}).get(i - start, f"批量{i}"),
            kind="personal",
            password="!",
            id_type="01",
            id_number=identity(i),
            phone=f"139{i:08d}",
            sex="女" if i % 2 else "男",
            birth_date=dt.date(1980, 1, 1),
        )
        for i in range(start, start + count)
    )
    now = timezone.now()
    return Declaration.objects.bulk_create(
        Declaration(
            applicant=p,
            round=round_,
            employer=employer,
            filled_by=p,
            status=status,
            current_org=desk,
            stage_since=now - dt.timedelta(days=days_ago, minutes=i),
            submitted_at=now - dt.timedelta(days=days_ago + 1),
            pledge_version="2026-11",
            pledge_accepted_at=now,
            snapshot={},
        )
        for i, p in enumerate(people)
    )


def sheet_of(content: bytes):
    """The first worksheet of an .xlsx, as openpyxl reads it."""
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


def table(content: bytes) -> list[dict[str, object]]:
    """Data rows keyed by header."""
    rows = list(sheet_of(content).iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def school_desk(orgs):
    return orgs["杭州第二中学"], orgs["杭州市教育局直属学校管理中心"]


@pytest.fixture
def office_desk(orgs):
    """Declarations of 杭州第二中学 waiting for 资格审查 at the 杭州市职改办 (hzcheck's desk)."""
    return orgs["杭州第二中学"], orgs["杭州市职称工作领导小组办公室"]
