from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone


class Clock:
    """A hand-moved clock standing in for django.utils.timezone.now (freezegun is not installed)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch):
    # 09:00 Beijing time, so that a test moving the clock a few minutes never crosses midnight.
    c = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c
