"""The expert pool the draw and its pages start from."""

import datetime as dt

import pytest
from django.utils import timezone

from title_review.access.roles import Role
from title_review.accounts.models import User
from title_review.committees.models import Expert, ExpertStatus
from title_review.dictionaries.models import Entry
from title_review.exchange.tests.factories import accepted_for, publish_round
from title_review.organisations.models import Organisation
from title_review.rounds import services as rounds
from title_review.rounds.models import Round

from .factories import HOST, _account


def _expert(username: str, employer: Organisation, series: Entry, **extra) -> Expert:
    user = _account(username, f"专家{username[-3:]}", employer, Role.EXPERT)
    today = timezone.localdate()
    values = {
        "user": user,
        "employer": employer,
        "series": series,
        "title_name": "正高级教师",
        "level": "1",
        "term_starts": today - dt.timedelta(days=30),
        "term_ends": today + dt.timedelta(days=700),
        "status": ExpertStatus.ACTIVE,
    } | extra
    return Expert.objects.create(**values)


@pytest.fixture
def pool(seeded):
    """A round of the 杭州市职改办's committee with 朱老师 (杭州第二中学) accepted; 60 experts at 杭州市第一人民医院,
    5 at the province office (outside 杭州), one at 杭州第二中学, and the committee's secretary."""
    host = Organisation.objects.get(name=HOST)
    hzadmin = User.objects.get(username="hzadmin")
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    committee = rounds.create_committee(
        actor=hzadmin,
        host=host,
        name="杭州市中小学教师评委会",
        series=series,
        levels=levels,
        specialties=[],
        filing_number="浙职改备〔2026〕12号",
        valid_until=timezone.localdate() + dt.timedelta(days=365),
    )
    round_ = publish_round()
    Round.objects.filter(pk=round_.pk).update(committee=committee)
    declaration = accepted_for("teacher", round_)
    hospital = Organisation.objects.get(name="杭州市第一人民医院")
    province = Organisation.objects.get(name="浙江省职称工作领导小组办公室")
    school = Organisation.objects.get(name="杭州第二中学")
    inside = [_expert(f"zj_in{i:03d}", hospital, series) for i in range(60)]
    outside = [_expert(f"zj_out{i:03d}", province, series) for i in range(5)]
    colleague = _expert("zj_col001", school, series)
    return {
        "committee": committee,
        "round": round_,
        "declaration": declaration,
        "secretary": _account("pwmishu", "评委会秘书", host, Role.COMMITTEE_SECRETARY),
        "inside": inside,
        "outside": outside,
        "colleague": colleague,
        "series": series,
    }
