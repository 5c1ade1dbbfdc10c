"""评委会评审 end to end in the browser (issue 13): the committee's secretary draws a 25-member committee from the
expert pool (one expert stands aside automatically), a 评议组 gives opinions on 3 declarations, a 代表作 goes
to 3 blind reviewers, the meeting cannot vote with 16 present and opens with 17; 12 同意 of 17 passes, 11 does
not; the signed 会议记录 PDF lists who was present, the declarations, the opinions and every tally.

Only the preconditions are rows (the accepted declarations, through the review chain's services; the expert
pool with accounts; the round's committee). Everything else goes through the pages. People sign in by a
session cookie in their own browser context (the login page has its own tests); the bulk of the 17 sign-ins and
51 votes are posted to the same pages by a test client, and a few go through the browser, one on a phone.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, LocatorAssertions, Page, expect

from title_review.access.roles import Role
from title_review.accounts.models import User
from title_review.committees.models import (
    Ballot,
    BallotStatus,
    BlindReview,
    Expert,
    ExpertStatus,
    Meeting,
    PanelDeclaration,
)
from title_review.committees.tests.factories import HOST, _account
from title_review.declarations.models import Declaration
from title_review.dictionaries.models import Entry
from title_review.exchange.tests.factories import accept_through_chain, accepted_for, publish_round
from title_review.organisations.models import Organisation
from title_review.printing.tests.pdf import compact
from title_review.printing.tests.pdf import text as pdf_text
from title_review.reviews.tests.factories import submit_for
from title_review.rounds import services as rounds
from title_review.rounds.models import Round

from .pages import signed_in_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MEETING = "2026年度中小学教师评委会评审会议"
WORK_TITLE = "基于项目式学习的高中物理实验教学研究"
OPINIONS = {
    "朱老师": "教学业绩突出，公开课效果好，同意推荐。",
    "韩申报": "论文数量不足，代表作水平一般。",
    "林老师": "班主任工作成绩显著，同意推荐。",
}


def _expert(username: str, name: str, employer: Organisation, series: Entry) -> Expert:
    today = timezone.localdate()
    return Expert.objects.create(
        user=_account(username, name, employer, Role.EXPERT),
        employer=employer,
        series=series,
        title_name="正高级教师",
        level="1",
        term_starts=today - dt.timedelta(days=30),
        term_ends=today + dt.timedelta(days=700),
        status=ExpertStatus.ACTIVE,
    )


def _world() -> dict:
    """The round of the 杭州市中小学教师评委会 with 朱老师, 林老师 (杭州第二中学) and 韩申报 (杭州市第一人民医院)
    accepted; 朱老师's snapshot holds one 代表作. The pool: 52 experts at a company in 西湖区, 5 at the province
    office (outside 杭州) and one at 杭州第二中学, who must stand aside."""
    host = Organisation.objects.get(name=HOST)
    series = Entry.objects.get(type__code="series", name="中小学教师")
    levels = list(Entry.objects.filter(type__code="level", name__in=["中级", "副高级"]).values_list("code", flat=True))
    committee = rounds.create_committee(
        actor=User.objects.get(username="hzadmin"),
        host=host,
        name="杭州市中小学教师评委会",
        series=series,
        levels=levels,
        specialties=[],
        filing_number="浙职改备〔2026〕12号",
        valid_until=timezone.localdate() + dt.timedelta(days=365),
    )
    round_ = publish_round()
    Round.objects.filter(pk=round_.pk).update(committee=committee)
    school = Organisation.objects.get(name="杭州第二中学")
    lin = _account("linlaoshi", "林老师", school, Role.APPLICANT)
    declarations = {
        "朱老师": accepted_for("teacher", round_),
        "韩申报": accepted_for("applicant", round_),
        "林老师": accept_through_chain(submit_for(lin, round_)),
    }
    zhu = declarations["朱老师"]
    snapshot = dict(zhu.snapshot)
    work = {"id": 9001, "category": "paper", "title": WORK_TITLE, "venue": "物理教学", "is_representative": True}
    snapshot["records"] = {**snapshot.get("records", {}), "achievement": [work]}
    Declaration.objects.filter(pk=zhu.pk).update(snapshot=snapshot)
    company = Organisation.objects.get(name="杭州西湖数智科技有限公司")
    province = Organisation.objects.get(name="浙江省职称工作领导小组办公室")
    inside = [_expert(f"pw{i:02d}", f"评委{i:02d}", company, series) for i in range(1, 53)]
    outside = [_expert(f"pwwd{i}", f"外地评委{i}", province, series) for i in range(1, 6)]
    colleague = _expert("pwtx", "同校专家", school, series)
    return {
        "round": round_,
        "declarations": declarations,
        "experts": {e.user.real_name: e.user for e in [*inside, *outside, colleague]},
        "secretary": _account("pwmishu", "评委会秘书", host, Role.COMMITTEE_SECRETARY),
    }


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _alert(page: Page) -> LocatorAssertions:
    return expect(page.get_by_role("alert").first)


def _post(client: Client, path: str, data: dict | None = None) -> None:
    """A form posted as the page would (the pages answer with a redirect either way; what it did is checked on
    the secretary's page: 实到, 已投 n / 17, 已评议 3 / 3)."""
    assert client.post(path, data or {}).status_code == 302, path


def _vote(page: Page, choice: str) -> None:
    page.reload()
    page.get_by_role("button", name=choice, exact=True).click()
    _alert(page).to_contain_text("投票成功")


def test_a_committee_is_drawn_reviews_and_votes_and_its_record_lists_it_all(browser: Browser, site):
    world = _world()
    secretary_user, experts = world["secretary"], world["experts"]
    names = {v.pk: k for k, v in world["declarations"].items()}
    secretary = signed_in_page(browser, site, secretary_user)
    opened: list[Page] = [secretary]
    try:
        # ---- 抽取评委: 25 members, 25 alternates; the expert at 朱老师's school stands aside automatically.
        secretary.goto("/committees/draw/")
        secretary.get_by_label("评审活动").select_option(label=f"{world['round'].title}（杭州市中小学教师评委会）")
        secretary.get_by_label("会议名称").fill(MEETING)
        secretary.get_by_role("button", name="抽取").click()
        _alert(secretary).to_contain_text("已抽取评委 25 人")
        expect(secretary.get_by_role("heading", level=1)).to_have_text(MEETING)
        expect(secretary.get_by_text("同校专家：与申报人朱老师同在杭州第二中学（自动回避）")).to_be_visible()
        drawn = secretary.get_by_role("table", name="抽取结果")
        roles = drawn.locator("tbody tr td:nth-child(4)")
        expect(roles.filter(has_text=re.compile(r"^评委$"))).to_have_count(25)
        expect(roles.filter(has_text=re.compile(r"^候补$"))).to_have_count(25)
        meeting = Meeting.objects.get(title=MEETING)
        members = [User.objects.get(pk=pk) for pk in meeting.members.order_by("pk").values_list("user_id", flat=True)]
        assert len(members) == 25 and experts["同校专家"] not in members
        assert sum(m.real_name.startswith("外地") for m in members) >= 3

        # ---- 评议组 of three members, given the three declarations.
        panel_members = members[:3]
        secretary.get_by_text("组建评议组", exact=True).click()
        secretary.get_by_label("评议组名称").fill("中学组")
        secretary.get_by_label("评议组成员（至少 3 人）").select_option(label=[m.real_name for m in panel_members])
        secretary.get_by_role("button", name="组建", exact=True).click()
        _alert(secretary).to_contain_text("已组建评议组“中学组”（3 人）")
        secretary.get_by_text("分配评议", exact=True).click()
        secretary.get_by_label("评议组", exact=True).select_option(label="中学组")
        secretary.get_by_label("申报材料", exact=True).select_option(
            label=[f"{name}（{d.employer.name}）" for name, d in world["declarations"].items()]
        )
        secretary.get_by_role("button", name="分配", exact=True).click()
        _alert(secretary).to_contain_text("已将 3 份申报材料分配给“中学组”")

        # The first panel member writes the three opinions on a phone; the other two post theirs.
        reviewer = signed_in_page(browser, site, panel_members[0], PHONE)
        opened.append(reviewer)
        reviewer.goto("/committees/mine/")
        reviewer.get_by_role("link", name=MEETING).click()
        for name, opinion in OPINIONS.items():
            card = reviewer.locator(".card").filter(has_text=name).filter(has=reviewer.get_by_label("评议意见"))
            card.get_by_label("评议意见").fill(opinion)
            card.get_by_role("button", name="提交评议意见").click()
            _alert(reviewer).to_contain_text("评议意见已提交")
        assignments = PanelDeclaration.objects.filter(meeting=meeting)
        for member in panel_members[1:]:
            client = _client(member)
            for assignment in assignments:
                opinion = f"{member.real_name}意见：{names[assignment.declaration_id]}材料齐全。"
                _post(client, f"/committees/assignments/{assignment.pk}/opinion/", {"opinion": opinion})
        secretary.reload()
        progress = secretary.get_by_role("table", name="中学组 评议进度")
        for member in panel_members:
            expect(progress.get_by_role("row").filter(has_text=member.real_name)).to_contain_text("3 / 3")

        # ---- 代表作 送审 to three pool experts who are not members; each reviews it without seeing its author.
        blind_reviewers = [experts["评委50"], experts["评委51"], experts["评委52"]]
        secretary.get_by_text("送审代表作", exact=True).click()
        secretary.get_by_label("代表作", exact=True).select_option(label=f"朱老师：{WORK_TITLE}")
        secretary.get_by_label("评审专家（至少 3 人）").select_option(
            label=[f"{u.real_name}（杭州西湖数智科技有限公司）" for u in blind_reviewers]
        )
        secretary.get_by_label("评审截止日期").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
        secretary.get_by_role("button", name="送审", exact=True).click()
        _alert(secretary).to_contain_text("代表作已送审，送审编号 DBZ-")
        blind_page = signed_in_page(browser, site, blind_reviewers[0], PHONE)
        opened.append(blind_page)
        blind_page.goto("/committees/reviews/")
        blind_page.get_by_role("link", name=re.compile(r"DBZ-")).click()
        expect(blind_page.get_by_role("heading", level=1)).to_have_text("代表作评审意见表")
        expect(blind_page.locator("main")).to_contain_text(WORK_TITLE)
        expect(blind_page.locator("main")).not_to_contain_text("朱老师")
        expect(blind_page.locator("main")).not_to_contain_text("杭州第二中学")
        blind_page.get_by_label("良好").check()
        blind_page.get_by_label("评审意见").fill("选题贴近教学实际，实验设计规范。")
        blind_page.get_by_role("button", name="提交评审意见").click()
        _alert(blind_page).to_contain_text("代表作评审意见已提交")
        for user, grade in zip(blind_reviewers[1:], ["excellent", "pass"], strict=True):
            review = BlindReview.objects.get(reviewer=user)
            _post(_client(user), f"/committees/reviews/{review.pk}/", {"grade": grade, "comment": "同意。"})
        secretary.reload()
        expect(secretary.locator(".badge", has_text="已评")).to_have_count(3)

        # ---- The meeting: 16 present is not a quorum of 25.
        secretary.get_by_role("button", name="开始会议").click()
        _alert(secretary).to_contain_text("会议已开始")
        present, absent = members[:17], members[17:]
        phone = signed_in_page(browser, site, present[0], PHONE)
        desk = signed_in_page(browser, site, present[1])
        opened += [phone, desk]
        for voter in (phone, desk):
            voter.goto(f"/committees/mine/{meeting.pk}/")
            voter.get_by_role("button", name="签到").click()
            _alert(voter).to_contain_text("签到成功")
        clients = {m.pk: _client(m) for m in present}
        for member in present[2:16]:
            _post(clients[member.pk], f"/committees/mine/{meeting.pk}/sign-in/")
        secretary.reload()
        expect(secretary.get_by_test_id("present")).to_have_text("16")
        secretary.get_by_role("button", name="开始表决 朱老师").click()
        _alert(secretary).to_contain_text("应到评委 25 人，实到 16 人，不足三分之二（至少 17 人），不能开始表决。")
        assert not Ballot.objects.exists()

        # The 17th signs in: 12 同意 of 17 passes (朱老师), 11 does not (韩申报), 16 passes (林老师).
        _post(clients[present[16].pk], f"/committees/mine/{meeting.pk}/sign-in/")
        tallies = {
            "朱老师": ["同意"] * 12 + ["不同意"] * 3 + ["弃权"] * 2,
            "韩申报": ["同意"] * 11 + ["不同意"] * 5 + ["弃权"] * 1,
            "林老师": ["同意"] * 16 + ["弃权"] * 1,
        }
        values = {"同意": "approve", "不同意": "reject", "弃权": "abstain"}
        for name, choices in tallies.items():
            secretary.get_by_role("button", name=f"开始表决 {name}").click()
            _alert(secretary).to_contain_text(f"已开始表决：{name}（实到评委 17 人）")
            ballot = Ballot.objects.get(declaration=world["declarations"][name], status=BallotStatus.OPEN)
            _vote(phone, choices[0])
            _vote(desk, choices[1])
            for member, choice in zip(present[2:], choices[2:], strict=True):
                _post(clients[member.pk], f"/committees/ballots/{ballot.pk}/vote/", {"choice": values[choice]})
            # An absent member may not vote.
            late = _client(absent[0]).post(f"/committees/ballots/{ballot.pk}/vote/", {"choice": "approve"})
            assert late.status_code in (302, 404)
            secretary.reload()
            expect(secretary.get_by_role("table", name="评审对象")).to_contain_text("已投 17 / 17")
            secretary.get_by_role("button", name=f"结束表决 {name}").click()
            approve, reject, abstain = (choices.count(c) for c in ("同意", "不同意", "弃权"))
            outcome = "通过" if name != "韩申报" else "未通过"
            _alert(secretary).to_contain_text(f"同意 {approve}、不同意 {reject}、弃权 {abstain}，{outcome}。")
        rows = secretary.get_by_role("table", name="评审对象")
        expect(rows.get_by_role("row").filter(has_text="朱老师")).to_contain_text(
            "通过（同意 12、不同意 3、弃权 2，实到 17）"
        )
        expect(rows.get_by_role("row").filter(has_text="韩申报")).to_contain_text(
            "未通过（同意 11、不同意 5、弃权 1，实到 17）"
        )

        # ---- 结束会议, 签署会议记录, and the PDF as kept.
        secretary.get_by_role("button", name="结束会议").click()
        _alert(secretary).to_contain_text("会议已结束，请签署会议记录")
        secretary.get_by_role("button", name="签署会议记录").click()
        _alert(secretary).to_contain_text("会议记录已签署")
        href = secretary.get_by_role("link", name="下载会议记录").get_attribute("href")
        answer = secretary.request.get(href or "")
        assert answer.ok and answer.headers["content-type"].startswith("application/pdf")
        text = compact(pdf_text(answer.body()))
        assert "评审委员会评审会议记录" in text and "应到25人，实到17人" in text
        for member in members:
            assert member.real_name in text, member.real_name  # 出席 or 缺席, each named
        for name in world["declarations"]:
            assert name in text
        for opinion in OPINIONS.values():
            assert compact(opinion) in text
        assert f"{panel_members[1].real_name}意见：韩申报材料齐全。" in text
        for name, choices in tallies.items():
            approve, reject, abstain = (choices.count(c) for c in ("同意", "不同意", "弃权"))
            outcome = "通过" if name != "韩申报" else "未通过"
            assert re.search(rf"{name}.*?17{approve}{reject}{abstain}{outcome}", text), name
        assert "共表决3人，通过2人" in text
    finally:
        for opened_page in opened:
            opened_page.context.close()
