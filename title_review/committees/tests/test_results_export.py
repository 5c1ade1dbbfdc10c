"""评审结果 to the title office as a list and an Excel export (issue 13 point 7): per declaration 通过 / 未通过 with
the tally, from a closed meeting, for the office that published the round only; applicants see nothing."""

import io

import openpyxl
import pytest
from django.test import Client

from title_review.audit.models import AuditEvent
from title_review.committees import services
from title_review.core.errors import DomainError
from title_review.dictionaries.models import Entry
from title_review.exports import services as exports

from .factories import sign_in, sitting

HEADER = [
    "序号",
    "申报人",
    "工作单位",
    "系列",
    "申报资格",
    "级别",
    "评审结果",
    "应到评委",
    "出席评委",
    "同意",
    "不同意",
    "弃权",
    "第几次表决",
    "表决结束时间",
]


@pytest.fixture
def voted(seeded):
    """17 of 25 present; 12 同意, 4 不同意, 1 弃权: passes (12 × 3 ≥ 17 × 2). The meeting is still in session."""
    world = sitting()
    sign_in(world, 17)
    meeting, secretary = world["meeting"], world["secretary"]
    ballot = services.open_ballot(actor=secretary, meeting_id=meeting.pk, declaration_id=world["declaration"].pk)
    for expert, choice in zip(world["experts"][:17], ["approve"] * 12 + ["reject"] * 4 + ["abstain"], strict=True):
        services.cast_vote(actor=expert, ballot_id=ballot.pk, choice=choice)
    services.close_ballot(actor=secretary, ballot_id=ballot.pk)
    world["ballot"] = ballot
    return world


def _close(world):
    services.close_meeting(actor=world["secretary"], meeting_id=world["meeting"].pk)


def _rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _menu(client: Client) -> list[str]:
    from tests.test_menus import RenderedPage

    return [label for label, _href, _classes in RenderedPage(client.get("/").content.decode()).menu]


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_export_lists_each_declaration_with_its_result_and_tally(voted, users):
    _close(voted)
    download = exports.export_list(
        actor=users["hzadmin"], list_key="meeting_results", filters={"meeting": [str(voted["meeting"].pk)]}, full=False
    )
    header, *rows = _rows(download.content)
    assert header == HEADER
    declaration = voted["declaration"]
    qualification = Entry.objects.get(type__code="qualification", code=declaration.target_qualification)
    level = Entry.objects.get(type__code="level", code=qualification.attributes["level"]).name
    (row,) = rows
    assert row[:13] == [
        1,
        "朱老师",
        "杭州第二中学",
        "中小学教师",
        qualification.name,
        level,
        "通过",
        25,
        17,
        12,
        4,
        1,
        1,
    ]
    assert download.name.startswith("2026年度中小学教师评委会评审会议评审结果_")
    event = AuditEvent.objects.get(action="export.list")
    assert event.object_id == str(voted["meeting"].pk) and event.after["rows"] == 1


def test_nothing_is_exported_before_the_meeting_closes_or_outside_the_publishing_office(voted, users):
    meeting = {"meeting": [str(voted["meeting"].pk)]}
    with pytest.raises(DomainError, match="尚未结束或您无权查看"):
        exports.export_list(actor=users["hzadmin"], list_key="meeting_results", filters=meeting, full=False)
    _close(voted)
    for outsider in (users["xhadmin"], voted["secretary"], users["teacher"]):
        with pytest.raises(DomainError, match="尚未结束或您无权查看"):
            exports.export_list(actor=outsider, list_key="meeting_results", filters=meeting, full=False)
    assert not AuditEvent.objects.filter(action="export.list").exists()


def test_the_results_page_offers_the_export_and_the_office_downloads_it(voted, users, django_assert_max_num_queries):
    _close(voted)
    meeting = voted["meeting"]
    office = _as(users["hzadmin"])
    with django_assert_max_num_queries(14):
        page = office.get(f"/committees/results/{meeting.pk}/").content.decode()
    assert f'action="/exports/meetings/{meeting.pk}/results/"' in page and "导出</button>" in page
    response = office.post(f"/exports/meetings/{meeting.pk}/results/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    header, row = _rows(response.content)
    assert header == HEADER and row[1] == "朱老师" and row[6] == "通过"
    # A GET does not export.
    assert office.get(f"/exports/meetings/{meeting.pk}/results/").status_code == 405


def test_applicants_and_other_offices_get_no_results(voted, users):
    meeting = voted["meeting"]
    url = f"/exports/meetings/{meeting.pk}/results/"
    office = _as(users["hzadmin"])
    assert office.post(url).status_code == 404  # not before the meeting closes
    _close(voted)
    applicant = _as(voted["declaration"].applicant)
    # 朱老师, whose declaration was voted on: no file, no result page, no list of results.
    answer = applicant.post(url)
    assert answer.status_code in (403, 404) and "spreadsheetml" not in answer.get("Content-Type", "")
    assert applicant.get(f"/committees/results/{meeting.pk}/").status_code in (403, 404)
    listing = applicant.get("/committees/results/")
    assert listing.status_code == 403 and meeting.title not in listing.content.decode()
    menu = _menu(applicant)
    assert "我的申报" in menu and "评审结果" not in menu
    assert _as(users["xhadmin"]).post(url).status_code == 404
    assert _as(users["applicant"]).post(url).status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="export.list").exists()
