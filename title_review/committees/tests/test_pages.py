"""评审会议 and 我的评审会议 over HTTP: what the secretary and an expert see and do, in bounded queries."""

import pytest
from django.test import Client

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
    member = next(s for s in drawn.context["seats"] if s.role == "member")
    with django_assert_max_num_queries(25):
        secretary.get(f"/committees/meetings/{meeting.pk}/")
    answer = secretary.post(
        f"/committees/meetings/{meeting.pk}/recuse/", {"expert": member.expert_id, "reason": "师生关系"}, follow=True
    )
    assert "已回避，由第 26 位候补专家递补" in answer.content.decode()


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
