"""工作日设置: the State Council schedule with 调休, the province's overrides first, Monday–Friday beyond the data."""

import logging
from datetime import date

import pytest

from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError, NotAllowed
from title_review.system import workdays
from title_review.system.models import WorkingDayOverride
from title_review.system.services import remove_working_day_override, set_working_day_override
from title_review.system.workdays import add_working_days, is_working_day, working_days_between

URL = "/system/workdays/"


def override(day: date, *, working: bool, note: str = "") -> WorkingDayOverride:
    return WorkingDayOverride.objects.create(date=day, is_working_day=working, note=note)


# ---- the calendar -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 9, 30), True),  # Wednesday before National Day
        (date(2026, 10, 1), False),  # 国庆节
        (date(2026, 10, 7), False),  # last day of the holiday, a Wednesday
        (date(2026, 10, 10), True),  # Saturday, 调休 working day
        (date(2026, 10, 11), False),  # Sunday
        (date(2026, 2, 14), True),  # Saturday, 调休 before 春节
        (date(2026, 2, 16), False),  # 春节 (Monday)
        (date(2026, 2, 23), False),  # last day of 春节, a Monday
        (date(2026, 2, 28), True),  # Saturday, 调休 after 春节
        (date(2026, 3, 1), False),  # Sunday
    ],
)
def test_the_state_council_schedule_with_its_tiaoxiu_days(day, working):
    assert is_working_day(day) is working


@pytest.mark.django_db
def test_a_publicity_over_national_day_2026():
    # Wed 9-30 is day 1; Oct 1–7 off; Thu 8, Fri 9, Sat 10 (调休); Sun 11 off; Mon 12 is day 5.
    assert add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 12)
    # From Thu 10-08: 8, 9, 10 (Sat), 12, 13.
    assert add_working_days(date(2026, 10, 8), 5) == date(2026, 10, 13)
    # A start on a holiday is not counted: the first working day is 10-08.
    assert add_working_days(date(2026, 10, 1), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 1), 5) == date(2026, 10, 13)


@pytest.mark.django_db
def test_include_start_false_counts_from_the_next_day():
    assert add_working_days(date(2026, 9, 30), 5, include_start=False) == date(2026, 10, 13)
    assert add_working_days(date(2026, 9, 29), 1, include_start=False) == date(2026, 9, 30)


@pytest.mark.django_db
def test_a_publicity_over_spring_festival_2026():
    # Thu 2-12, Fri 2-13, Sat 2-14 (调休), then 2-15 … 2-23 off, Tue 2-24, Wed 2-25.
    assert add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 25)
    # Mon 2-9 … Sat 2-14 (6 days), Tue 2-24 … Sat 2-28 (5 days, 2-28 调休), Sun 3-1 off.
    assert working_days_between(date(2026, 2, 9), date(2026, 3, 1)) == 11


@pytest.mark.django_db
def test_working_days_between_is_inclusive():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 5
    assert working_days_between(date(2026, 10, 12), date(2026, 10, 12)) == 1
    assert working_days_between(date(2026, 10, 11), date(2026, 10, 11)) == 0
    assert working_days_between(date(2026, 10, 12), date(2026, 9, 30)) == 0


@pytest.mark.django_db
def test_an_override_turning_a_friday_into_a_rest_day_shifts_the_end():
    override(date(2026, 10, 9), working=False, note="台风停工")
    assert is_working_day(date(2026, 10, 9)) is False
    assert add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 12)) == 4


@pytest.mark.django_db
def test_an_override_turning_a_holiday_into_a_working_day_counts_it():
    override(date(2026, 10, 7), working=True, note="省内补班")
    assert add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 10)


@pytest.mark.django_db
def test_a_year_beyond_the_library_falls_back_to_weekdays_and_warns_once(caplog, monkeypatch):
    monkeypatch.setattr(workdays, "_warned_years", set())
    assert workdays.has_national_schedule(2026) is True
    assert workdays.has_national_schedule(2027) is False
    with caplog.at_level(logging.WARNING, logger="title_review.system.workdays"):
        assert is_working_day(date(2027, 1, 1)) is True  # a Friday; 元旦 unknown to the library
        assert is_working_day(date(2027, 1, 2)) is False  # Saturday
        # Wed 12-30, Thu 12-31 (2026 data), Fri 1-1, Mon 1-4, Tue 1-5 (Monday–Friday).
        assert add_working_days(date(2026, 12, 30), 5) == date(2027, 1, 5)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "2027" in warnings[0].getMessage()


@pytest.mark.django_db
def test_overrides_fill_in_a_year_the_library_does_not_know():
    override(date(2027, 1, 1), working=False, note="元旦")
    assert is_working_day(date(2027, 1, 1)) is False
    assert add_working_days(date(2026, 12, 30), 5) == date(2027, 1, 6)


@pytest.mark.django_db
def test_count_must_be_at_least_one():
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2026, 9, 30), 0)


@pytest.mark.django_db
def test_each_call_reads_the_overrides_in_one_query(django_assert_num_queries):
    for day in (date(2026, 10, 9), date(2026, 10, 16), date(2026, 11, 6)):
        override(day, working=False)
    with django_assert_num_queries(1):
        assert add_working_days(date(2026, 9, 30), 20) == date(2026, 11, 4)
    with django_assert_num_queries(1):
        assert working_days_between(date(2026, 1, 1), date(2026, 12, 31)) > 200
    with django_assert_num_queries(1):
        is_working_day(date(2026, 10, 9))
    # A year of working days still needs only one query.
    with django_assert_num_queries(1):
        add_working_days(date(2026, 1, 1), 250)


# ---- services -----------------------------------------------------------------------------------------


def test_province_admin_sets_and_changes_an_override_with_audit(users):
    admin = users["zjadmin"]
    row = set_working_day_override(actor=admin, day=date(2026, 10, 9), is_working_day=False, note=" 台风停工 ")
    assert (row.date, row.is_working_day, row.note, row.created_by) == (date(2026, 10, 9), False, "台风停工", admin)
    event = AuditEvent.objects.get(action="workday.override")
    assert event.before is None
    assert event.after == {"date": "2026-10-09", "is_working_day": False, "note": "台风停工"}
    assert event.object_id == str(row.pk) and event.actor_id == admin.pk

    again = set_working_day_override(actor=admin, day=date(2026, 10, 9), is_working_day=True, note="补班")
    assert again.pk == row.pk and WorkingDayOverride.objects.count() == 1
    latest = AuditEvent.objects.filter(action="workday.override").first()
    assert latest.before == {"date": "2026-10-09", "is_working_day": False, "note": "台风停工"}
    assert latest.after == {"date": "2026-10-09", "is_working_day": True, "note": "补班"}


def test_province_admin_removes_an_override_with_audit(users):
    row = override(date(2026, 10, 9), working=False, note="台风停工")
    remove_working_day_override(actor=users["zjadmin"], override_id=row.pk)
    assert not WorkingDayOverride.objects.exists()
    event = AuditEvent.objects.get(action="workday.override_remove")
    assert event.before == {"date": "2026-10-09", "is_working_day": False, "note": "台风停工"}
    with pytest.raises(DomainError, match="不存在"):
        remove_working_day_override(actor=users["zjadmin"], override_id=row.pk)


def test_without_workday_manage_both_services_are_refused(users):
    row = override(date(2026, 10, 9), working=False)
    for username in ("hzadmin", "secadmin", "hospitaladmin"):
        with pytest.raises(NotAllowed, match="工作日由省级统一设置"):
            set_working_day_override(actor=users[username], day=date(2026, 10, 9), is_working_day=True, note="")
        with pytest.raises(NotAllowed):
            remove_working_day_override(actor=users[username], override_id=row.pk)
    row.refresh_from_db()
    assert row.is_working_day is False
    assert not AuditEvent.objects.filter(action__startswith="workday.").exists()


@pytest.mark.parametrize(
    ("day", "is_working", "note", "message"),
    [
        (None, False, "", "请填写日期"),
        ("2026-10-09", False, "", "请填写日期"),
        (date(2026, 10, 9), "no", "", "工作日或休息日"),
        (date(2026, 10, 9), False, "长" * 101, "不能超过 100 个字"),
    ],
)
def test_bad_input_is_refused_in_chinese(users, day, is_working, note, message):
    with pytest.raises(DomainError, match=message):
        set_working_day_override(actor=users["zjadmin"], day=day, is_working_day=is_working, note=note)
    assert not WorkingDayOverride.objects.exists()


# ---- the page -----------------------------------------------------------------------------------------


def test_province_admin_adds_and_deletes_an_override(login, users):
    client = login("zjadmin")
    page = client.get(URL).content.decode()
    assert '<h1 class="h4 mb-3">工作日设置</h1>' in page and "本级只能查看" not in page
    response = client.post(URL, {"date": "2026-10-09", "kind": "rest", "note": "台风停工"}, follow=True)
    body = response.content.decode()
    assert "已将 2026-10-09 设为休息日" in body and "台风停工" in body
    row = WorkingDayOverride.objects.get()
    assert (row.date, row.is_working_day, row.created_by) == (date(2026, 10, 9), False, users["zjadmin"])

    response = client.post(f"{URL}{row.pk}/delete/", follow=True)
    assert "已删除该日的调整" in response.content.decode()
    assert not WorkingDayOverride.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="workday.").count() == 2


def test_province_admin_sees_form_errors(login, seeded):
    client = login("zjadmin")
    body = client.post(URL, {"date": "", "kind": "rest", "note": "长" * 101}).content.decode()
    assert "请填写日期" in body and "100" in body
    body = client.post(URL, {"date": "2201-01-01", "kind": "rest"}).content.decode()
    assert "日期须在 2000 年至 2100 年之间" in body
    assert not WorkingDayOverride.objects.exists()


def test_city_admin_sees_the_page_but_cannot_change_it(login, seeded):
    row = override(date(2026, 10, 9), working=False, note="台风停工")
    client = login("hzadmin")
    body = client.get(URL).content.decode()
    assert "本级只能查看" in body and "台风停工" in body
    assert 'name="note"' not in body and "删除" not in body

    response = client.post(URL, {"date": "2026-10-12", "kind": "rest", "note": "x"})
    assert response.status_code == 403
    assert client.post(f"{URL}{row.pk}/delete/").status_code == 404
    assert list(WorkingDayOverride.objects.values_list("date", flat=True)) == [date(2026, 10, 9)]
    assert not AuditEvent.objects.filter(action__startswith="workday.").exists()


def test_the_page_is_refused_to_an_employer(login, seeded):
    assert login("hospitaladmin").get(URL).status_code == 403


def test_delete_needs_post(login, seeded):
    row = override(date(2026, 10, 9), working=False)
    assert login("zjadmin").get(f"{URL}{row.pk}/delete/").status_code == 405
    assert WorkingDayOverride.objects.exists()


def test_calendar_query_shows_the_end_date(login, seeded):
    client = login("hzadmin")
    body = client.get(URL, {"start": "2026-09-30", "count": "5"}).content.decode()
    assert "自 2026-09-30（星期三）起第 5 个工作日是" in body
    assert '<strong data-testid="calendar-end">2026-10-12</strong>（星期一）' in body
    assert "国家节假日安排尚未收录" not in body


def test_calendar_query_warns_about_a_year_without_national_data(login, seeded):
    body = login("zjadmin").get(URL, {"start": "2026-12-30", "count": "5"}).content.decode()
    assert '<strong data-testid="calendar-end">2027-01-05</strong>' in body
    assert "2027 年的国家节假日安排尚未收录" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-09-30", "count": "0"}, "1"),
        ({"start": "", "count": "5"}, "请填写开始日期"),
        ({"start": "1999-12-31", "count": "5"}, "2000 年至 2100 年"),
    ],
)
def test_calendar_query_refuses_bad_input(login, seeded, params, message):
    body = login("zjadmin").get(URL, params).content.decode()
    assert message in body and "calendar-end" not in body


def test_page_queries_do_not_grow_with_overrides_or_days(login, seeded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    override(date(2026, 1, 31), working=True, note="调整 0")
    client = login("zjadmin")
    client.get(URL)  # warm the session

    def queries(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"start": "2026-02-01", "count": str(count)})
        assert response.status_code == 200 and "calendar-end" in response.content.decode()
        return len(captured)

    few = queries(5)
    for day in range(1, 29):
        override(date(2026, 2, day), working=day % 2 == 0, note=f"调整 {day}")
    assert queries(200) == few <= 12  # overrides read once for the query, once (count + page) for the list
    assert "调整 28" in client.get(URL).content.decode()


def test_the_menu_lists_the_page_after_policies(login, seeded):
    body = login("hzadmin").get("/").content.decode()
    assert body.index("参数设置") < body.index("工作日设置")
