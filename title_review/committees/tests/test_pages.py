"""评审会议 and 我的评审会议 over HTTP: what the secretary and an expert see and do, in bounded queries."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from title_review.committees.models import Ballot, BallotVoter

from .factories import sign_in, sitting


@pytest.fixture
def world(seeded):
    return sitting()


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_secretary_opens_a_ballot_experts_vote_on_their_phones_and_the_tally_shows_once_closed(
    world, django_assert_max_num_queries
):
    secretary, meeting, declaration = _as(world["secretary"]), world["meeting"], world["declaration"]
    url = f"/committees/meetings/{meeting.pk}/"
    # Not enough members signed in: the page says so and nothing opens.
    sign_in(world, 16)
    refused = secretary.post(f"{url}ballots/", {"declaration": declaration.pk}, follow=True)
    assert "应到评委 25 人，实到 16 人" in refused.content.decode()
    assert not Ballot.objects.exists()

    # The 17th member signs in from their own page.
    expert = _as(world["experts"][16])
    mine = expert.get(f"/committees/mine/{meeting.pk}/").content.decode()
    assert "签到" in mine and meeting.title in mine
    assert "签到成功" in expert.post(f"/committees/mine/{meeting.pk}/sign-in/", follow=True).content.decode()

    opened = secretary.post(f"{url}ballots/", {"declaration": declaration.pk}, follow=True).content.decode()
    assert "已开始表决：朱老师（实到评委 17 人）" in opened
    ballot = Ballot.objects.get()
    for member, choice in zip(world["experts"][:17], ["approve"] * 12 + ["reject"] * 5, strict=True):
        answer = _as(member).post(f"/committees/ballots/{ballot.pk}/vote/", {"choice": choice}, follow=True)
        assert "投票成功" in answer.content.decode()
    again = _as(world["experts"][0]).post(f"/committees/ballots/{ballot.pk}/vote/", {"choice": "reject"}, follow=True)
    assert "您已投过票" in again.content.decode()

    with django_assert_max_num_queries(20):
        page = secretary.get(url).content.decode()
    assert "已投 17 / 17" in page and "同意 12" not in page  # no running tally while the ballot is open
    closed = secretary.post(f"/committees/ballots/{ballot.pk}/close/", follow=True).content.decode()
    assert "表决结束：同意 12、不同意 5、弃权 0，通过" in closed
    assert "通过（同意 12、不同意 5、弃权 0，实到 17）" in secretary.get(url).content.decode()
    assert BallotVoter.objects.filter(ballot=ballot, has_voted=True).count() == 17


def test_each_side_sees_only_its_own_pages(world, users):
    meeting = world["meeting"]
    outsider = _as(users["hzadmin"])
    assert outsider.get(f"/committees/meetings/{meeting.pk}/").status_code == 404
    assert outsider.get(f"/committees/mine/{meeting.pk}/").status_code == 404
    expert = _as(world["experts"][0])
    assert expert.get(f"/committees/meetings/{meeting.pk}/").status_code == 404
    assert expert.get("/committees/meetings/").status_code == 403
    listing = expert.get("/committees/mine/").content.decode()
    assert meeting.title in listing
    assert "我的评审会议" in listing and "评审会议</a>" not in listing.replace("我的评审会议</a>", "")
    assert meeting.title in _as(world["secretary"]).get("/committees/meetings/").content.decode()


def test_the_expert_page_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    sign_in(world, 17)
    expert = _as(world["experts"][0])
    with django_assert_max_num_queries(16):
        assert expert.get(f"/committees/mine/{world['meeting'].pk}/").status_code == 200


def test_the_secretary_draws_the_committee_on_its_page_and_recuses_a_member(pool, django_assert_max_num_queries):
    secretary = _as(pool["secretary"])
    form = secretary.get("/committees/draw/").content.decode()
    assert pool["round"].title in form
    refused = secretary.post("/committees/draw/", {"round": pool["round"].pk, "title": "", "size": ""}, follow=True)
    assert "请填写会议名称" in refused.content.decode()
    drawn = secretary.post(
        "/committees/draw/", {"round": pool["round"].pk, "title": "2026年度评审会议", "size": "25"}, follow=True
    )
    page = drawn.content.decode()
    assert "已抽取评委 25 人" in page and "随机种子" in page
    assert "与申报人朱老师同在杭州第二中学（自动回避）" in page
    meeting = drawn.context["meeting"]
    # An inside member: the first alternate in drawn order takes the seat (an outside member could call
    # for the first outside alternate instead, which the draw tests cover).
    member = next(s for s in drawn.context["seats"] if s.role == "member" and not s.outside)
    first_alternate = min(s.position for s in drawn.context["seats"] if s.role == "alternate")
    with django_assert_max_num_queries(25):
        secretary.get(f"/committees/meetings/{meeting.pk}/")
    answer = secretary.post(
        f"/committees/meetings/{meeting.pk}/recuse/", {"expert": member.expert_id, "reason": "师生关系"}, follow=True
    )
    assert f"已回避，由第 {first_alternate} 位候补专家递补" in answer.content.decode()


def test_the_record_is_signed_and_downloaded_from_the_meeting_page(world):
    secretary, meeting = _as(world["secretary"]), world["meeting"]
    sign_in(world, 17)
    secretary.post(f"/committees/meetings/{meeting.pk}/ballots/", {"declaration": world["declaration"].pk})
    ballot = Ballot.objects.get()
    for member in world["experts"][:12]:
        _as(member).post(f"/committees/ballots/{ballot.pk}/vote/", {"choice": "approve"})
    secretary.post(f"/committees/ballots/{ballot.pk}/close/")
    closed = secretary.post(f"/committees/meetings/{meeting.pk}/close/", follow=True).content.decode()
    assert "会议已结束，请签署会议记录" in closed and "签署会议记录" in closed
    signed = secretary.post(f"/printing/meetings/{meeting.pk}/record/sign/", follow=True).content.decode()
    assert "会议记录已签署" in signed and "下载会议记录" in signed
    pdf = secretary.get(f"/printing/meetings/{meeting.pk}/record.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    assert _as(world["experts"][0]).get(f"/printing/meetings/{meeting.pk}/record.pdf").status_code == 404


def test_panels_opinions_and_reminders_through_the_pages(world):
    secretary, meeting = _as(world["secretary"]), world["meeting"]
    url = f"/committees/meetings/{meeting.pk}/"
    members = [str(e.pk) for e in world["experts"][:3]]
    too_few = secretary.post(f"{url}panels/", {"name": "中学组", "members": members[:2]}, follow=True)
    assert "至少由 3 名评委组成，现为 2 人" in too_few.content.decode()
    made = secretary.post(f"{url}panels/", {"name": "中学组", "members": members, "asks_scores": "1"}, follow=True)
    assert "已组建评议组“中学组”（3 人）" in made.content.decode()
    panel = made.context["panels"][0][0]
    given = secretary.post(f"{url}assign/", {"panel": panel.pk, "declarations": [world["declaration"].pk]}, follow=True)
    assert "已将 1 份申报材料分配给“中学组”" in given.content.decode()

    expert = _as(world["experts"][0])
    page = expert.get(f"/committees/mine/{meeting.pk}/")
    assignment = page.context["assignments"][0][0]
    bad = expert.post(f"/committees/assignments/{assignment.pk}/opinion/", {"opinion": "同意推荐。", "score": "x"})
    # Refused at the form, with what was written still in it.
    assert bad.status_code == 400
    assert "0 到 100" in bad.content.decode() and ">同意推荐。</textarea>" in bad.content.decode()
    done = expert.post(
        f"/committees/assignments/{assignment.pk}/opinion/", {"opinion": "同意推荐。", "score": "88"}, follow=True
    )
    assert "评议意见已提交" in done.content.decode() and "已提交评议意见" in done.content.decode()
    progress = secretary.get(url).content.decode()
    assert "1 / 1" in progress and "0 / 1" in progress
    reminded = secretary.post(f"/committees/panels/{panel.pk}/remind/", follow=True).content.decode()
    assert "已提醒 2 名评委填写评议意见" in reminded


def test_a_reviewer_grades_a_representative_work_without_seeing_its_author(world):
    from title_review.declarations.models import Declaration

    declaration = world["declaration"]
    snapshot = dict(declaration.snapshot)
    work = {
        "id": 7,
        "title": "高中物理实验教学研究",
        "venue": "物理教学",
        "date": "2025-05-01",
        "is_representative": True,
    }
    snapshot["records"] = {**snapshot.get("records", {}), "achievement": [work]}
    Declaration.objects.filter(pk=declaration.pk).update(snapshot=snapshot)
    secretary = _as(world["secretary"])
    url = f"/committees/meetings/{world['meeting'].pk}/"
    assert "朱老师：高中物理实验教学研究" in secretary.get(url).content.decode()
    reviewers = [str(e.pk) for e in world["experts"][:3]]
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    sent = secretary.post(
        f"{url}blind/", {"work": f"{declaration.pk}:7", "reviewers": reviewers, "due_on": due}, follow=True
    )
    assert "代表作已送审，送审编号 DBZ-" in sent.content.decode()

    reviewer = _as(world["experts"][0])
    listing = reviewer.get("/committees/reviews/")
    (review,) = listing.context["reviews"]
    form = reviewer.get(f"/committees/reviews/{review.pk}/").content.decode()
    assert "高中物理实验教学研究" in form and "朱老师" not in form and "杭州第二中学" not in form
    missing = reviewer.post(f"/committees/reviews/{review.pk}/", {"grade": "", "comment": "选题好"}).content.decode()
    assert "请选择评审等级" in missing and "选题好" in missing  # what was typed stays
    done = reviewer.post(f"/committees/reviews/{review.pk}/", {"grade": "good", "comment": "选题好"}, follow=True)
    assert "代表作评审意见已提交" in done.content.decode() and "已提交：良好" in done.content.decode()
    assert _as(world["experts"][1]).get(f"/committees/reviews/{review.pk}/").status_code == 404
    assert _as(declaration.applicant).get(f"/committees/reviews/{review.pk}/").status_code == 404


def test_the_office_approves_and_removes_experts_on_the_pool_page(pool, users, django_assert_max_num_queries):
    from title_review.committees.models import Expert, ExpertStatus

    waiting = pool["inside"][0]
    Expert.objects.filter(pk=waiting.pk).update(status=ExpertStatus.PENDING)
    office = _as(users["hzadmin"])
    with django_assert_max_num_queries(15):
        listing = office.get("/committees/experts/?status=pending")
    assert listing.context["page"].paginator.count == 1
    approved = office.post(f"/committees/experts/{waiting.pk}/approve/", follow=True).content.decode()
    assert f"{waiting.user} 已入库" in approved
    no_reason = office.post(f"/committees/experts/{waiting.pk}/remove/", {"reason": ""}, follow=True)
    assert "请填写出库原因" in no_reason.content.decode()
    removed = office.post(f"/committees/experts/{waiting.pk}/remove/", {"reason": "调离"}, follow=True)
    assert f"{waiting.user} 已出库" in removed.content.decode()
    # The 西湖区 office has no 杭州市第一人民医院 below it; a unit administrator has no pool page.
    assert _as(users["xhadmin"]).post(f"/committees/experts/{waiting.pk}/approve/").status_code == 404
    assert _as(users["hospitaladmin"]).get("/committees/experts/").status_code == 403


def test_the_office_records_a_relation_on_the_pool_page_and_the_draw_keeps_the_expert_off(
    pool, users, django_assert_max_num_queries
):
    from title_review.audit.models import AuditEvent
    from title_review.committees import draws
    from title_review.committees.models import DeclaredRelation, Recusal

    expert = pool["inside"][0]
    office = _as(users["hzadmin"])
    url = f"/committees/experts/{expert.pk}/relations/"
    form = office.get("/committees/experts/").content.decode()
    assert "登记回避关系" in form and f'action="{url}"' in form
    teacher = {"applicant_name": "朱老师", "id_number": "330108198506120026", "relation": "师生"}

    wrong = office.post(url, teacher | {"id_number": "330108198506120027"}, follow=True).content.decode()
    assert "未找到姓名与证件号码相符的人员，请核对后重新填写。" in wrong
    blank = office.post(url, teacher | {"relation": " "}, follow=True).content.decode()
    assert "请填写与申报人的关系" in blank
    assert not DeclaredRelation.objects.exists()

    done = office.post(url, teacher | {"status": "active"}, follow=True)
    assert done.redirect_chain[-1][0] == "/committees/experts/?status=active"
    page = done.content.decode()
    assert f"已登记{expert.user}与朱老师的师生关系，评审时将自动回避。" in page
    assert "回避：朱老师（师生）" in page
    row = DeclaredRelation.objects.get()
    assert (row.expert, row.applicant, row.declared_by) == (expert, users["teacher"], users["hzadmin"])
    assert AuditEvent.objects.get(action="expert.declare_relation").actor_id == users["hzadmin"].pk
    again = office.post(url, teacher, follow=True).content.decode()
    assert "回避关系已申报" in again and DeclaredRelation.objects.count() == 1

    # The 西湖区 office has no 杭州市第一人民医院 below it; a unit administrator has no pool at all.
    assert _as(users["xhadmin"]).post(url, teacher | {"relation": "亲属"}).status_code == 404
    assert _as(users["hospitaladmin"]).post(url, teacher | {"relation": "亲属"}).status_code == 404
    assert DeclaredRelation.objects.count() == 1
    # The pool page stays bounded with relations on its rows (one query for them all).
    with django_assert_max_num_queries(11):
        office.get("/committees/experts/")

    meeting = draws.draw_committee(actor=pool["secretary"], round_id=pool["round"].pk, title="评审会议")
    recusal = Recusal.objects.get(draw__meeting=meeting, expert=expert)
    assert recusal.automatic and "师生" in recusal.reason


def test_the_title_office_reads_the_results_once_the_meeting_is_closed(world, users):
    secretary, meeting = _as(world["secretary"]), world["meeting"]
    sign_in(world, 17)
    secretary.post(f"/committees/meetings/{meeting.pk}/ballots/", {"declaration": world["declaration"].pk})
    ballot = Ballot.objects.get()
    for member in world["experts"][:11]:
        _as(member).post(f"/committees/ballots/{ballot.pk}/vote/", {"choice": "approve"})
    secretary.post(f"/committees/ballots/{ballot.pk}/close/")
    office = _as(users["hzadmin"])  # the 杭州市职改办 published the round
    assert office.get(f"/committees/results/{meeting.pk}/").status_code == 404  # not before the meeting ends
    secretary.post(f"/committees/meetings/{meeting.pk}/close/")
    assert meeting.title in office.get("/committees/results/").content.decode()
    page = office.get(f"/committees/results/{meeting.pk}/").content.decode()
    assert "共表决 1 人，通过 0 人" in page and "朱老师" in page and "未通过" in page
    assert _as(users["xhadmin"]).get(f"/committees/results/{meeting.pk}/").status_code == 404
    assert _as(world["declaration"].applicant).get("/committees/results/").status_code == 403
