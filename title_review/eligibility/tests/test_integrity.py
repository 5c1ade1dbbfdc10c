"""诚信档案: a title office records a fraud ban, the precheck refuses the banned applicant until the ban
ends or is lifted, and every page keeps identity numbers masked."""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from title_review.achievements import services as records
from title_review.audit.models import AuditEvent
from title_review.core.errors import DomainError, NotAllowed
from title_review.core.models import PolicySetting
from title_review.declarations import precheck
from title_review.declarations import services as declarations
from title_review.declarations.models import PLEDGE_VERSION
from title_review.dictionaries.models import Entry
from title_review.eligibility import services
from title_review.eligibility.models import IntegrityRecord, IntegrityStatus
from title_review.eligibility.selectors import active_ban_until
from title_review.rounds import services as rounds

SHANGHAI = ZoneInfo("Asia/Shanghai")
APPLICANT_ID = "330106199003071236"  # the demo applicant 韩申报
MASKED = "330106********1236"
OTHER_ID = "11010519491231002X"  # a valid number nobody in the demo holds
HZ = "杭州市职称工作领导小组办公室"
XH = "西湖区职称工作领导小组办公室"
LIST_URL = "/eligibility/integrity/"
NEW_URL = "/eligibility/integrity/new/"


def chinese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def record(users, orgs, *, actor="hzadmin", office=HZ, **changes):
    values = {
        "id_type": "01",
        "id_number": APPLICANT_ID,
        "name": "韩申报",
        "reason": "2025年度申报材料中论文弄虚作假",
        "basis": "杭人社发〔2026〕12号",
        "starts_on": dt.date(2026, 3, 1),
    }
    values.update(changes)
    return services.record_integrity_ban(actor=users[actor], organisation_id=orgs[office].pk, **values)


def no_full_number(*texts: object) -> bool:
    return all(APPLICANT_ID not in json.dumps(t, ensure_ascii=False, default=str) for t in texts)


# ---- services ---------------------------------------------------------------------------------


def test_a_ban_lasts_three_years_by_default_and_is_audited_masked(users, orgs):
    ban = record(users, orgs, id_number=" 330106 19900307123 6 ")
    assert ban.id_number == APPLICANT_ID  # normalised as core.identity does
    assert ban.person == users["applicant"]  # the account with that number
    assert ban.ban_until == dt.date(2029, 3, 1)
    assert ban.organisation == orgs[HZ] and ban.recorded_by == users["hzadmin"]

    event = AuditEvent.objects.get(action="integrity.record")
    assert event.after["id_number"] == MASKED
    assert event.after["ban_until"] == "2029-03-01" and event.after["basis"] == "杭人社发〔2026〕12号"
    assert event.organisation_name == HZ
    assert no_full_number(event.before, event.after, event.object_repr, event.reason)


def test_the_ban_years_follow_the_province_setting(users, orgs):
    PolicySetting.objects.create(key="integrity.ban_years", value=5)
    assert record(users, orgs).ban_until == dt.date(2031, 3, 1)


def test_a_ban_starting_on_feb_29_ends_on_feb_28(users, orgs):
    assert record(users, orgs, starts_on=dt.date(2028, 2, 29)).ban_until == dt.date(2031, 2, 28)


def test_an_explicit_end_date_is_kept_and_a_person_without_an_account_can_be_recorded(users, orgs):
    ban = record(users, orgs, id_number=OTHER_ID.lower(), name="王某", ban_until=dt.date(2027, 12, 31))
    assert ban.id_number == OTHER_ID and ban.person is None
    assert ban.ban_until == dt.date(2027, 12, 31)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": "330106199003071235"}, "校验位不正确"),
        ({"id_number": "33010619900307123"}, "应为 18 位"),
        ({"id_type": "99"}, "请选择证件类型"),
        ({"name": " "}, "请填写姓名"),
        ({"reason": "  "}, "请填写记录事由"),
        ({"ban_until": dt.date(2026, 2, 28)}, "禁止申报截止日期（2026年2月28日）不能早于开始日期（2026年3月1日）"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_recorded(users, orgs, changes, message):
    with pytest.raises(DomainError, match=re.escape(message)):
        record(users, orgs, **changes)
    assert not IntegrityRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="integrity.record").exists()


def test_the_same_ban_is_not_recorded_twice(users, orgs):
    """A double click on 保存 gives one record."""
    record(users, orgs)
    with pytest.raises(DomainError, match="已有 2026年3月1日 至 2029年3月1日 的诚信记录，请勿重复录入"):
        record(users, orgs, id_number=APPLICANT_ID.lower())
    assert IntegrityRecord.objects.count() == 1


def test_only_a_title_office_records_bans(users, orgs):
    with pytest.raises(DomainError, match="须由职改办记录"):
        record(users, orgs, office="杭州市卫生健康委员会")
    # A reviewer who may read the archive may not write it.
    with pytest.raises(NotAllowed, match="只有职改办管理员"):
        record(users, orgs, actor="hzcheck")
    # A department administrator: refused at its own organisation, and the city office is not even shown.
    with pytest.raises(NotAllowed):
        record(users, orgs, actor="wjwadmin", office="杭州市卫生健康委员会")
    with pytest.raises(Http404):
        record(users, orgs, actor="wjwadmin")
    # A district office cannot record on behalf of the city above it.
    with pytest.raises(Http404):
        record(users, orgs, actor="xhadmin")
    assert not IntegrityRecord.objects.exists()


def test_lifting_keeps_the_row_audits_the_reason_and_happens_once(users, orgs):
    ban = record(users, orgs, starts_on=timezone.localdate())
    services.lift_integrity_ban(actor=users["hzadmin"], record_id=ban.pk, reason="复核后撤销原处理决定")
    ban.refresh_from_db()
    assert ban.lifted_by == users["hzadmin"] and ban.lift_reason == "复核后撤销原处理决定"
    assert ban.status_on(timezone.localdate()) == IntegrityStatus.LIFTED
    event = AuditEvent.objects.get(action="integrity.lift")
    assert event.reason == "复核后撤销原处理决定"
    assert event.before["status"] == "生效中" and event.after["status"] == "已解除"
    assert event.after["id_number"] == MASKED
    assert no_full_number(event.before, event.after, event.object_repr)

    with pytest.raises(DomainError, match="不能重复解除"):
        services.lift_integrity_ban(actor=users["hzadmin"], record_id=ban.pk, reason="再次解除")
    assert IntegrityRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="integrity.lift").count() == 1


def test_lifting_needs_a_reason_and_the_manager_of_the_recording_office(users, orgs):
    ban = record(users, orgs, starts_on=timezone.localdate())
    with pytest.raises(DomainError, match="请填写解除原因"):
        services.lift_integrity_ban(actor=users["hzadmin"], record_id=ban.pk, reason=" ")
    with pytest.raises(NotAllowed):
        services.lift_integrity_ban(actor=users["hzcheck"], record_id=ban.pk, reason="越权")
    with pytest.raises(Http404):
        services.lift_integrity_ban(actor=users["xhadmin"], record_id=ban.pk, reason="越权")
    with pytest.raises(Http404):
        services.lift_integrity_ban(actor=users["wjwadmin"], record_id=ban.pk, reason="越权")
    ban.refresh_from_db()
    assert ban.lifted_at is None


def test_an_expired_ban_needs_no_lifting(users, orgs):
    ban = record(users, orgs, starts_on=dt.date(2020, 1, 1))
    with pytest.raises(DomainError, match="已于 2023年1月1日 到期，无需解除"):
        services.lift_integrity_ban(actor=users["hzadmin"], record_id=ban.pk, reason="到期")


def test_active_ban_until_takes_the_latest_unlifted_ban_in_force(users, orgs):
    day = dt.date(2026, 6, 1)
    assert active_ban_until(APPLICANT_ID, day) is None
    record(users, orgs, starts_on=dt.date(2025, 1, 1), ban_until=dt.date(2026, 12, 31))
    later = record(users, orgs, starts_on=dt.date(2026, 5, 1), ban_until=dt.date(2027, 6, 30))
    record(users, orgs, starts_on=dt.date(2026, 7, 1), ban_until=dt.date(2030, 1, 1))  # not started yet
    record(users, orgs, starts_on=dt.date(2020, 1, 1), ban_until=dt.date(2026, 5, 31))  # over
    assert active_ban_until(APPLICANT_ID, day) == dt.date(2027, 6, 30)
    assert active_ban_until(APPLICANT_ID.lower(), day) == dt.date(2027, 6, 30)
    services.lift_integrity_ban(actor=users["hzadmin"], record_id=later.pk, reason="复核撤销")
    assert active_ban_until(APPLICANT_ID, day) == dt.date(2026, 12, 31)
    assert active_ban_until(APPLICANT_ID, dt.date(2026, 5, 31)) == dt.date(2026, 12, 31)
    assert active_ban_until(APPLICANT_ID, dt.date(2027, 1, 1)) == dt.date(2030, 1, 1)
    assert active_ban_until(APPLICANT_ID, dt.date(2030, 1, 2)) is None
    assert active_ban_until(OTHER_ID, day) is None
    assert active_ban_until("", day) is None


# ---- the precheck -----------------------------------------------------------------------------


@pytest.fixture
def engineering_round(users, orgs):
    """A published 工程师 round open now, for the 杭州市卫生健康委员会 subtree, that blocks failed prechecks."""
    series = Entry.objects.get(type__code="series", name="工程技术人员")
    middle = Entry.objects.get(type__code="level", name="中级").code
    now = dt.datetime.now(tz=SHANGHAI)
    round_ = rounds.create_round(
        actor=users["hzadmin"],
        publisher=orgs[HZ],
        title=f"{now.year}年度工程师评审",
        year=now.year,
        kind="review",
        series=series,
        committee=None,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
    )
    rounds.update_round(
        actor=users["hzadmin"],
        round_id=round_.pk,
        changes={"levels": [middle], "routes": ["01"], "precheck_mode": "block"},
        scope=[orgs["杭州市卫生健康委员会"]],
    )
    return rounds.publish_round(actor=users["hzadmin"], round_id=round_.pk)


@pytest.fixture
def declaration(users, engineering_round):
    """The demo applicant's 工程师 declaration: 本科, 助理工程师 for 5 years."""
    applicant = users["applicant"]
    edu = records.save_record(
        actor=applicant,
        section="education",
        values={
            "school": "浙江工业大学",
            "major": "土木工程",
            "education": "21",
            "degree": "4",
            "enrolled_on": dt.date(2010, 9, 1),
            "graduated_on": dt.date(2014, 7, 1),
        },
    )
    started = declarations.start_declaration(
        actor=applicant, round_id=engineering_round.pk, pledge_version=PLEDGE_VERSION
    )
    return declarations.save_declaration(
        actor=applicant,
        declaration_id=started.pk,
        version=started.version,
        values={
            "route": "01",
            "target_qualification": Entry.objects.get(type__code="qualification", name="工程师").code,
            "current_qualification": Entry.objects.get(type__code="qualification", name="助理工程师").code,
            "current_qualification_date": dt.date(engineering_round.year - 5, 12, 31),
        },
        picks={"education": [edu.pk]},
        section_data={},
    )


def integrity_result(declaration):
    results, passed = precheck.run(declaration)
    return next(r for r in results if r.code == "integrity"), passed


def test_without_a_ban_the_integrity_rule_passes(declaration):
    check, _passed = integrity_result(declaration)
    assert check.passed is True
    assert check.detail == "无诚信档案限制申报记录。"


def test_a_banned_applicant_fails_with_the_end_date_until_the_ban_is_lifted(users, orgs, declaration):
    today = timezone.localdate()
    ban = record(users, orgs, starts_on=today - dt.timedelta(days=30))
    check, passed = integrity_result(declaration)
    assert check.passed is False and passed is False
    assert check.detail == f"存在诚信记录，禁止申报至 {chinese(ban.ban_until)}。"
    with pytest.raises(DomainError, match=f"禁止申报至 {chinese(ban.ban_until)}。.*不能提交"):
        declarations.submit_declaration(actor=users["applicant"], declaration_id=declaration.pk)

    services.lift_integrity_ban(actor=users["hzadmin"], record_id=ban.pk, reason="复核后撤销原处理决定")
    check, _passed = integrity_result(declaration)
    assert check.passed is True


def test_a_ban_ending_before_the_year_end_still_blocks_while_it_runs(users, orgs, declaration):
    """The ban's last day is today, well before Dec 31 of the 评审年度 (the seniority cutoff)."""
    today = timezone.localdate()
    ban = record(users, orgs, starts_on=today - dt.timedelta(days=400), ban_until=today)
    check, _passed = integrity_result(declaration)
    assert check.passed is False
    assert check.detail == f"存在诚信记录，禁止申报至 {chinese(today)}。"
    IntegrityRecord.objects.filter(pk=ban.pk).update(ban_until=today - dt.timedelta(days=1))
    assert integrity_result(declaration)[0].passed is True


def test_a_ban_recorded_by_another_city_blocks_too(users, orgs, declaration):
    """Bans hold province-wide: the precheck does not ask which office recorded the ban."""
    today = timezone.localdate()
    record(users, orgs, actor="zjadmin", office="浙江省职称工作领导小组办公室", starts_on=today)
    assert integrity_result(declaration)[0].passed is False


def test_the_facts_cost_one_query_on_the_integrity_records(declaration):
    with CaptureQueriesContext(connection) as captured:
        facts = precheck.facts_for(declaration)
    assert facts is not None and facts.integrity_ban_until is None
    assert facts.checked_on == timezone.localdate()
    on_integrity = [q["sql"] for q in captured.captured_queries if "eligibility_integrityrecord" in q["sql"]]
    assert len(on_integrity) == 1


# ---- pages ------------------------------------------------------------------------------------


def test_a_city_office_admin_adds_a_record_and_sees_it_masked(login, users, orgs):
    client = login("hzadmin")
    page = client.get(NEW_URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "新增诚信记录" in text and "不填则为开始日期起满 3 年的当日" in text
    response = client.post(
        NEW_URL,
        {
            "organisation": orgs[HZ].pk,
            "id_type": "01",
            "id_number": APPLICANT_ID,
            "name": "韩申报",
            "reason": "申报材料弄虚作假",
            "basis": "杭人社发〔2026〕12号",
            "starts_on": "2026-03-01",
            "ban_until": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == LIST_URL
    ban = IntegrityRecord.objects.get()
    assert ban.ban_until == dt.date(2029, 3, 1) and ban.recorded_by == users["hzadmin"]

    listing = client.get(LIST_URL)
    text = listing.content.decode()
    assert "已新增韩申报的诚信记录，禁止申报至 2029年3月1日。" in text
    assert MASKED in text and APPLICANT_ID not in text
    assert "杭人社发〔2026〕12号" in text and "2026-03-01 至 2029-03-01" in text
    assert listing["Cache-Control"] == "no-store"


def test_a_wrong_identity_number_is_shown_next_to_the_field(login, orgs):
    response = login("hzadmin").post(
        NEW_URL,
        {
            "organisation": orgs[HZ].pk,
            "id_type": "01",
            "id_number": "330106199003071235",
            "name": "韩申报",
            "reason": "申报材料弄虚作假",
            "starts_on": "2026-03-01",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["id_number"] == ["证件号码校验位不正确，请逐位核对。"]
    assert not IntegrityRecord.objects.exists()


def test_the_office_choice_offers_only_title_offices_in_the_managers_subtree(login, orgs):
    form = login("hzadmin").get(NEW_URL).context["form"]
    names = [o.name for o in form.fields["organisation"].queryset]
    assert names == [HZ, XH]


def test_a_department_admin_is_refused_every_page(login, users, orgs):
    ban = record(users, orgs)
    client = login("wjwadmin")
    assert client.get(LIST_URL).status_code == 403
    assert client.get(NEW_URL).status_code == 403
    assert client.post(NEW_URL, {"organisation": orgs["杭州市卫生健康委员会"].pk}).status_code == 403
    assert client.get(f"/eligibility/integrity/{ban.pk}/lift/").status_code == 404
    assert client.post(f"/eligibility/integrity/{ban.pk}/lift/", {"reason": "越权"}).status_code == 404
    assert login("applicant").get(LIST_URL).status_code == 403
    ban.refresh_from_db()
    assert ban.lifted_at is None


def test_a_qualification_reviewer_reads_but_does_not_write(login, users, orgs):
    ban = record(users, orgs)
    client = login("hzcheck")
    text = client.get(LIST_URL).content.decode()
    assert MASKED in text and "新增诚信记录" not in text and "解除" not in text.split("<tbody>")[1]
    assert client.get(NEW_URL).status_code == 403
    assert client.get(f"/eligibility/integrity/{ban.pk}/lift/").status_code == 404


def test_a_district_office_sees_only_its_own_subtree(login, users, orgs):
    record(users, orgs)  # by the city office
    record(users, orgs, actor="xhadmin", office=XH, id_number=OTHER_ID, name="王某")
    text = login("xhadmin").get(LIST_URL).content.decode()
    assert "王某" in text and "韩申报" not in text
    city = login("hzadmin").get(LIST_URL).content.decode()
    assert "王某" in city and "韩申报" in city


def test_the_search_finds_by_name_or_number_without_putting_the_number_in_the_address(login, users, orgs):
    record(users, orgs)
    record(users, orgs, id_number=OTHER_ID, name="王某")
    client = login("hzadmin")
    response = client.post(LIST_URL, {"keyword": APPLICANT_ID.lower(), "action": "search"})
    assert response.status_code == 302 and response["Location"] == LIST_URL
    text = client.get(LIST_URL).content.decode()
    assert "韩申报" in text and "王某" not in text
    client.post(LIST_URL, {"keyword": "王", "action": "search"})
    text = client.get(LIST_URL).content.decode()
    assert "王某" in text and "韩申报" not in text
    client.post(LIST_URL, {"keyword": "", "action": "reset"})
    text = client.get(LIST_URL).content.decode()
    assert "王某" in text and "韩申报" in text


def test_the_list_shows_each_status(login, users, orgs):
    today = timezone.localdate()
    record(users, orgs, name="甲生效", starts_on=today)
    record(users, orgs, name="乙到期", starts_on=dt.date(2020, 1, 1))
    lifted = record(users, orgs, name="丙解除", starts_on=today - dt.timedelta(days=1))
    services.lift_integrity_ban(actor=users["hzadmin"], record_id=lifted.pk, reason="复核撤销")
    response = login("hzadmin").get(LIST_URL)
    statuses = {row["record"].name: row["status"].label for row in response.context["rows"]}
    assert statuses == {"甲生效": "生效中", "乙到期": "已到期", "丙解除": "已解除"}
    text = response.content.decode()
    assert "复核撤销" in text
    lift_links = [row["record"].name for row in response.context["rows"] if row["can_lift"]]
    assert lift_links == ["甲生效"]


def test_lifting_through_the_page(login, users, orgs):
    ban = record(users, orgs, starts_on=timezone.localdate())
    client = login("hzadmin")
    url = f"/eligibility/integrity/{ban.pk}/lift/"
    page = client.get(url).content.decode()
    assert MASKED in page and APPLICANT_ID not in page and "解除原因" in page
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and "请填写解除原因" in empty.content.decode()
    response = client.post(url, {"reason": "复核后撤销原处理决定"})
    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.lift_reason == "复核后撤销原处理决定"
    again = client.post(url, {"reason": "再次解除"})
    assert "不能重复解除" in again.content.decode()


def test_the_list_query_count_does_not_grow_with_the_records(login, users, orgs, django_assert_max_num_queries):
    for i in range(3):
        record(users, orgs, name=f"甲{i}", starts_on=dt.date(2025, 1, 1 + i))
    client = login("hzadmin")
    with django_assert_max_num_queries(15) as first:
        client.get(LIST_URL)
    baseline = len(first.captured_queries)
    for i in range(17):
        ban = record(users, orgs, name=f"乙{i}", starts_on=timezone.localdate() - dt.timedelta(days=i))
        if i % 3 == 0:
            services.lift_integrity_ban(actor=users["hzadmin"], record_id=ban.pk, reason="复核撤销")
    with django_assert_max_num_queries(baseline):
        response = client.get(LIST_URL)
    assert len(response.context["rows"]) == 20
