"""`manage.py load_demo_activity` (issue 15 point 9): after `make run` the demo province is alive.

The command runs once for this module on the session's demo tree (in a transaction rolled back after the
module's last test, so no other test sees it), with its on-commit work (the SMS of a return or an
acceptance) run as a commit would. Each test then asks what a demo account would find on its own pages.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from title_review.accounts.models import User
from title_review.audit.models import AuditEvent
from title_review.committees.models import Meeting, MeetingStatus
from title_review.declarations.models import Declaration, ReviewRecord
from title_review.declarations.workflow import Status
from title_review.demo import activity_data as data
from title_review.demo.data import ACCOUNTS
from title_review.rounds.models import Committee, Round, RoundStatus


def _names(stage: str) -> list[str]:
    return [p.get("name") or _real_name(p["account"]) for p in data.PEOPLE if p["stage"] == stage]


def _real_name(username: str) -> str:
    return next(name for account, name, *_rest in ACCOUNTS if account == username)


def _counts() -> tuple[int, ...]:
    return (
        Round.objects.count(),
        Declaration.objects.count(),
        ReviewRecord.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The command's output and the counts before it ran, on the demo tree; rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            before = _counts()
            out = io.StringIO()
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("load_demo_activity", stdout=out)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield {"output": out.getvalue(), "before": before}
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def test_the_command_reports_what_it_built_and_how_long_it_took(loaded, db):
    assert re.search(r"6 个评审活动，24 份申报材料，1 场评审会议（用时 \d+\.\d 秒）", loaded["output"]), loaded[
        "output"
    ]
    assert len(data.PEOPLE) == 24 and len(data.ROUNDS) == 5


def test_the_main_series_have_published_rounds_open_for_declarations(loaded, db):
    published = Round.objects.filter(
        status=RoundStatus.PUBLISHED, committee__name__in=[c["name"] for c in data.COMMITTEES]
    )
    series = set(published.values_list("series__name", flat=True))
    assert series == {"卫生技术人员", "中小学教师", "工程技术人员", "经济专业人员", "会计专业人员"}
    from django.utils import timezone

    now = timezone.now()
    for round_ in published:
        assert round_.opens_at < now < round_.closes_at, round_.title
        assert round_.qualifications, round_.title
    # Each committee is registered with its 备案, valid through the window.
    for committee in Committee.objects.filter(name__in=[c["name"] for c in data.COMMITTEES]):
        assert committee.filing_number and committee.valid_until > timezone.localdate()


STAGE_STATUS = {
    data.DRAFT: (Status.DRAFT, None),
    data.SUBMITTED: (Status.WITH_EMPLOYER, "employer"),
    data.PUBLICITY: (Status.IN_PUBLICITY, "employer"),
    data.READY: (Status.READY_TO_FORWARD, "employer"),
    data.LEVEL_1: (Status.IN_REVIEW, "first level"),
    data.LEVEL_2: (Status.IN_REVIEW, "杭州市教育局"),
    data.QUALIFICATION: (Status.QUALIFICATION_CHECK, "杭州市职称工作领导小组办公室"),
    data.ACCEPTED: (Status.ACCEPTED, None),
    data.RETURNED_BY_DEPARTMENT: (Status.RETURNED, None),
    data.RETURNED_BY_OFFICE: (Status.RETURNED, None),
}


@pytest.mark.parametrize("stage", data.STAGES)
def test_every_stage_has_declarations_at_the_right_desk(loaded, db, stage):
    status, desk = STAGE_STATUS[stage]
    names = _names(stage)
    assert names
    rows = Declaration.objects.filter(applicant__real_name__in=names).select_related("current_org", "employer")
    assert len(rows) == len(names)
    for d in rows:
        assert d.status == status, (d.applicant.real_name, d.status)
        if desk == "employer":
            assert d.current_org == d.employer
        elif desk == "first level":
            assert d.current_org is not None and d.chain and d.current_org.pk == d.chain[0]
        elif desk is not None:
            assert d.current_org.name == desk


def test_the_running_publicity_ends_after_today_and_the_finished_ones_before(loaded, db):
    from django.utils import timezone

    today = timezone.localdate()
    running = Declaration.objects.filter(status=Status.IN_PUBLICITY).select_related("publicity")
    assert running and all(d.publicity.ends_on >= today for d in running)
    done = Declaration.objects.filter(applicant__real_name__in=_names(data.READY)).select_related("publicity")
    assert done and all(d.publicity.ends_on < today for d in done)
    # 5 working days each (the policy), counted on the Chinese calendar.
    assert {d.publicity.working_days for d in [*running, *done]} == {5}


def test_returns_carry_the_reviewers_reason_and_sections(loaded, db):
    for stage, (reason, sections), who in (
        (data.RETURNED_BY_DEPARTMENT, data.DEPARTMENT_RETURN, "wjwreview"),
        (data.RETURNED_BY_OFFICE, data.OFFICE_RETURN, "hzreturn"),
    ):
        for d in Declaration.objects.filter(applicant__real_name__in=_names(stage)):
            record = d.records.order_by("-pk").first()
            assert (record.action, record.reason, record.sections, record.actor.username) == (
                "return",
                reason,
                sections,
                who,
            )


def test_every_step_was_taken_through_a_service_with_its_audit_row(loaded, db):
    demo = Declaration.objects.filter(round__committee__name__in=[c["name"] for c in data.COMMITTEES])
    assert demo.count() == len(data.PEOPLE)
    audited = set(
        AuditEvent.objects.filter(object_id__in=[str(pk) for pk in demo.values_list("pk", flat=True)]).values_list(
            "object_id", "action"
        )
    )
    records = ReviewRecord.objects.filter(declaration__in=demo)
    assert records.count() > len(data.PEOPLE) * 3
    for declaration_id, action in records.values_list("declaration_id", "action"):
        assert (str(declaration_id), f"declaration.{action}") in audited
    for d in demo:
        assert (str(d.pk), "declaration.start") in audited and (str(d.pk), "declaration.save") in audited
    office = User.objects.get(username=data.OFFICE)
    for round_ in Round.objects.filter(committee__name__in=[c["name"] for c in data.COMMITTEES]):
        assert AuditEvent.objects.filter(action="round.publish", object_id=str(round_.pk), actor_id=office.pk).exists()
    sitting = Meeting.objects.get(
        round__title=data.SITTING["round_title"].format(year=Round.objects.latest("year").year)
    )
    assert sitting.status == MeetingStatus.IN_SESSION and sitting.members.count() == len(data.SITTING["members"])
    secretary = User.objects.get(username=data.SITTING["secretary"])
    for action in ("meeting.create", "meeting.start"):
        assert AuditEvent.objects.filter(action=action, object_id=str(sitting.pk), actor_id=secretary.pk).exists()
    issued = [p["login"] for p in data.PEOPLE if "login" in p]
    accounts = User.objects.filter(username__in=issued)
    assert accounts.count() == len(issued)
    assert AuditEvent.objects.filter(
        action="account.create", object_id__in=[str(u.pk) for u in accounts]
    ).count() == len(issued)


# What each demo account of the README finds on its own pages: (page, a text that must be on it).
DESKS = {
    "applicant": [("/reviews/returned/", data.DEPARTMENT_RETURN[0])],
    "teacher": [("/declarations/", "填写中")],
    "hospitaladmin": [
        ("/reviews/employer/?tab=review", "林雅琴"),
        ("/reviews/employer/?tab=publicity", "吴浩然"),
        ("/reviews/employer/?tab=forward", "徐静怡"),
    ],
    "schooladmin": [
        ("/reviews/employer/?tab=review", "何佳慧"),
        ("/reviews/employer/?tab=publicity", "罗志强"),
        ("/reviews/employer/?tab=forward", "梁文静"),
    ],
    "companyadmin": [("/reviews/employer/?tab=review", "曹文军"), ("/reviews/employer/?tab=forward", "彭海燕")],
    "rcfwadmin": [("/reviews/employer/?tab=review", "田建国"), ("/reviews/employer/?tab=forward", "袁明")],
    "wjwadmin": [("/reviews/inbox/", "马俊杰")],
    "wjwreview": [("/reviews/inbox/", "马俊杰")],
    "zsadmin": [("/reviews/inbox/", "宋国平")],
    "jyjadmin": [("/reviews/inbox/", "唐丽华")],
    "xhadmin": [("/reviews/inbox/", "曾晓东")],
    "hzcheck": [("/reviews/inbox/", "胡晓燕"), ("/reviews/inbox/", "许振宇"), ("/reviews/inbox/", "董秀英")],
    "hzreturn": [("/reviews/inbox/", "许振宇")],
    "hzadmin": [
        ("/reviews/accepted/", "郭明辉"),
        ("/rounds/", "{year}年度杭州市卫生系列高级职称申报"),
    ],
    "zjadmin": [("/reviews/accepted/", "潘丽"), ("/rounds/committees/", data.COMMITTEES[0]["name"])],
    "sysadmin": [("/verification/outbox/", "申报材料")],
    "secadmin": [("/verification/outbox/", "申报材料")],
    "auditor": [("/audit/events/", "hzcheck")],
    "zjmishu": [
        ("/committees/draw/", "工程技术人员高级职称评审"),
        ("/committees/meetings/", "{year}年度浙江省正高级工程师评审会议"),
    ],
    "gczj01": [("/committees/mine/", "{year}年度浙江省正高级工程师评审会议")],
}


def test_every_demo_account_is_listed_here():
    assert set(DESKS) == {account for account, *_rest in ACCOUNTS}


@pytest.mark.parametrize("username", sorted(DESKS))
def test_each_demo_account_finds_work_on_its_desk(loaded, db, client, username):
    client.force_login(User.objects.get(username=username))
    for url, text in DESKS[username]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        if "{year}" in text:
            text = text.format(year=Round.objects.latest("year").year)
        assert text in page, (username, url, text)


def test_the_demo_applicants_find_their_round_by_name(loaded, db, client):
    client.force_login(User.objects.get(username="teacher"))
    assert "年度杭州市中小学教师职称评审" in client.get("/declarations/").content.decode()
    client.force_login(User.objects.get(username="applicant"))
    assert "年度杭州市卫生系列高级职称申报" in client.get("/reviews/returned/").content.decode()


def test_a_second_run_adds_nothing(loaded, db):
    after = _counts()
    assert after > loaded["before"]
    out = io.StringIO()
    call_command("load_demo_activity", stdout=out)
    assert "跳过" in out.getvalue()
    assert _counts() == after


@pytest.mark.parametrize(("username", "stage"), [("teacher", data.DRAFT), ("applicant", data.RETURNED_BY_DEPARTMENT)])
def test_the_demo_applicants_can_submit_what_waits_for_them(loaded, db, client, username, stage):
    """teacher's draft is complete and applicant's return can go back as it is: 提交 on the page sends each to
    the employer's desk (the README's walk-through starts here)."""
    person = User.objects.get(username=username)
    declaration = Declaration.objects.get(
        applicant=person, round__committee__name__in=[c["name"] for c in data.COMMITTEES]
    )
    assert declaration.status == STAGE_STATUS[stage][0]
    client.force_login(person)
    page = client.post(f"/declarations/{declaration.pk}/submit/", follow=True).content.decode()
    assert "已提交至单位审核" in page
    declaration.refresh_from_db()
    assert declaration.status == Status.WITH_EMPLOYER and declaration.current_org == declaration.employer


def test_every_demo_applicant_meets_the_precheck_of_their_series(loaded, db):
    """Years in the qualification below, schooling, four 合格 years, 90 学时 of 继续教育 a year: the demo shows
    qualified applicants (a failing one would be accepted against its own 资格预审)."""
    from title_review.declarations import precheck

    demo = Declaration.objects.filter(round__committee__name__in=[c["name"] for c in data.COMMITTEES])
    for d in demo.select_related("round__series", "applicant"):
        results, passed = precheck.run(d)
        assert passed is True, (d.applicant.real_name, [r.detail for r in results if r.passed is not True])


def test_the_teacher_round_has_its_series_section_filled_in(loaded, db, client):
    """中小学教师: a 公开课 row with its 证明材料, 拟评审类型, 学生满意度 and a passing 教育理论 mark, so that the
    teacher's draft is complete and its dossier shows the lesson."""
    from title_review.declarations.services import completeness

    round_ = Round.objects.get(committee__name=next(c["name"] for c in data.COMMITTEES if c["key"] == "teacher"))
    assert round_.series_section == "teacher"
    teacher = User.objects.get(username="teacher")
    draft = Declaration.objects.get(applicant=teacher, round=round_)
    assert "《背影》群文阅读教学" in draft.section_data["open_lesson"]
    assert completeness(draft) == []
    client.force_login(teacher)
    assert "《背影》群文阅读教学" in client.get(f"/declarations/{draft.pk}/").content.decode()


# A person whose account came with their declaration (an employer's 个人申报账号), whose declaration was returned.
RETURNED_PERSON = next(p["login"] for p in data.PEOPLE if "login" in p and p["stage"] == data.RETURNED_BY_OFFICE)
# Each kind of account of the demo province once, and that person.
WALKERS = [
    "applicant",
    "teacher",
    "hospitaladmin",
    "companyadmin",
    "wjwreview",
    "zsadmin",
    "hzcheck",
    "hzreturn",
    "hzadmin",
    "zjadmin",
    "sysadmin",
    "auditor",
    "zjmishu",
    "gczj01",
    RETURNED_PERSON,
]


# The search and filter forms already sent malformed values in this test session (tests/links.walk).
MALFORMED_TRIED: set = set()


# What a page offers does not differ by database: CI walks once, in its SQLite pass (ADR 0055).
@pytest.mark.ci_on_sqlite
@pytest.mark.parametrize("username", WALKERS)
def test_every_page_an_account_reaches_offers_only_what_it_may_use_and_names_every_field(loaded, db, client, username):
    """Walked from the home page by following links (tests/links.py): no link to 无权访问 or 页面不存在, no form posting
    to an action the account's role lacks, every field and button named, no id used twice on a page, and no search
    or filter that answers a malformed value with a server error."""
    from tests.links import walk

    # The person has replaced the one-time password the employer gave them (else every page is 修改密码).
    User.objects.filter(username=username).update(must_change_password=False)
    user = User.objects.get(username=username)
    client.force_login(user)
    report = walk(client, user, malformed_tried=MALFORMED_TRIED)
    assert report.opened >= 15, f"{username} reached only {report.opened} pages from the home page"
    assert report.problems == [], "\n".join(f"{what} ({where})" for what, where in report.problems)


def test_a_returned_declaration_sends_to_its_dossier_only_those_who_may_mend_it(loaded, db, client):
    returned = Declaration.objects.get(status=Status.RETURNED, applicant__username="applicant")
    page, dossier = f"/reviews/track/{returned.pk}/", f'href="/declarations/{returned.pk}/"'
    client.force_login(User.objects.get(username="applicant"))
    html = client.get(page).content.decode()
    assert "请按退回理由修改" in html and dossier in html
    client.force_login(User.objects.get(username="wjwreview"))  # who returned it
    html = client.get(page).content.decode()
    assert "材料已退回申报人修改" in html and "请按退回理由修改" not in html and dossier not in html


def test_a_colleagues_dossier_leads_back_to_the_staff_list_not_to_the_fillers_own_pages(loaded, db, client):
    draft = Declaration.objects.filter(status=Status.DRAFT, employer__name="杭州市第一人民医院").first()
    assert draft is not None
    client.force_login(User.objects.get(username="hospitaladmin"))  # 填写材料 for a colleague
    html = client.get(f"/declarations/{draft.pk}/").content.decode()
    assert '<a href="/reviews/manage/">管理材料</a>' in html and '<a href="/declarations/">我的申报</a>' not in html
    # The notes of the form speak of the applicant's own 业绩档案 and 个人信息, not the filler's (the menu keeps theirs).
    form = html[html.index('id="dossier-form"') : html.index("</form>", html.index('id="dossier-form"'))]
    assert "由申报人本人在其个人信息中修改" in form
    assert 'href="/achievements/' not in form and 'href="/accounts/profile/"' not in form


def test_the_blank_forms_are_offered_to_staff_and_not_to_an_applicant(loaded, db, client):
    accepted = Declaration.objects.filter(status=Status.ACCEPTED, employer__name="杭州市第一人民医院").first()
    page, blanks = f"/reviews/track/{accepted.pk}/", 'href="/printing/blanks/"'
    client.force_login(accepted.applicant)
    html = client.get(page).content.decode()
    assert "打印表格（PDF）" in html and blanks not in html
    client.force_login(User.objects.get(username="hospitaladmin"))
    assert blanks in client.get(page).content.decode()


# Values a typo, an old bookmark or a tampered address puts into a list's filters (round, series, 等待天数 …).
MALFORMED = ["²", "99999999999999999999", "-1", "'", "1.5", "\u202e"]


@pytest.mark.parametrize(
    "username, page",
    [
        ("hzcheck", "/reviews/inbox/"),
        ("hzcheck", "/reviews/accepted/"),
        ("hzadmin", "/reviews/track/"),
        ("hospitaladmin", "/reviews/manage/"),
        ("hospitaladmin", "/reviews/returned/"),
        ("applicant", "/reviews/track/"),
    ],
)
def test_a_list_ignores_malformed_filter_values_as_it_ignores_unknown_ones(loaded, db, client, username, page):
    from urllib.parse import urlencode

    from title_review.reviews.filters import FILTERS

    client.force_login(User.objects.get(username=username))
    whole = client.get(page).content.decode()
    for name in FILTERS:
        for value in MALFORMED:
            answer = client.get(f"{page}?{urlencode({name: value})}")
            assert answer.status_code == 200, (page, name, value, answer.status_code)
    # A malformed number filters nothing out: the page lists what it lists without it.
    rows = re.findall(r'href="/reviews/track/(\d+)/"', whole)
    assert (
        re.findall(r'href="/reviews/track/(\d+)/"', client.get(f"{page}?round=²&waiting=99999999").content.decode())
        == rows
    )
