import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from title_review.dictionaries.models import Entry
from title_review.rounds import services as rounds

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def open_round(users, orgs):
    """A published 中小学教师 round open now, for the 杭州市卫生健康委员会 and 杭州市教育局 subtrees."""
    hz = orgs["杭州市职称工作领导小组办公室"]
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    committee = rounds.create_committee(
        actor=users["hzadmin"], host=hz, name="杭州市中小学教师评委会", series=series, levels=levels, specialties=[]
    )
    now = dt.datetime.now(tz=SHANGHAI)
    round_ = rounds.create_round(
        actor=users["hzadmin"],
        publisher=hz,
        title="2026年度中小学教师职称评审",
        year=2026,
        kind="review",
        series=series,
        committee=committee,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    rounds.update_round(
        actor=users["hzadmin"],
        round_id=round_.pk,
        changes={"levels": levels, "routes": ["01"], "series_section": "teacher"},
        scope=[orgs["杭州市卫生健康委员会"], orgs["杭州市教育局"]],
    )
    return rounds.publish_round(actor=users["hzadmin"], round_id=round_.pk)
