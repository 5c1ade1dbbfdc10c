"""Rounds for precheck tests (unit, HTTP and browser): one place that opens a published round in a series."""

import datetime as dt
from zoneinfo import ZoneInfo

from title_review.accounts.models import User
from title_review.dictionaries.models import Entry
from title_review.organisations.models import Organisation
from title_review.rounds import services as rounds

SHANGHAI = ZoneInfo("Asia/Shanghai")
HZ = "杭州市职称工作领导小组办公室"


def open_round(series_name: str, *, mode: str = "warn", level: str = "副高级", title: str = ""):
    """A published round of the 杭州市职改办 in `series_name` for the 卫生健康委员会's units, its precheck in `mode`."""
    admin = User.objects.get(username="hzadmin")
    now = dt.datetime.now(tz=SHANGHAI)
    round_ = rounds.create_round(
        actor=admin,
        publisher=Organisation.objects.get(name=HZ),
        title=title or f"{now.year}年度{series_name}职称评审",
        year=now.year,
        kind="review",
        series=Entry.objects.get(type__code="series", name=series_name),
        committee=None,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    rounds.update_round(
        actor=admin,
        round_id=round_.pk,
        changes={
            "levels": [Entry.objects.get(type__code="level", name=level).code],
            "routes": ["01"],
            "precheck_mode": mode,
        },
        scope=[Organisation.objects.get(name="杭州市卫生健康委员会")],
    )
    return rounds.publish_round(actor=admin, round_id=round_.pk)
