"""A banned person is refused at 提交 in a round in `warn` mode, in any series (issue 15 point 1): through the real
提交 button's URL, with the Chinese refusal on the dossier page, nothing submitted; lifting the ban lets the same
declaration go. A 处分 period only warns in `warn` mode and refuses in `block` mode."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from title_review.accounts.models import User
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.eligibility import services
from title_review.eligibility.models import IntegrityKind
from title_review.eligibility.tests.helpers import HZ, open_round
from title_review.organisations.models import Organisation
from title_review.reviews.tests.factories import complete_draft
from title_review.rounds import services as rounds

pytestmark = pytest.mark.usefixtures("seeded")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def chinese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def ban(applicant, *, kind=IntegrityKind.BAN, until=None):
    today = timezone.localdate()
    return services.record_integrity_ban(
        actor=User.objects.get(username="hzadmin"),
        organisation_id=Organisation.objects.get(name=HZ).pk,
        id_type="01",
        id_number=applicant.id_number,
        name=applicant.real_name,
        reason="2025年度申报材料中论文弄虚作假" if kind == IntegrityKind.BAN else "警告处分",
        basis="杭人社发〔2026〕12号",
        starts_on=today - dt.timedelta(days=10),
        ban_until=until,
        kind=kind,
    )


@pytest.mark.parametrize(
    "series_name",
    ["卫生技术人员", "中小学教师", "经济专业人员", "会计专业人员", "高等学校教师", "农业技术人员", "工程技术人员"],
)
def test_a_banned_applicant_is_refused_at_submit_in_warn_mode(login, series_name, django_assert_max_num_queries):
    applicant = User.objects.get(username="applicant")
    round_ = open_round(series_name)
    assert round_.precheck_mode == "warn"
    draft = complete_draft(applicant, round_)
    record = ban(applicant)
    client = login("applicant")
    with django_assert_max_num_queries(25):
        response = client.post(f"/declarations/{draft.pk}/submit/")
    assert response.status_code == 302 and response["Location"] == f"/declarations/{draft.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"存在诚信记录，禁止申报至 {chinese(record.ban_until)}。诚信档案记录期限内不能提交职称申报" in page
    assert "已提交至单位审核" not in page
    # The dossier's precheck shows the same rule as failed.
    assert "诚信记录</strong>：存在诚信记录" in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.submitted_at is None


def test_lifting_the_ban_lets_the_same_declaration_go(login):
    applicant = User.objects.get(username="applicant")
    draft = complete_draft(applicant, open_round("卫生技术人员"))
    record = ban(applicant)
    client = login("applicant")
    client.post(f"/declarations/{draft.pk}/submit/")
    assert Declaration.objects.get(pk=draft.pk).status == Status.DRAFT
    services.lift_integrity_ban(actor=User.objects.get(username="hzadmin"), record_id=record.pk, reason="复核后撤销")
    response = client.post(f"/declarations/{draft.pk}/submit/", follow=True)
    assert "已提交至单位审核" in response.content.decode()
    assert Declaration.objects.get(pk=draft.pk).status == Status.WITH_EMPLOYER


def test_a_ban_that_ended_yesterday_does_not_refuse(login):
    applicant = User.objects.get(username="applicant")
    draft = complete_draft(applicant, open_round("会计专业人员"))
    services.record_integrity_ban(
        actor=User.objects.get(username="hzadmin"),
        organisation_id=Organisation.objects.get(name=HZ).pk,
        id_type="01",
        id_number=applicant.id_number,
        name=applicant.real_name,
        reason="申报材料弄虚作假",
        basis="",
        starts_on=timezone.localdate() - dt.timedelta(days=400),
        ban_until=timezone.localdate() - dt.timedelta(days=1),
    )
    login("applicant").post(f"/declarations/{draft.pk}/submit/")
    assert Declaration.objects.get(pk=draft.pk).status == Status.WITH_EMPLOYER


def test_a_discipline_period_refuses_in_block_mode_and_only_warns_in_warn_mode(login):
    applicant = User.objects.get(username="applicant")
    until = timezone.localdate() + dt.timedelta(days=90)
    ban(applicant, kind=IntegrityKind.DISCIPLINE, until=until)
    client = login("applicant")
    round_ = open_round("经济专业人员", mode="block")
    draft = complete_draft(applicant, round_)

    response = client.post(f"/declarations/{draft.pk}/submit/", follow=True)
    text = response.content.decode()
    assert "资格预审未通过，该评审活动不接受未通过预审的申报" in text
    assert f"处于处分期内，处分期至 {chinese(until)}，期内不得申报。" in text
    assert Declaration.objects.get(pk=draft.pk).status == Status.DRAFT

    rounds.update_round(
        actor=User.objects.get(username="hzadmin"), round_id=round_.pk, changes={"precheck_mode": "warn"}
    )
    page = client.get(f"/declarations/{draft.pk}/").content.decode()
    assert f"处分期</strong>：处于处分期内，处分期至 {chinese(until)}，期内不得申报。" in page
    client.post(f"/declarations/{draft.pk}/submit/")
    assert Declaration.objects.get(pk=draft.pk).status == Status.WITH_EMPLOYER


def test_a_discipline_record_needs_its_end_date():
    applicant = User.objects.get(username="applicant")
    from title_review.core.errors import DomainError

    with pytest.raises(DomainError, match="请填写处分期的截止日期"):
        ban(applicant, kind=IntegrityKind.DISCIPLINE)


def test_the_office_records_a_discipline_period_on_the_integrity_page(login, users, orgs):
    client = login("hzadmin")
    form = {
        "organisation": orgs[HZ].pk,
        "kind": "discipline",
        "id_type": "01",
        "id_number": users["applicant"].id_number,
        "name": "韩申报",
        "reason": "2026年4月受警告处分",
        "basis": "杭卫健〔2026〕3号",
        "starts_on": "2026-04-01",
        "ban_until": "",
    }
    refused = client.post("/eligibility/integrity/new/", form)
    assert refused.status_code == 200
    assert refused.context["form"].errors["ban_until"] == ["请填写处分期的截止日期（禁止申报截止日期）。"]
    assert refused.context["form"]["reason"].value() == "2026年4月受警告处分"
    saved = client.post("/eligibility/integrity/new/", dict(form, ban_until="2026-09-30"), follow=True)
    text = saved.content.decode()
    assert "处分（处分期内不得申报）" in text and "2026-04-01 至 2026-09-30" in text
    assert users["applicant"].id_number not in text


def test_the_precheck_costs_the_same_few_queries_however_many_rows_and_rules(users, django_assert_num_queries):
    """The qualification entries from the code tables the worker keeps (one row, the token, once they are
    read), one query per picked section (3 here), one for the 诚信档案 bans and 处分 together — not one per
    rule, not one per row; none for the sections the page has read already."""
    from title_review.achievements import services as records
    from title_review.declarations import precheck
    from title_review.declarations import services as declarations

    applicant = users["applicant"]
    draft = complete_draft(applicant, open_round("会计专业人员"))
    rows = [
        records.save_record(
            actor=applicant,
            section="training",
            values={"year": year, "kind": kind, "hours": hours, "title": "财务会计继续教育"},
        )
        for year in range(2019, 2026)
        for kind, hours in (("professional", 60), ("public", 30))
    ]
    rows += [
        records.save_record(actor=applicant, section="appraisal", values={"year": year, "result": "02"})
        for year in range(2019, 2025)
    ]
    draft.refresh_from_db()
    picks = dict(draft.picks)
    picks["training"] = [r.pk for r in rows if r.__class__.__name__ == "Training"]
    picks["appraisal"] = picks.get("appraisal", []) + [r.pk for r in rows if r.__class__.__name__ == "Appraisal"]
    draft = declarations.save_declaration(
        actor=applicant, declaration_id=draft.pk, version=draft.version, values={}, picks=picks, section_data={}
    )
    draft = Declaration.objects.select_related("round__series", "applicant").get(pk=draft.pk)
    # The picked rows, bans and 处分 together, the code tables' token and, the first time in this worker, the
    # qualification table; and the precheck's 参数设置 (one query for all of them). Both are kept after.
    with django_assert_num_queries(7):
        results, _passed = precheck.run(draft)
    with django_assert_num_queries(5):
        precheck.run(draft)
    assert len(results) == 7
    assert next(r for r in results if r.code == "continuing_education").passed is True
    assert next(r for r in results if r.code == "previous_appraisal").passed is True


def test_the_api_refuses_a_banned_applicant_with_a_stable_code(login):
    applicant = User.objects.get(username="applicant")
    draft = complete_draft(applicant, open_round("中小学教师"))
    record = ban(applicant)
    response = login("applicant").post(f"/api/v1/declarations/{draft.pk}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "integrity_ban"
    assert body["message"].startswith(f"存在诚信记录，禁止申报至 {chinese(record.ban_until)}。")
    assert applicant.id_number not in response.content.decode()
    assert Declaration.objects.get(pk=draft.pk).status == Status.DRAFT
