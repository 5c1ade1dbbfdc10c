"""评委会 register (issue 13 point 1, ADR 0032): 备案号 and 备案有效期 (≤ 3 years from the 备案日期), required when
the province registers a committee; a round cannot take a committee whose 备案 ends before the round closes, or
whose series, levels or specialties do not cover it. Every refusal is in Chinese and saves nothing."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError
from title_review.dictionaries.models import Entry
from title_review.rounds import services
from title_review.rounds.models import Committee, Round, RoundStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROVINCE = "浙江省职称工作领导小组办公室"
CITY = "杭州市职称工作领导小组办公室"


def _entry(type_code, name):
    return Entry.objects.get(type__code=type_code, name=name)


def _levels(*names):
    return list(Entry.objects.filter(type__code="level", name__in=names).values_list("code", flat=True))


def _committee(users, orgs, *, actor="zjadmin", host=PROVINCE, name="浙江省中小学教师高级职务评审委员会", **extra):
    values = {
        "series": _entry("series", "中小学教师"),
        "levels": _levels("中级", "副高级"),
        "specialties": [],
        "filing_number": "浙职改备〔2026〕3号",
        "filed_on": dt.date(2026, 3, 1),
        "valid_until": dt.date(2029, 2, 28),
    } | extra
    return services.create_committee(actor=users[actor], host=orgs[host], name=name, **values)


def _round(users, orgs, committee, *, closes=dt.datetime(2026, 12, 20, 17, 0, tzinfo=SHANGHAI), **extra):
    values = {
        "title": "2026年度全省中小学教师职称评审",
        "year": 2026,
        "kind": "review",
        "series": _entry("series", "中小学教师"),
        "opens_at": dt.datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI),
        "closes_at": closes,
    } | extra
    return services.create_round(actor=users["zjadmin"], publisher=orgs[PROVINCE], committee=committee, **values)


# ---- the register -------------------------------------------------------------------------------------------


def test_the_province_registers_a_committee_with_its_filing(users, orgs):
    committee = _committee(users, orgs)
    assert (committee.filing_number, committee.filed_on, committee.valid_until) == (
        "浙职改备〔2026〕3号",
        dt.date(2026, 3, 1),
        dt.date(2029, 2, 28),
    )
    event = AuditEvent.objects.get(action="committee.create", object_id=str(committee.pk))
    assert event.after["filing_number"] == "浙职改备〔2026〕3号" and event.after["valid_until"] == "2029-02-28"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"filing_number": "", "filed_on": None, "valid_until": None}, "省级职改办组建.*须填写备案号和备案有效期"),
        ({"valid_until": None, "filed_on": None}, "省级职改办组建.*须填写备案号和备案有效期"),
        ({"filing_number": ""}, "省级职改办组建.*须填写备案号和备案有效期"),
        (
            {"valid_until": dt.date(2029, 3, 2)},
            "备案有效期不超过 3 年：备案日期 2026-03-01，有效期至最晚 2029-03-01，现为 2029-03-02",
        ),
        ({"valid_until": dt.date(2026, 3, 1)}, "须晚于备案日期 2026-03-01"),
    ],
)
def test_the_province_cannot_register_without_a_valid_filing(users, orgs, changes, message):
    before = Committee.objects.count()
    with pytest.raises(DomainError, match=message):
        _committee(users, orgs, **changes)
    assert Committee.objects.count() == before


def test_three_years_to_the_day_is_the_longest_filing(users, orgs):
    assert _committee(users, orgs, valid_until=dt.date(2029, 3, 1)).valid_until == dt.date(2029, 3, 1)
    leap = _committee(
        users, orgs, name="闰日备案的评委会", filed_on=dt.date(2028, 2, 29), valid_until=dt.date(2031, 2, 28)
    )
    assert leap.valid_until == dt.date(2031, 2, 28)


def test_without_a_filing_date_the_filing_is_dated_today(users, orgs):
    today = timezone.localdate()
    committee = _committee(users, orgs, filed_on=None, valid_until=today + dt.timedelta(days=30))
    assert committee.filed_on == today
    with pytest.raises(DomainError, match="不超过 3 年"):
        _committee(users, orgs, name="另一个评委会", filed_on=None, valid_until=today + dt.timedelta(days=4 * 365))


def test_a_city_may_set_up_a_committee_before_its_filing_but_not_half_a_filing(users, orgs):
    unfiled = _committee(
        users, orgs, actor="hzadmin", host=CITY, name="杭州市评委会", filing_number="", filed_on=None, valid_until=None
    )
    assert unfiled.filing_state(timezone.localdate()) == "none"
    with pytest.raises(DomainError, match="备案号和备案有效期须一并填写"):
        _committee(users, orgs, actor="hzadmin", host=CITY, name="杭州市评委会二", valid_until=None, filed_on=None)


# ---- rounds take only a committee in force that covers them --------------------------------------------------


def test_a_round_cannot_be_created_with_a_committee_whose_filing_ends_before_it_closes(users, orgs):
    committee = _committee(users, orgs, filed_on=dt.date(2024, 1, 1), valid_until=dt.date(2026, 12, 19))
    before = Round.objects.count()
    with pytest.raises(DomainError, match="备案有效期至 2026-12-19，早于本活动的申报截止日期 2026-12-20"):
        _round(users, orgs, committee)
    assert Round.objects.count() == before
    # Valid up to the closing day itself is enough.
    Committee.objects.filter(pk=committee.pk).update(valid_until=dt.date(2026, 12, 20))
    committee.refresh_from_db()
    assert _round(users, orgs, committee).committee_id == committee.pk


def test_a_round_cannot_be_created_with_a_committee_of_another_series_or_out_of_service(users, orgs):
    committee = _committee(users, orgs)
    with pytest.raises(DomainError, match="系列与活动的系列不一致"):
        _round(users, orgs, committee, series=_entry("series", "工程技术人员"))
    Committee.objects.filter(pk=committee.pk).update(is_active=False)
    committee.refresh_from_db()
    with pytest.raises(DomainError, match="已停用"):
        _round(users, orgs, committee)
    assert not Round.objects.filter(title="2026年度全省中小学教师职称评审").exists()


def test_a_round_cannot_be_published_once_its_committee_filing_has_lapsed(users, orgs):
    committee = _committee(users, orgs, valid_until=dt.date(2029, 2, 28))
    closes = timezone.now() + dt.timedelta(days=40)
    round_ = _round(users, orgs, committee, closes=closes, opens_at=timezone.now())
    services.update_round(
        actor=users["zjadmin"], round_id=round_.pk, changes={"routes": ["01"]}, scope=[orgs["杭州市教育局"]]
    )
    # The 备案 is found to end before the round closes (entered wrong, or cut short).
    Committee.objects.filter(pk=committee.pk).update(valid_until=timezone.localdate() + dt.timedelta(days=10))
    with pytest.raises(DomainError, match="早于本活动的申报截止日期"):
        services.publish_round(actor=users["zjadmin"], round_id=round_.pk)
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.DRAFT
    assert not AuditEvent.objects.filter(action="round.publish", object_id=str(round_.pk)).exists()


def test_a_committee_of_some_specialties_covers_only_those(users, orgs):
    series = _entry("series", "中小学教师")
    maths, chinese = (
        Entry.objects.get(type__code="specialty", parent=series, name=name).code for name in ("数学", "语文")
    )
    committee = _committee(users, orgs, specialties=[maths])
    round_ = _round(users, orgs, committee)
    with pytest.raises(DomainError, match="只受理部分专业（数学），请选择活动的受理专业"):
        services.update_round(actor=users["zjadmin"], round_id=round_.pk, changes={"notice": "通知"})
    with pytest.raises(DomainError, match="不在评委会受理范围内：语文"):
        services.update_round(actor=users["zjadmin"], round_id=round_.pk, changes={"specialties": [maths, chinese]})
    services.update_round(actor=users["zjadmin"], round_id=round_.pk, changes={"specialties": [maths]})
    assert Round.objects.get(pk=round_.pk).specialties == [maths]
    with pytest.raises(DomainError, match="不能评审这些级别：正高级"):
        services.update_round(actor=users["zjadmin"], round_id=round_.pk, changes={"levels": _levels("正高级")})


def test_existing_committees_get_a_filing_date_within_three_years_of_its_end():
    migration = importlib.import_module("title_review.rounds.migrations.0003_committee_filed_on")
    assert migration.three_years_before(dt.date(2029, 2, 28)) == dt.date(2026, 2, 28)
    assert migration.three_years_before(dt.date(2032, 2, 29)) == dt.date(2029, 2, 28)


# ---- the pages ----------------------------------------------------------------------------------------------


def test_the_register_page_shows_filing_numbers_and_marks_expired_committees(
    login, users, orgs, django_assert_max_num_queries
):
    _committee(users, orgs)
    lapsed = _committee(
        users, orgs, name="浙江省工程技术人员高级职称评审委员会（上一届）", series=_entry("series", "工程技术人员")
    )
    Committee.objects.filter(pk=lapsed.pk).update(
        filed_on=dt.date(2020, 1, 1), valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    client = login("zjadmin")
    with django_assert_max_num_queries(14):
        page = client.get("/rounds/committees/").content.decode()
    row = page.split("浙江省工程技术人员高级职称评审委员会（上一届）")[1].split("</tr>")[0]
    assert "备案已过期" in row
    valid = page.split("浙江省中小学教师高级职务评审委员会")[1].split("</tr>")[0]
    assert "浙职改备〔2026〕3号" in valid and "2029-02-28" in valid and "备案有效" in valid
    detail = client.get(f"/rounds/committees/{lapsed.pk}/").content.decode()
    assert "备案已过期" in detail and "2020-01-01" in detail


def test_the_province_adds_a_committee_on_the_page_only_with_its_filing(login, orgs):
    client = login("zjadmin")
    form = {
        "name": "浙江省卫生高级职称评审委员会",
        "host": orgs[PROVINCE].pk,
        "series": _entry("series", "卫生技术人员").pk,
        "levels": _levels("正高级", "副高级"),
        "filing_number": "",
        "filed_on": "2026-03-01",
        "valid_until": "",
    }
    refused = client.post("/rounds/committees/", form)
    assert refused.status_code == 200
    assert "省级职改办组建（核准备案）的评委会须填写备案号和备案有效期" in refused.content.decode()
    too_long = client.post(
        "/rounds/committees/", form | {"filing_number": "浙职改备〔2026〕9号", "valid_until": "2029-06-30"}
    )
    assert "有效期至最晚 2029-03-01" in too_long.content.decode()
    assert not Committee.objects.filter(name="浙江省卫生高级职称评审委员会").exists()
    saved = client.post(
        "/rounds/committees/", form | {"filing_number": "浙职改备〔2026〕9号", "valid_until": "2029-02-28"}, follow=True
    )
    text = saved.content.decode()
    assert "已新增评委会“浙江省卫生高级职称评审委员会”" in text and "浙职改备〔2026〕9号" in text
    assert Committee.objects.get(name="浙江省卫生高级职称评审委员会").filed_on == dt.date(2026, 3, 1)


# ---- 登记备案 / 备案延续 -------------------------------------------------------------------------------------------


def test_the_province_renews_a_filing_and_the_old_one_stays_in_the_log(users, orgs):
    committee = _committee(
        users, orgs, actor="hzadmin", host=CITY, name="杭州市评委会", filing_number="", filed_on=None, valid_until=None
    )
    with pytest.raises(DomainError, match="评委会备案由省级职改办登记"):
        services.record_filing(
            actor=users["hzadmin"],
            committee_id=committee.pk,
            filing_number="杭职改备〔2026〕1号",
            filed_on=dt.date(2026, 3, 1),
            valid_until=dt.date(2029, 2, 28),
        )
    with pytest.raises(DomainError, match="不超过 3 年"):
        services.record_filing(
            actor=users["zjadmin"],
            committee_id=committee.pk,
            filing_number="浙职改备〔2026〕5号",
            filed_on=dt.date(2026, 3, 1),
            valid_until=dt.date(2029, 3, 2),
        )
    assert Committee.objects.get(pk=committee.pk).filing_number == ""
    services.record_filing(
        actor=users["zjadmin"],
        committee_id=committee.pk,
        filing_number="浙职改备〔2026〕5号",
        filed_on=dt.date(2026, 3, 1),
        valid_until=dt.date(2029, 2, 28),
    )
    committee.refresh_from_db()
    assert (committee.filing_number, committee.valid_until) == ("浙职改备〔2026〕5号", dt.date(2029, 2, 28))
    event = AuditEvent.objects.get(action="committee.filing", object_id=str(committee.pk))
    assert event.before["filing_number"] == "" and event.after["valid_until"] == "2029-02-28"


def test_the_filing_form_is_the_provinces_only(login, users, orgs):
    committee = _committee(
        users, orgs, actor="hzadmin", host=CITY, name="杭州市评委会", filing_number="", filed_on=None, valid_until=None
    )
    url = f"/rounds/committees/{committee.pk}/"
    city = login("hzadmin").get(url).content.decode()
    assert "未备案" in city and "登记备案 / 备案延续" not in city
    client = login("zjadmin")
    page = client.get(url).content.decode()
    assert "登记备案 / 备案延续" in page and "请填写学科组名称" not in page
    form = {"action": "filing", "filing-filing_number": "浙职改备〔2026〕5号", "filing-filed_on": "2026-03-01"}
    refused = client.post(url, form | {"filing-valid_until": "2029-12-31"}).content.decode()
    assert "有效期至最晚 2029-03-01" in refused
    saved = client.post(url, form | {"filing-valid_until": "2029-02-28"}, follow=True).content.decode()
    assert "已登记备案" in saved and "浙职改备〔2026〕5号" in saved
    assert Committee.objects.get(pk=committee.pk).valid_until == dt.date(2029, 2, 28)
    # The panel form on the same page still answers to its own button.
    added = client.post(url, {"name": "建筑工程学科组"}, follow=True).content.decode()
    assert "已新增学科组" in added and "建筑工程学科组" in added
