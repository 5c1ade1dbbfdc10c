"""The demo shows the committee stage (issue 13): the province's committee with a valid 备案, a round it reviews,
its secretary, and an expert pool from which /committees/draw/ draws 25 members and 25 alternates."""

import io

from django.core.management import call_command
from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.accounts.models import User
from title_review.committees.models import DrawnExpert, Expert, ExpertStatus, SeatRole
from title_review.demo.data import COMMITTEE, DEMO_PASSWORD, EXPERTS
from title_review.rounds.models import Committee, RoundStatus


def test_the_demo_committee_is_registered_and_reviews_a_published_round(seeded):
    committee = Committee.objects.get(name=COMMITTEE["name"])
    today = timezone.localdate()
    assert committee.filing_number == COMMITTEE["filing_number"]
    assert committee.filing_state(today) == "valid" and committee.filed_on <= today
    assert (committee.valid_until - committee.filed_on).days < 3 * 365
    (round_,) = committee.rounds.all()
    assert round_.status == RoundStatus.PUBLISHED and round_.closes_at < timezone.now()


def test_the_pool_has_experts_with_their_own_accounts_some_from_outside(seeded, client):
    pool = Expert.objects.filter(series=Committee.objects.get(name=COMMITTEE["name"]).series_id)
    assert pool.filter(status=ExpertStatus.ACTIVE).count() == len(EXPERTS) >= 50
    assert pool.exclude(employer__region__code__startswith="33").count() >= 3
    assert RoleGrant.objects.filter(role="expert", user__expert__in=pool).count() == len(EXPERTS)
    # Any of them signs in with the demo password (not only the one in the README).
    response = client.post("/accounts/login/", {"username": EXPERTS[-1][0], "password": DEMO_PASSWORD}, follow=True)
    assert response.context["user"].username == EXPERTS[-1][0]


def test_the_secretary_draws_a_25_member_committee_from_the_demo(seeded, client):
    client.force_login(User.objects.get(username="zjmishu"))
    committee = Committee.objects.get(name=COMMITTEE["name"])
    round_ = committee.rounds.get()
    assert round_.title in client.get("/committees/draw/").content.decode()
    page = client.post(
        "/committees/draw/", {"round": round_.pk, "title": "工程高评委评审会议", "size": "25"}, follow=True
    ).content.decode()
    assert "已抽取评委 25 人" in page
    seats = DrawnExpert.objects.filter(draw__meeting__round=round_)
    assert seats.filter(role=SeatRole.MEMBER).count() == 25 and seats.filter(role=SeatRole.ALTERNATE).count() == 25
    assert seats.filter(role=SeatRole.MEMBER, outside=True).count() >= 3


def test_loading_the_demo_again_changes_nothing(seeded):
    users, experts = User.objects.count(), Expert.objects.count()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "跳过" in out.getvalue()
    assert (User.objects.count(), Expert.objects.count()) == (users, experts)
