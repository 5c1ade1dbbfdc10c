"""The Chinese working-day calendar: the State Council's holiday and 调休 schedule, then the province's overrides.

Rule for one day, first match wins:

1. a `WorkingDayOverride` row for that date (工作日设置, maintained by the province);
2. `chinese_calendar.is_workday` — the published 国务院办公厅 schedule, 调休 Saturdays and Sundays included;
3. for a year the library has no data for (it knows 2004–2026 in 1.11.0): Monday–Friday are working days,
   and a warning is logged once per year and process. Enter that year's schedule as overrides until the
   library is updated.

Counting follows 公示期自公示之日起计算: the start day is day 1 when it is a working day (ADR 0010).
Every call reads the overrides it needs in one query per date window; nothing is cached between calls.
"""

import logging
from datetime import date, timedelta

import chinese_calendar

from .models import WorkingDayOverride

logger = logging.getLogger(__name__)

# Years already warned about in this process (a log line, not calendar data).
_warned_years: set[int] = set()

# How far past the days still needed one override query reaches; 60 days cover the longest holiday.
_WINDOW_SLACK_DAYS = 60


def has_national_schedule(year: int) -> bool:
    """Whether `chinese_calendar` knows the State Council schedule of `year` (otherwise: Monday–Friday)."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _national(day: date) -> bool:
    """The State Council schedule for `day`; Monday–Friday for a year the library does not know."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning(
                "chinese-calendar has no holiday data for %s: counting Monday-Friday as working days "
                "(enter the year's schedule in 工作日设置)",
                day.year,
            )
        return day.weekday() < 5


def _overrides(first: date, last: date) -> dict[date, bool]:
    """The province's overrides from `first` to `last` inclusive, in one query."""
    rows = WorkingDayOverride.objects.filter(date__range=(first, last)).order_by().values_list("date", "is_working_day")
    return dict(rows)


def _working(day: date, overrides: dict[date, bool]) -> bool:
    found = overrides.get(day)
    return _national(day) if found is None else found


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day: the override table first, then the State Council schedule
    (`chinese_calendar`), then Monday–Friday for a year the library has no data for."""
    return _working(day, _overrides(day, day))


def add_working_days(start: date, count: int, *, include_start: bool = True) -> date:
    """The date of the `count`-th working day counted from `start`.

    With `include_start` (公示期自公示之日起计算) a `start` that is a working day is day 1, so a
    5-working-day publicity from Wednesday 2026-09-30 ends on Monday 2026-10-12 (Oct 1–7 National Day,
    Saturday Oct 10 a 调休 working day). Without it, counting begins the day after `start`.
    A `start` that is not a working day is never counted. `count` must be at least 1.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    day = start if include_start else start + timedelta(days=1)
    loaded_to = day - timedelta(days=1)
    overrides: dict[date, bool] = {}
    found = 0
    while True:
        if day > loaded_to:
            # Calendar days needed are at most about twice the working days left, plus a holiday.
            loaded_to = day + timedelta(days=2 * (count - found) + _WINDOW_SLACK_DAYS)
            overrides.update(_overrides(day, loaded_to))
        if _working(day, overrides):
            found += 1
            if found == count:
                return day
        day += timedelta(days=1)


def working_days_between(start: date, end: date) -> int:
    """How many working days lie from `start` to `end`, both included (0 when `end` is before `start`)."""
    if end < start:
        return 0
    overrides = _overrides(start, end)
    return sum(_working(start + timedelta(days=n), overrides) for n in range((end - start).days + 1))
