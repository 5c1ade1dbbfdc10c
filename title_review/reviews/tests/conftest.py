import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from title_review.dictionaries.models import Entry
from title_review.rounds import services as rounds

from .factories import submit_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def review_round(users, orgs):
    """A published 中小学教师 round of the 杭州市职改办 for the 卫健委 and 教育局 subtrees, open since 2026-09-01."""
    return publish_review_round(users, orgs)


def publish_review_round(users, orgs):
    """The `review_round` fixture's round, for fixtures of a wider scope that build on it."""
    hz = orgs["杭州市职称工作领导小组办公室"]
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    # With a valid 备案: the object matrix holds a meeting of it, and a 未备案 committee holds none (ADR 0032).
    committee = rounds.create_committee(
        actor=users["hzadmin"],
        host=hz,
        name="杭州市中小学教师评委会",
        series=series,
        levels=levels,
        specialties=[],
        filing_number="浙职改备〔2026〕12号",
        valid_until=timezone.localdate() + dt.timedelta(days=365),
    )
    round_ = rounds.create_round(
        actor=users["hzadmin"],
        publisher=hz,
        title="2026年度中小学教师职称评审",
        year=2026,
        kind="review",
        series=series,
        committee=committee,
        opens_at=dt.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI),
        closes_at=dt.datetime.now(tz=SHANGHAI) + dt.timedelta(days=60),
    )
    rounds.update_round(
        actor=users["hzadmin"],
        round_id=round_.pk,
        changes={"levels": levels, "routes": ["01"]},
        scope=[orgs["杭州市卫生健康委员会"], orgs["杭州市教育局"]],
    )
    return rounds.publish_round(actor=users["hzadmin"], round_id=round_.pk)


@pytest.fixture
def submitted(users, review_round):
    """朱老师 (杭州第二中学) has submitted: chain 直属学校管理中心 → 市教育局 → 市职改办."""
    return submit_for(users["teacher"], review_round)
