"""导出汇总表 over HTTP: the file a reviewer downloads, what it holds, and what it never holds."""

import datetime as dt

import pytest

from title_review.audit.models import AuditEvent
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.jobs.models import Job, JobStatus
from title_review.reviews.tests.test_chain import forward, to_ready

from .conftest import flood, identity, sheet_of, table

HEADERS = [
    "序号",
    "申报编号",
    "姓名",
    "证件号码",
    "手机号码",
    "性别",
    "出生日期",
    "工作单位",
    "评审活动",
    "申报资格",
    "申报专业",
    "状态",
    "当前审核机构",
    "提交时间",
]
TEACHER_ID = "330108198506120026"


def export(client, url, data=None, **kwargs):
    response = client.post(url, data or {}, **kwargs)
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    return response.content


def test_a_department_exports_its_inbox_masked_with_a_frozen_bold_header(users, login, submitted, school_desk):
    forward(users, to_ready(users, submitted))
    client = login("zsadmin")
    content = export(client, "/exports/inbox/")
    rows = table(content)
    assert list(rows[0])[:14] == HEADERS and list(rows[0])[14:] == ["送达时间", "等待天数"]
    [row] = rows
    assert row["序号"] == 1 and row["姓名"] == "朱老师"
    assert row["申报编号"] == submitted.number and submitted.number.startswith("2026-")
    assert row["证件号码"] == "330108********0026" and row["手机号码"] == "138****0002"
    assert row["工作单位"] == "杭州第二中学" and row["当前审核机构"] == "杭州市教育局直属学校管理中心"
    assert row["状态"] == "主管部门审核中" and row["评审活动"] == "2026年度中小学教师职称评审"
    assert row["申报资格"] and not str(row["申报资格"]).isdigit()  # the dictionary name, not its code
    assert isinstance(row["提交时间"], dt.datetime) and row["等待天数"] == 0
    sheet = sheet_of(content)
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["D"].width >= 20  # 证件号码 fits
    # Every export is in the 操作日志; a masked one only as export.list.
    event = AuditEvent.objects.get(action="export.list")
    assert event.after["list"] == "待审核材料" and event.after["rows"] == 1 and event.actor_id == users["zsadmin"].pk
    assert not AuditEvent.objects.filter(action="export.full_identity").exists()


def test_identity_numbers_stay_18_characters_of_text_and_formulas_stay_text(users, login, review_round, office_desk):
    school, desk = office_desk
    names = {0: "=1+1", 1: "+86-1", 2: "-2", 3: "@SUM(A1)", 4: '<r><t>x</t></r></is></c><c r="Z1"><f>1+1</f></c>'}
    declarations = flood(review_round, school, desk, 5, status=Status.QUALIFICATION_CHECK, names=names)
    with_x = identity(5_000_000, last="X")
    declarations[0].applicant.id_number = with_x
    declarations[0].applicant.save(update_fields=["id_number"])
    content = export(login("hzcheck"), "/exports/inbox/", {"full": "1"})
    sheet = sheet_of(content)
    cells = {sheet.cell(row=r, column=3).value: r for r in range(2, sheet.max_row + 1)}
    assert set(cells) == set(names.values())
    for name, r in cells.items():
        cell = sheet.cell(row=r, column=3)
        assert cell.data_type == "s" and cell.value == name  # exactly as typed, never a formula
        assert cell.quotePrefix == (name[0] in "=+-@")
    assert sheet.max_column == 16  # the "<r>…</r>" name injected no cell of its own
    number = sheet.cell(row=cells["=1+1"], column=4)
    assert number.data_type == "s" and number.value == with_x and len(with_x) == 18 and with_x.endswith("X")
    assert all(sheet.cell(row=r, column=4).number_format == "@" for r in cells.values())
    assert all(len(sheet.cell(row=r, column=4).value) == 18 for r in cells.values())


def test_full_numbers_need_the_capability_and_leave_an_audit_row(users, login, review_round, office_desk):
    school, desk = office_desk
    flood(review_round, school, desk, 3, status=Status.QUALIFICATION_CHECK)
    client = login("hzcheck")
    masked = table(export(client, "/exports/inbox/"))
    assert {r["证件号码"][6:14] for r in masked} == {"********"} and all("****" in r["手机号码"] for r in masked)
    assert not AuditEvent.objects.filter(action="export.full_identity").exists()

    full = table(export(client, "/exports/inbox/", {"full": "1"}))
    assert {r["证件号码"] for r in full} == {identity(i) for i in range(3)}
    assert {r["手机号码"] for r in full} == {f"139{i:08d}" for i in range(3)}
    event = AuditEvent.objects.get(action="export.full_identity")
    assert event.after == {"list": "待审核材料", "rows": 3} and event.actor_id == users["hzcheck"].pk
    assert AuditEvent.objects.filter(action="export.list").count() == 2


def test_asking_for_full_numbers_without_the_capability_is_refused_in_chinese(users, login, submitted):
    forward(users, to_ready(users, submitted))
    client = login("zsadmin")
    response = client.post("/exports/inbox/", {"full": "1"}, HTTP_REFERER="http://testserver/reviews/inbox/")
    assert response.status_code == 302 and response["Location"].endswith("/reviews/inbox/")
    page = client.get("/reviews/inbox/").content.decode()
    assert "您没有导出完整证件号码和手机号码的权限" in page
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_the_button_carries_the_current_filters_and_offers_full_numbers_only_with_the_capability(users, login):
    page = login("zsadmin").get("/reviews/inbox/?employer=第二&waiting=3&page=2").content.decode()
    assert 'action="/exports/inbox/"' in page and "导出汇总表" in page
    assert 'name="employer" value="第二"' in page and 'name="waiting" value="3"' in page
    export_form = page[page.index('action="/exports/inbox/"') :].split("</form>", 1)[0]
    assert 'type="hidden" name="page"' not in export_form and 'name="full"' not in page
    assert 'name="full"' in login("hzcheck").get("/reviews/inbox/").content.decode()
    for url, action in (
        ("/reviews/track/", "/exports/tracking/"),
        ("/reviews/accepted/", "/exports/accepted/"),
    ):
        assert f'action="{action}"' in login("hzadmin").get(url).content.decode()
    assert 'action="/exports/declarations/"' in login("schooladmin").get("/reviews/manage/").content.decode()


def test_another_users_scope_is_not_exported(users, login, review_round, orgs, school_desk):
    school, desk = school_desk
    flood(review_round, school, desk, 4)
    assert len(table(export(login("zsadmin"), "/exports/inbox/"))) == 4
    assert table(export(login("wjwreview"), "/exports/inbox/")) == []
    assert table(export(login("wjwreview"), "/exports/tracking/")) == []
    assert table(export(login("hospitaladmin"), "/exports/declarations/")) == []
    # The school sees its own, submitted declarations in 上报材料跟踪 and 管理材料.
    assert len(table(export(login("schooladmin"), "/exports/tracking/"))) == 4
    managed = table(export(login("schooladmin"), "/exports/declarations/"))
    assert len(managed) == 4 and {r["填写人"] for r in managed} == {"本人"}
    # A personal account has no 管理材料 and no 待审核材料 to export.
    assert login("teacher").post("/exports/declarations/").status_code == 403
    assert login("teacher").post("/exports/inbox/").status_code == 403


def test_filters_are_respected(users, login, review_round, orgs, school_desk):
    school, desk = school_desk
    flood(review_round, school, desk, 3)
    flood(review_round, school, desk, 2, start=3, days_ago=10)
    flood(review_round, school, school, 2, start=5, status=Status.RETURNED)
    # Returned from above (such a return keeps its chain), so the levels above still track them.
    Declaration.objects.filter(status=Status.RETURNED).update(chain=[desk.pk])
    client = login("zsadmin")
    assert len(table(export(client, "/exports/inbox/", {"employer": "第二"}))) == 5
    assert table(export(client, "/exports/inbox/", {"employer": "第一人民医院"})) == []
    waiting = table(export(client, "/exports/inbox/", {"waiting": "7"}))
    assert {r["姓名"] for r in waiting} == {"批量3", "批量4"} and {r["等待天数"] for r in waiting} == {10}
    assert table(export(client, "/exports/inbox/", {"round": str(review_round.pk + 999)})) == []
    returned = table(export(login("jyjadmin"), "/exports/tracking/", {"status": "returned"}))
    assert {r["姓名"] for r in returned} == {"批量5", "批量6"} and {r["状态"] for r in returned} == {"被退回"}
    assert returned[0]["所处环节"].startswith("被退回")
    event = AuditEvent.objects.filter(action="export.list").latest("pk")
    assert event.after["filters"] == "status=returned"


def test_accepted_and_a_rounds_summary_for_the_title_office(users, login, review_round, orgs, office_desk):
    school, desk = office_desk
    flood(review_round, school, desk, 2, status=Status.ACCEPTED)
    flood(review_round, school, desk, 1, start=2, status=Status.QUALIFICATION_CHECK)
    flood(review_round, orgs["杭州市第一人民医院"], orgs["杭州市卫生健康委员会"], 1, start=3)
    client = login("hzcheck")
    accepted = table(export(client, "/exports/accepted/"))
    assert {r["姓名"] for r in accepted} == {"批量0", "批量1"} and "受理时间" in accepted[0]
    summary = export(client, f"/exports/rounds/{review_round.pk}/")
    assert {r["姓名"] for r in table(summary)} == {"批量0", "批量1", "批量2", "批量3"}
    assert sheet_of(summary).title == "汇总表"
    event = AuditEvent.objects.filter(action="export.list").latest("pk")
    assert event.after["list"] == "2026年度中小学教师职称评审汇总表" and event.object_id == str(review_round.pk)
    # The 卫健委 sees only its own subtree of the same round; an unknown round is a 404.
    assert {r["姓名"] for r in table(export(login("wjwadmin"), f"/exports/rounds/{review_round.pk}/"))} == {"批量3"}
    assert client.post(f"/exports/rounds/{review_round.pk + 999}/").status_code == 404
    page = login("hzadmin").get(f"/reviews/track/?round={review_round.pk}").content.decode()
    assert f'formaction="/exports/rounds/{review_round.pk}/"' in page


def test_exports_are_posted_never_fetched(users, login):
    assert login("zsadmin").get("/exports/inbox/").status_code == 405


def test_a_big_export_becomes_a_job_that_lands_in_my_downloads(
    users, login, review_round, school_desk, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 5
    school, desk = school_desk
    flood(review_round, school, desk, 12)
    client = login("zsadmin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/inbox/", {"employer": "第二"})
    assert response.status_code == 302 and response["Location"] == "/downloads/"
    page = client.get("/downloads/").content.decode()
    assert "已转入后台导出" in page and "导出汇总表：待审核材料（约 12 行）" in page
    job = Job.objects.get(owner=users["zsadmin"], kind="exports.list")
    assert job.status == JobStatus.DONE and (job.done, job.total) == (12, 12) and job.message == "共导出 12 行。"
    assert job.params["filters"] == {"employer": ["第二"]} and job.params["full"] is False
    download = client.get(f"/downloads/{job.pk}/download/")
    rows = table(b"".join(download.streaming_content))
    assert len(rows) == 12 and rows[0]["证件号码"].startswith("330106********")
    event = AuditEvent.objects.get(action="export.list")
    assert event.after["job"] == job.pk and event.after["rows"] == 12


def test_a_job_exports_what_its_owner_may_see_when_it_runs(
    users, login, review_round, office_desk, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    school, desk = office_desk
    flood(review_round, school, desk, 3, status=Status.QUALIFICATION_CHECK)
    with django_capture_on_commit_callbacks(execute=True):
        login("hzcheck").post("/exports/inbox/", {"full": "1"})
    job = Job.objects.get(kind="exports.list")
    assert job.status == JobStatus.DONE
    assert {r["证件号码"] for r in table(job.result.read())} == {identity(i) for i in range(3)}
    assert AuditEvent.objects.get(action="export.full_identity").after == {"list": "待审核材料", "rows": 3}


def test_a_queued_job_of_someone_who_lost_the_capability_fails_in_chinese(
    users, login, review_round, office_desk, settings
):
    from title_review.access.models import RoleGrant
    from title_review.jobs import services as jobs

    settings.EXPORT_INLINE_MAX_ROWS = 1
    settings.JOBS_RUNNER = "worker"
    school, desk = office_desk
    flood(review_round, school, desk, 3, status=Status.QUALIFICATION_CHECK)
    login("hzcheck").post("/exports/inbox/", {"full": "1"})
    RoleGrant.objects.filter(user=users["hzcheck"]).delete()
    job = jobs.run_job(Job.objects.get(kind="exports.list").pk)
    assert job.status == JobStatus.FAILED and "没有导出完整证件号码" in job.message and not job.result


@pytest.mark.parametrize("url", ["/exports/inbox/", "/exports/tracking/"])
def test_an_export_keeps_a_bounded_query_count(login, review_round, school_desk, url, django_assert_max_num_queries):
    school, desk = school_desk
    flood(review_round, school, desk, 300)
    client = login("zsadmin")
    client.get("/reviews/inbox/")
    with django_assert_max_num_queries(14):
        assert len(table(export(client, url))) == 300
