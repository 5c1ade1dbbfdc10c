"""The meeting pages follow the list pattern (issue 12): a page of rows with "共 … 条" and 下一页, nothing lost
across pages, every row still acted on from its page, the dossier JSON never read, and the same number of
queries with 3 rows as with 40."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from title_review.committees import panels, services, views
from title_review.committees import selectors as committee_selectors
from title_review.committees.models import (
    Ballot,
    BallotVoter,
    BlindReview,
    BlindWork,
    MeetingMember,
    PanelOpinion,
)

from .factories import accepted_many, closed_ballots, give, open_ballots, panel_of, sign_in, sitting

PER_PAGE = 5
# The whole snapshot (or another dossier column) selected as a column, not one key taken out of it in SQL.
WHOLE_JSON = re.compile(r'(?:SELECT|,)\s*"declarations_declaration"\."(?:snapshot|picks|chain|section_data)"(?:\s|,)')


@pytest.fixture
def world(seeded):
    return sitting()


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", PER_PAGE)


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queries(client: Client, url: str) -> tuple[int, str, list[str]]:
    """The page's query count, its HTML and the SQL it ran (after a first request that does one-off work)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ran:
        answer = client.get(url)
    assert answer.status_code == 200
    sql = [q["sql"] for q in ran.captured_queries]
    return len(sql), answer.content.decode(), sql


def _no_whole_json(sql: list[str]) -> None:
    read = [q for q in sql if WHOLE_JSON.search(q)]
    assert not read, read


def _cells(html: str, table: str, column: int = 0) -> list[str]:
    """The text of one column of a table's body rows (by its aria-label)."""
    body = html.split(f'aria-label="{table}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[column]).strip() for row in rows]


def _pages(client: Client, url: str, table: str) -> list[list[str]]:
    """Every page of a list, following 下一页, as the names in its first column."""
    seen, next_url = [], url
    while next_url:
        html = client.get(next_url).content.decode()
        seen.append(_cells(html, table))
        found = re.search(r'href="(\?[^"]*page=\d+)">下一页', html)
        next_url = url + found.group(1).replace("&amp;", "&") if found else ""
        assert len(seen) < 20
    return seen


# ---- 评审结果 -----------------------------------------------------------------------------------------------


def _close(world) -> None:
    services.close_meeting(actor=world["secretary"], meeting_id=world["meeting"].pk)


def test_the_results_page_lists_each_declarations_last_ballot_a_page_at_a_time(world, users, small_pages):
    many = accepted_many(world, 11)
    # 申报人000 failed, was voted again and passed: listed once, with the second ballot's tally.
    closed_ballots(world, many[:1], passed=False)
    closed_ballots(world, many[:1], attempt=2)
    closed_ballots(world, many[1:6])
    closed_ballots(world, many[6:], passed=False)
    _close(world)
    office, url = _as(users["hzadmin"]), f"/committees/results/{world['meeting'].pk}/"
    first = office.get(url).content.decode()
    assert "共表决 11 人，通过 6 人" in first
    assert "共 11 条" in first and "第 1/3 页" in first and "下一页" in first
    pages = _pages(office, url, "评审结果")
    assert [len(p) for p in pages] == [5, 5, 1]
    names = [name for page in pages for name in page]
    assert sorted(names) == sorted(d.applicant_name for d in many)  # each once, none lost
    revoted = next(p for p in pages if "申报人000" in p)
    html = office.get(f"{url}?page={pages.index(revoted) + 1}").content.decode()
    row = html.split("申报人000", 1)[1].split("</tr>", 1)[0]
    assert "通过" in row and "未通过" not in row and "第2次表决" in row and "<td>12</td>" in row


def test_the_results_page_reads_one_page_without_the_dossier_in_the_same_queries_for_3_and_40(
    world, users, small_pages
):
    office, url = _as(users["hzadmin"]), f"/committees/results/{world['meeting'].pk}/"
    few = accepted_many(world, 3)
    closed_ballots(world, few)
    _close(world)
    small, html, sql = _queries(office, url)
    assert "共表决 3 人，通过 3 人" in html and len(_cells(html, "评审结果")) == 3
    _no_whole_json(sql)
    more = accepted_many(world, 37, start=3)
    closed_ballots(world, more[:20], passed=False)
    closed_ballots(world, more[:20], attempt=2, passed=False)
    closed_ballots(world, more[20:])
    large, html, sql = _queries(office, url)
    assert "共表决 40 人，通过 20 人" in html and len(_cells(html, "评审结果")) == PER_PAGE
    _no_whole_json(sql)
    assert large == small


# ---- 我的评审会议 -------------------------------------------------------------------------------------------


def test_a_member_pages_through_the_declarations_to_review_and_writes_on_any_page(world, small_pages):
    many = accepted_many(world, 11)
    panel_of(world, [world["declaration"], *many])
    expert, url = _as(world["experts"][0]), f"/committees/mine/{world['meeting'].pk}/"
    first = expert.get(url).content.decode()
    assert "共 12 条" in first and "第 1/3 页" in first and "下一页" in first
    assert first.count("提交评议意见</button>") == PER_PAGE
    seen = []
    for number in (1, 2, 3):
        answer = expert.get(f"{url}?page={number}")
        seen += [a.declaration.applicant_name for a, _written in answer.context["assignments"]]
    assert sorted(seen) == sorted(["朱老师", *(d.applicant_name for d in many)])
    # One on page 3: written there, and the member is back on page 3 to see it done.
    assignment = expert.get(f"{url}?page=3").context["assignments"][-1][0]
    done = expert.post(
        f"/committees/assignments/{assignment.pk}/opinion/", {"opinion": "同意推荐。", "page": "3"}, follow=True
    )
    assert done.redirect_chain[-1][0] == f"{url}?page=3"
    assert "评议意见已提交" in done.content.decode() and "已提交评议意见" in done.content.decode()
    assert PanelOpinion.objects.filter(assignment=assignment).exists()


def test_a_member_sees_the_open_ballots_waiting_for_their_vote_first_with_a_note_past_the_cap(world, monkeypatch):
    monkeypatch.setattr(committee_selectors, "OPEN_BALLOTS_SHOWN", 2)
    sign_in(world, 17)
    many = accepted_many(world, 4)
    ballots = open_ballots(world, many)
    seat = MeetingMember.objects.get(meeting=world["meeting"], user=world["experts"][0])
    BallotVoter.objects.filter(ballot__in=ballots[:2], member=seat).update(has_voted=True)
    expert, url = _as(world["experts"][0]), f"/committees/mine/{world['meeting'].pk}/"
    page = expert.get(url).content.decode()
    assert "正在进行的表决共 4 项，这里先列出 2 项（待您投票的在前）" in page
    assert "申报人002" in page and "申报人003" in page and "申报人000" not in page and "您已投票。" not in page
    voted = expert.post(f"/committees/ballots/{ballots[2].pk}/vote/", {"choice": "approve"}, follow=True)
    assert "投票成功" in voted.content.decode()
    after = expert.get(url).content.decode()
    assert "申报人003" in after and after.count("对 申报人003 的表决") == 1


def test_the_member_page_reads_no_dossier_and_the_same_queries_for_3_and_40(world, small_pages):
    sign_in(world, 17)
    few = accepted_many(world, 3)
    panel = panel_of(world, few)
    open_ballots(world, few)
    expert, url = _as(world["experts"][0]), f"/committees/mine/{world['meeting'].pk}/"
    small, html, sql = _queries(expert, url)
    assert html.count("提交评议意见</button>") == 3 and html.count('value="approve">同意</button>') == 3
    _no_whole_json(sql)
    more = accepted_many(world, 37, start=3)
    give(world, panel, more)
    open_ballots(world, more)
    large, html, sql = _queries(expert, url)
    assert html.count("提交评议意见</button>") == PER_PAGE and "共 40 条" in html
    _no_whole_json(sql)
    assert large == small


# ---- 评审会议 (the secretary) ---------------------------------------------------------------------------------


def test_the_secretary_pages_through_the_declarations_and_acts_on_a_later_page(world, small_pages):
    many = accepted_many(world, 12)
    sign_in(world, 17)
    secretary, url = _as(world["secretary"]), f"/committees/meetings/{world['meeting'].pk}/"
    first = secretary.get(url).content.decode()
    assert "共 13 条" in first and "第 1/3 页" in first and "下一页" in first
    pages = _pages(secretary, url, "评审对象")
    assert [len(p) for p in pages] == [5, 5, 3]
    names = [name for page in pages for name in page]
    assert sorted(names) == sorted(["朱老师", *(d.applicant_name for d in many)])
    last = pages[2][-1]
    declaration = next(d for d in [world["declaration"], *many] if d.applicant_name == last)

    # 开始表决 from page 3: back on page 3, where the ballot shows, and 结束表决 from there.
    opened = secretary.post(f"{url}ballots/", {"declaration": declaration.pk, "page": "3"}, follow=True)
    assert opened.redirect_chain[-1][0] == f"{url}?page=3"
    html = opened.content.decode()
    assert f"已开始表决：{last}（实到评委 17 人）" in html and "投票中：已投 0 / 17" in html
    ballot = Ballot.objects.get(declaration=declaration)
    for member in world["experts"][:12]:
        _as(member).post(f"/committees/ballots/{ballot.pk}/vote/", {"choice": "approve"})
    closed = secretary.post(f"/committees/ballots/{ballot.pk}/close/", {"page": "3"}, follow=True)
    assert closed.redirect_chain[-1][0] == f"{url}?page=3"
    assert "通过（同意 12、不同意 0、弃权 0，实到 17）" in closed.content.decode()

    # 分配评议 offers page 3's declarations on page 3.
    made = secretary.post(
        f"{url}panels/", {"name": "中学组", "members": [str(e.pk) for e in world["experts"][:3]]}, follow=True
    )
    panel = made.context["panels"][0][0]
    form = secretary.get(f"{url}?page=3").content.decode()
    offered = form.split('id="assign-declarations"', 1)[1].split("</select>", 1)[0]
    assert f'value="{declaration.pk}"' in offered and "其他申报材料请翻页后分配" in form
    given = secretary.post(
        f"{url}assign/", {"panel": panel.pk, "declarations": [declaration.pk], "page": "3"}, follow=True
    )
    assert given.redirect_chain[-1][0] == f"{url}?page=3"
    assert f"已将 1 份申报材料分配给“{panel.name}”" in given.content.decode()


def _blind(world, declarations, reviewers) -> None:
    """A 代表作 of each of `declarations` out to `reviewers` (rows), one review submitted."""
    due = timezone.localdate() + dt.timedelta(days=7)
    works = BlindWork.objects.bulk_create(
        BlindWork(meeting=world["meeting"], declaration=d, code=f"DBZ-T{d.pk:05d}", work={"title": "研究"}, due_on=due)
        for d in declarations
    )
    BlindReview.objects.bulk_create(
        BlindReview(work=w, reviewer=r, due_on=due, submitted_at=timezone.now() if i == 0 else None)
        for w in works
        for i, r in enumerate(reviewers)
    )


def test_the_meeting_page_reads_a_page_without_the_snapshot_in_the_same_queries_for_3_and_40(world, small_pages):
    sign_in(world, 17)
    experts = world["experts"]
    secretary, url = _as(world["secretary"]), f"/committees/meetings/{world['meeting'].pk}/"

    def panel(name: str, members: list, declarations: list) -> None:
        made = panels.form_panel(
            actor=world["secretary"],
            meeting_id=world["meeting"].pk,
            name=name,
            member_user_ids=[e.pk for e in members],
        )
        given = give(world, made, declarations)
        seats = {m.user_id: m for m in MeetingMember.objects.filter(meeting=world["meeting"])}
        PanelOpinion.objects.bulk_create(
            PanelOpinion(assignment=a, member=seats[members[0].pk], opinion="同意。", written_at=timezone.now())
            for a in given
        )

    few = accepted_many(world, 2)
    closed_ballots(world, few[:1])
    open_ballots(world, few[1:])
    panel("第一组", experts[:3], few)
    _blind(world, [world["declaration"]], experts[20:23])
    small, html, sql = _queries(secretary, url)
    assert len(_cells(html, "评审对象")) == 3 and "已评" in html and "2 / 2" in html and "0 / 2" in html
    _no_whole_json(sql)

    more = accepted_many(world, 37, start=2)
    closed_ballots(world, more[:10], passed=False)
    closed_ballots(world, more[:10], attempt=2)
    open_ballots(world, more[10:15])
    panel("第二组", experts[3:6], more[:20])
    panel("第三组", experts[6:9], more[20:])
    _blind(world, more, experts[20:25])
    large, html, sql = _queries(secretary, url)
    assert len(_cells(html, "评审对象")) == PER_PAGE and "共 40 条" in html
    assert "20 / 20" in html and "0 / 20" in html and "17 / 17" in html
    _no_whole_json(sql)
    assert large == small


def test_the_representative_works_offered_are_the_pages_taken_from_the_snapshot_key_alone(world, small_pages):
    from title_review.declarations.models import Declaration

    many = accepted_many(world, 9)
    work = {"id": 7, "title": "高中物理实验教学研究", "is_representative": True}
    other = {"id": 8, "title": "不是代表作", "is_representative": False}
    for declaration in (world["declaration"], many[-1]):
        Declaration.objects.filter(pk=declaration.pk).update(
            snapshot={"records": {"achievement": [work, other]}, "big": "x" * 1000}
        )
    secretary, url = _as(world["secretary"]), f"/committees/meetings/{world['meeting'].pk}/"
    offered = {}
    for number in (1, 2):
        with CaptureQueriesContext(connection) as ran:
            html = secretary.get(f"{url}?page={number}").content.decode()
        _no_whole_json([q["sql"] for q in ran.captured_queries])
        names = _cells(html, "评审对象")
        options = html.split('id="blind-work"', 1)[1].split("</select>", 1)[0]
        offered.update({name: f"{name}：高中物理实验教学研究" in options for name in names})
        # The page's own declarations' works, none of another page's.
        assert options.count("：高中物理实验教学研究") == sum(offered[name] for name in names)
        assert "不是代表作" not in options
    assert offered["朱老师"] and offered[many[-1].applicant_name]
    assert sum(offered.values()) == 2 and len(offered) == 10


def test_panel_progress_for_all_panels_is_one_query(world, django_assert_num_queries):
    many = accepted_many(world, 6)
    first = panel_of(world, many[:4])
    second = panels.form_panel(
        actor=world["secretary"],
        meeting_id=world["meeting"].pk,
        name="第二组",
        member_user_ids=[e.pk for e in world["experts"][3:6]],
    )
    given = give(world, second, many[4:])
    seat = MeetingMember.objects.get(meeting=world["meeting"], user=world["experts"][3])
    PanelOpinion.objects.create(assignment=given[0], member=seat, opinion="同意。", written_at=timezone.now())
    with django_assert_num_queries(1):
        progress = panels.progress_of([first, second])
        shown = {
            panel_id: [(p.member.user.real_name, p.assigned, p.written) for p in rows]
            for panel_id, rows in progress.items()
        }
    assert shown[first.pk] == [(e.real_name, 4, 0) for e in world["experts"][:3]]
    assert shown[second.pk] == [(world["experts"][3].real_name, 2, 1)] + [
        (e.real_name, 2, 0) for e in world["experts"][4:6]
    ]
