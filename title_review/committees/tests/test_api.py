"""评委会评审 through the API (issue 13, point 8): each step is the service the pages call, refusals answer with
the service's Chinese sentence and change nothing, objects out of the caller's scope answer 404, and no answer
links a ballot to a member."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from title_review.access.models import RoleGrant
from title_review.access.roles import Role
from title_review.accounts.models import User
from title_review.committees import services
from title_review.committees.models import (
    Ballot,
    BlindReview,
    BlindWork,
    Draw,
    DrawnExpert,
    Expert,
    ExpertStatus,
    Meeting,
    MeetingMember,
    MeetingPanel,
    MeetingStatus,
    PanelDeclaration,
    PanelOpinion,
    Recusal,
    SeatRole,
)
from title_review.declarations.models import Declaration
from title_review.organisations.models import EmployerStaff, Organisation

from .factories import _account, sign_in, sitting

BASE = "/api/v1/committees"
WORK = {
    "id": 9001,
    "category": "paper",
    "title": "基于项目式学习的高中物理实验教学研究",
    "date": "2025-05-01",
    "venue": "物理教学",
    "indexing": "北大核心",
    "identifier": "ISSN 1002-0748",
    "author_rank": 1,
    "is_representative": True,
}


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def _post(user: User, url: str, body: dict | None = None):
    return _client(user).post(url, body or {}, format="json")


def _get(user: User, url: str, **params):
    return _client(user).get(url, params)


def _refused(response, status: int, message: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert message in body["message"], body
    return body


def _once(username: str, name: str, organisation: str, role: Role) -> User:
    found = User.objects.filter(username=username).first()
    return found or _account(username, name, Organisation.objects.get(name=organisation), role)


def _other_secretary() -> User:
    """The 评委会秘书 of another host (the 西湖区职改办): every meeting here is out of their scope."""
    return _once("xhmishu", "西湖秘书", "西湖区职称工作领导小组办公室", Role.COMMITTEE_SECRETARY)


def _outsider_expert() -> User:
    """An expert with a seat at no meeting here."""
    return _once("outsider", "局外专家", "杭州市第一人民医院", Role.EXPERT)


# ---- 专家库 ------------------------------------------------------------------------------------------------


def _application(unit: Organisation, **extra) -> dict:
    today = timezone.localdate()
    return {
        "employer": unit.pk,
        "series": pool_series_code(),
        "title_name": "主任医师",
        "level": "1",
        "term_starts": today.isoformat(),
        "term_ends": (today + dt.timedelta(days=365 * 2)).isoformat(),
    } | extra


def pool_series_code() -> str:
    from title_review.dictionaries.models import Entry

    return Entry.objects.get(type__code="series", name="中小学教师").code


def test_an_application_is_approved_then_removed_by_the_title_office(users, orgs):
    hospital = orgs["杭州市第一人民医院"]
    doctor = _account("doctor1", "许医生", hospital, Role.APPLICANT)
    response = _post(doctor, f"{BASE}/experts/propose/", _application(hospital))
    assert response.status_code == 201, response.content
    applied = response.json()
    assert (applied["user"], applied["status"], applied["nominated_by"]) == (doctor.pk, "pending", None)

    office = users["hzadmin"]
    listed = _get(office, f"{BASE}/experts/", status="pending").json()
    assert {"count", "next", "previous", "results"} <= set(listed)
    assert [r["name"] for r in listed["results"] if r["user"] == doctor.pk] == ["许医生"]
    assert {r["status"] for r in listed["results"]} == {"pending"}
    # A title office whose subtree does not hold the hospital sees no such expert.
    assert applied["id"] not in {r["id"] for r in _get(users["xhadmin"], f"{BASE}/experts/").json()["results"]}
    expert = applied["id"]
    assert _post(users["xhadmin"], f"{BASE}/experts/{expert}/approve/").status_code == 404
    assert _post(doctor, f"{BASE}/experts/{expert}/approve/").status_code == 404
    assert Expert.objects.get(pk=expert).status == ExpertStatus.PENDING

    response = _post(office, f"{BASE}/experts/{expert}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert RoleGrant.objects.filter(user=doctor, role=Role.EXPERT).exists()
    _refused(_post(office, f"{BASE}/experts/{expert}/approve/"), 409, "该专家在库，不能审核入库。")

    body = _refused(_post(office, f"{BASE}/experts/{expert}/remove/", {"reason": " "}), 400, "请填写出库原因。")
    assert body["field"] == "reason" and Expert.objects.get(pk=expert).status == ExpertStatus.ACTIVE
    assert _post(users["xhadmin"], f"{BASE}/experts/{expert}/remove/", {"reason": "调离"}).status_code == 404
    response = _post(office, f"{BASE}/experts/{expert}/remove/", {"reason": "调离本省"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["removal_reason"]) == ("removed", "调离本省")
    assert not RoleGrant.objects.filter(user=doctor, role=Role.EXPERT).exists()


def test_a_unit_nominates_its_own_staff_only(users, orgs):
    hospital = orgs["杭州市第一人民医院"]
    response = _post(
        users["hospitaladmin"], f"{BASE}/experts/propose/", _application(hospital, user=users["applicant"].pk)
    )
    assert response.status_code == 201 and response.json()["nominated_by"] == hospital.pk
    # Someone who is not the unit's administrator cannot put another person forward: the 主管部门 sees the
    # hospital and is told why; someone who does not even see it learns nothing.
    _refused(
        _post(users["wjwadmin"], f"{BASE}/experts/propose/", _application(hospital, user=users["wjwreview"].pk)),
        403,
        "只有专家所在单位的管理员可以推荐其入库。",
    )
    nominated = _application(hospital, user=users["hospitaladmin"].pk)
    assert _post(users["teacher"], f"{BASE}/experts/propose/", nominated).status_code == 404
    _refused(
        _post(users["hospitaladmin"], f"{BASE}/experts/propose/", _application(hospital, user=users["applicant"].pk)),
        409,
        "该人员已在专家库中或正在等待审核。",
    )
    assert Expert.objects.filter(user=users["applicant"]).count() == 1
    assert not Expert.objects.filter(user__in=[users["wjwreview"], users["hospitaladmin"]]).exists()


def test_a_person_applies_for_their_own_unit_only(users, orgs):
    """入库申请 for oneself: the unit given is the account's own (its organisation, or a unit that registered the
    person as 单位工作人员); any other is refused in Chinese and nothing is saved."""
    hospital, school = orgs["杭州市第一人民医院"], orgs["杭州第二中学"]
    doctor = users["applicant"]  # 韩申报, of the hospital
    url = f"{BASE}/experts/propose/"
    body = _refused(
        _post(doctor, url, _application(school)), 400, "申请入库须填写本人的工作单位（杭州市第一人民医院）。"
    )
    assert body["field"] == "employer"
    loner = User.objects.create_user(username="wudanwei", password=None, real_name="吴无单位")
    _refused(_post(loner, url, _application(hospital)), 400, "您的账号尚未关联工作单位，请先由单位将您登记为工作人员")
    assert not Expert.objects.filter(user__in=[doctor, loner]).exists()
    # A unit that registered the person as its staff is theirs too.
    EmployerStaff.objects.create(employer=school, person=loner)
    response = _post(loner, url, _application(school))
    assert response.status_code == 201 and response.json()["employer"] == school.pk


def test_a_unit_cannot_nominate_someone_elses_staff(users, orgs):
    hospital, school = orgs["杭州市第一人民医院"], orgs["杭州第二中学"]
    url = f"{BASE}/experts/propose/"
    # 朱老师 works at 杭州第二中学: the hospital's administrator may not put her forward as the hospital's.
    body = _refused(
        _post(users["hospitaladmin"], url, _application(hospital, user=users["teacher"].pk)),
        400,
        "只能推荐本单位的工作人员入库：朱老师不是杭州市第一人民医院登记的工作人员。",
    )
    assert body["field"] == "user" and not Expert.objects.filter(user=users["teacher"]).exists()
    # Her own school's administrator may.
    response = _post(users["schooladmin"], url, _application(school, user=users["teacher"].pk))
    assert response.status_code == 201 and response.json()["nominated_by"] == school.pk


def test_an_application_is_checked_before_anything_is_written(users, orgs):
    hospital = orgs["杭州市第一人民医院"]
    doctor = users["applicant"]
    url = f"{BASE}/experts/propose/"
    too_long = _application(hospital, term_starts="2026-01-01", term_ends="2029-01-02")
    assert _refused(_post(doctor, url, too_long), 400, "一届不超过 3 年")["field"] == "term_ends"
    # The end of the calendar is an answer, not a server error.
    assert (
        _post(doctor, url, _application(hospital, term_starts="9998-06-01", term_ends="9999-12-31")).status_code == 201
    )
    Expert.objects.filter(user=doctor).delete()
    assert (
        _refused(_post(doctor, url, _application(hospital, employer=10**12)), 400, "没有找到该单位")["field"]
        == "employer"
    )
    assert (
        _refused(_post(doctor, url, _application(hospital, series="nope")), 400, "请选择评审系列。")["field"]
        == "series"
    )
    assert not Expert.objects.filter(user=doctor).exists()
    # The list is the title office's.
    assert _get(doctor, f"{BASE}/experts/").status_code == 403


# ---- 抽取评委 and 回避 -----------------------------------------------------------------------------------------


def test_the_secretary_draws_the_committee_recuses_a_member_and_starts_the_meeting(pool):
    secretary = pool["secretary"]
    response = _post(secretary, f"{BASE}/draws/", {"round": pool["round"].pk, "title": "2026年度评审会议"})
    assert response.status_code == 201, response.content
    meeting = response.json()
    draw = meeting["draw"]
    members = [s for s in draw["seats"] if s["role"] == "member"]
    assert len(members) == 25 and len(draw["seats"]) == 50 and draw["outside_needed"] == 3
    assert [(r["expert"], r["automatic"]) for r in draw["recusals"]] == [(pool["colleague"].pk, True)]
    assert len(meeting["members"]) == 25 and meeting["quorum_needed"] == 17 and meeting["status"] == "preparing"
    assert draw["seed"] == Draw.objects.get(meeting_id=meeting["id"]).seed

    url = f"{BASE}/meetings/{meeting['id']}/recuse/"
    inside = next(s for s in members if not s["outside"])
    body = _refused(_post(secretary, url, {"expert": inside["expert"], "reason": ""}), 400, "请填写回避原因。")
    assert body["field"] == "reason" and not Recusal.objects.filter(automatic=False).exists()
    _refused(
        _post(secretary, url, {"expert": pool["colleague"].pk, "reason": "亲属"}), 400, "该专家不是本次抽取的评委。"
    )
    assert _post(_other_secretary(), url, {"expert": inside["expert"], "reason": "亲属"}).status_code == 404
    response = _post(secretary, url, {"expert": inside["expert"], "reason": "与申报人系师生关系"})
    assert response.status_code == 200, response.content
    replacement = response.json()
    assert replacement["role"] == "member" and replacement["position"] > 25
    assert DrawnExpert.objects.get(draw__meeting_id=meeting["id"], expert_id=inside["expert"]).role == SeatRole.RECUSED

    response = _post(secretary, f"{BASE}/meetings/{meeting['id']}/start/")
    assert response.status_code == 200 and response.json()["status"] == "in_session"
    _refused(_post(secretary, f"{BASE}/meetings/{meeting['id']}/start/"), 409, "会议进行中，不能再次开始。")
    other = next(s for s in members if s["expert"] != inside["expert"])
    _refused(_post(secretary, url, {"expert": other["expert"], "reason": "亲属"}), 409, "会议已开始，不能再调整评委。")
    assert MeetingMember.objects.filter(meeting_id=meeting["id"]).count() == 25


def test_an_expert_declares_a_relation_and_the_draw_keeps_them_off(pool, users):
    expert = pool["inside"][0]
    url = f"{BASE}/relations/"
    teacher = {"applicant_name": "朱老师", "id_number": "330108198506120026", "relation": "师生"}
    body = _refused(
        _post(expert.user, url, teacher | {"id_number": "330108198506120027"}), 400, "未找到姓名与证件号码相符"
    )
    assert body["field"] == "id_number" and _get(expert.user, url).json() == []
    response = _post(expert.user, url, teacher)
    assert response.status_code == 201, response.content
    assert (response.json()["applicant_name"], response.json()["relation"]) == ("朱老师", "师生")
    _refused(_post(expert.user, url, teacher), 409, "的回避关系已申报。")
    assert [r["relation"] for r in _get(expert.user, url).json()] == ["师生"]
    assert _get(users["teacher"], url).status_code == 403
    drawn = _post(pool["secretary"], f"{BASE}/draws/", {"round": pool["round"].pk, "title": "评审会议"}).json()
    assert expert.pk in {r["expert"] for r in drawn["draw"]["recusals"] if r["automatic"]}
    assert expert.pk not in {s["expert"] for s in drawn["draw"]["seats"]}


def test_a_pool_too_small_is_refused_with_the_numbers_and_nothing_is_drawn(pool):
    Expert.objects.filter(pk__in=[e.pk for e in pool["inside"][:30]]).update(status=ExpertStatus.REMOVED)
    response = _post(pool["secretary"], f"{BASE}/draws/", {"round": pool["round"].pk, "title": "评审会议"})
    body = _refused(response, 400, "专家库中符合条件的专家 35 人（其中外地专家 5 人，另有 1 人须回避）")
    assert body["code"] == "pool_too_small" and "共需 50 人" in body["message"]
    assert not Meeting.objects.exists() and not Draw.objects.exists()


def test_a_round_outside_the_secretarys_committees_is_input_not_a_hint(pool):
    response = _post(_other_secretary(), f"{BASE}/draws/", {"round": pool["round"].pk, "title": "评审会议"})
    assert _refused(response, 400, "没有找到该评审活动")["field"] == "round"
    missing = _post(_other_secretary(), f"{BASE}/draws/", {"round": 10**12, "title": "评审会议"})
    assert missing.json() == response.json()
    assert _post(pool["inside"][0].user, f"{BASE}/draws/", {"round": pool["round"].pk, "title": "x"}).status_code == 403
    assert not Meeting.objects.exists()


# ---- the meeting and the secret ballot ------------------------------------------------------------------


@pytest.fixture
def world(seeded):
    return sitting(members=25)


def _walk_keys(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key
            yield from _walk_keys(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _walk_keys(item, f"{path}[]")


def test_the_meeting_signs_in_opens_a_ballot_with_a_quorum_and_counts_secret_votes(world, users):
    secretary, experts = world["secretary"], world["experts"]
    meeting, declaration = world["meeting"], world["declaration"]
    seen = []  # every answer of this meeting, read for links between members and choices at the end

    listed = _get(secretary, f"{BASE}/meetings/").json()
    assert [m["id"] for m in listed["results"]] == [meeting.pk]
    assert _get(experts[0], f"{BASE}/meetings/").status_code == 403
    assert _get(experts[0], f"{BASE}/meetings/{meeting.pk}/").status_code == 404
    assert _get(_other_secretary(), f"{BASE}/meetings/{meeting.pk}/").status_code == 404

    for expert in experts[:16]:
        response = _post(expert, f"{BASE}/my-meetings/{meeting.pk}/sign-in/")
        assert response.status_code == 200 and response.json()["is_present"] is True
    assert _post(_outsider_expert(), f"{BASE}/my-meetings/{meeting.pk}/sign-in/").status_code == 404

    url = f"{BASE}/meetings/{meeting.pk}/ballots/"
    body = _refused(
        _post(secretary, url, {"declaration": declaration.pk}),
        400,
        "应到评委 25 人，实到 16 人，不足三分之二（至少 17 人），不能开始表决。",
    )
    assert body["code"] == "no_quorum" and not Ballot.objects.exists()
    assert _refused(_post(secretary, url, {"declaration": 10**12}), 400, "没有找到该申报材料")["field"] == "declaration"
    assert _post(_other_secretary(), url, {"declaration": declaration.pk}).status_code == 404

    assert _post(experts[16], f"{BASE}/my-meetings/{meeting.pk}/sign-in/").status_code == 200
    response = _post(secretary, url, {"declaration": declaration.pk})
    assert response.status_code == 201, response.content
    ballot = response.json()
    assert (ballot["present_count"], ballot["members_count"], ballot["voted"]) == (17, 25, 0)
    assert ballot["approve"] is None and ballot["outcome"] is None
    seen.append(response.json())

    mine = _get(experts[0], f"{BASE}/my-meetings/{meeting.pk}/").json()
    assert mine["is_present"] and [(b["id"], b["has_voted"]) for b in mine["open_ballots"]] == [(ballot["id"], False)]
    assert "members" not in mine  # the other members' names are the secretary's
    vote = f"{BASE}/ballots/{ballot['id']}/vote/"
    choices = ["approve"] * 12 + ["reject"] * 3 + ["abstain"] * 2
    for expert, choice in zip(experts[:17], choices, strict=True):
        response = _post(expert, vote, {"choice": choice})
        assert response.status_code == 200 and response.json() == {"message": "您已投票。"}, response.content
        seen.append(response.json())
        if expert == experts[3]:
            # While the ballot is open the secretary sees how many voted, never how.
            detail = _get(secretary, f"{BASE}/meetings/{meeting.pk}/").json()
            [row] = detail["declarations"]
            [open_ballot] = row["ballots"]
            assert open_ballot["voted"] == 4 and open_ballot["approve"] is None
            assert [m["is_present"] for m in detail["members"]].count(True) == 17
            seen.append(detail)

    tally = Ballot.objects.values_list("approve", "reject", "abstain").get()
    _refused(_post(experts[0], vote, {"choice": "reject"}), 409, "您已投过票，每位评委对每份申报只能投一票。")
    _refused(_post(experts[20], vote, {"choice": "approve"}), 403, "您在开始表决时未签到出席")
    # Signing in after the opening does not give a vote on that ballot.
    assert _post(experts[21], f"{BASE}/my-meetings/{meeting.pk}/sign-in/").status_code == 200
    _refused(_post(experts[21], vote, {"choice": "approve"}), 403, "您在开始表决时未签到出席")
    assert _post(_outsider_expert(), vote, {"choice": "approve"}).status_code == 404
    assert _post(secretary, vote, {"choice": "approve"}).status_code == 404
    assert Ballot.objects.values_list("approve", "reject", "abstain").get() == tally == (12, 3, 2)
    mine = _get(experts[0], f"{BASE}/my-meetings/{meeting.pk}/").json()
    assert mine["open_ballots"][0]["has_voted"] is True
    seen.append(mine)

    assert _post(_other_secretary(), f"{BASE}/ballots/{ballot['id']}/close/").status_code == 404
    response = _post(secretary, f"{BASE}/ballots/{ballot['id']}/close/")
    assert response.status_code == 200
    closed = response.json()
    assert (closed["approve"], closed["reject"], closed["abstain"], closed["outcome"]) == (12, 3, 2, "passed")
    seen.append(closed)
    _refused(_post(experts[16], vote, {"choice": "approve"}), 409, "该表决已结束，不能再投票。")
    _refused(_post(secretary, f"{BASE}/ballots/{ballot['id']}/close/"), 409, "该表决已结束。")
    assert Ballot.objects.values_list("approve", "reject", "abstain").get() == (12, 3, 2)

    # Results go to the title office that published the round, once the meeting is over.
    assert _get(users["hzadmin"], f"{BASE}/results/{meeting.pk}/").status_code == 404
    response = _post(secretary, f"{BASE}/meetings/{meeting.pk}/close/")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    _refused(_post(secretary, f"{BASE}/meetings/{meeting.pk}/close/"), 409, "会议已结束。")
    assert meeting.pk in [m["id"] for m in _get(users["hzadmin"], f"{BASE}/results/").json()["results"]]
    assert meeting.pk not in [m["id"] for m in _get(users["xhadmin"], f"{BASE}/results/").json()["results"]]
    results = _get(users["hzadmin"], f"{BASE}/results/{meeting.pk}/").json()
    [row] = results["results"]
    assert (row["declaration"], row["present_count"], row["approve"], row["passed"]) == (declaration.pk, 17, 12, True)
    assert results["passed"] == 1
    assert _get(users["xhadmin"], f"{BASE}/results/{meeting.pk}/").status_code == 404
    assert _get(secretary, f"{BASE}/results/{meeting.pk}/").status_code == 404
    seen += [results, _get(secretary, f"{BASE}/meetings/{meeting.pk}/").json()]

    # Nothing any of these answers said ties a member to a choice: no choice, no per-member vote flag beside a
    # member, no voter list on a ballot.
    for answer in seen:
        keys = {key for _path, key in _walk_keys(answer)}
        assert "choice" not in keys and "voters" not in keys, answer
        for path, key in _walk_keys(answer):
            if key == "has_voted":
                assert path.startswith(".open_ballots"), path  # the expert's own, on their own page


def test_eleven_of_seventeen_is_not_enough(world):
    sign_in(world, 17)
    secretary, experts = world["secretary"], world["experts"]
    ballot = _post(
        secretary, f"{BASE}/meetings/{world['meeting'].pk}/ballots/", {"declaration": world["declaration"].pk}
    )
    vote = f"{BASE}/ballots/{ballot.json()['id']}/vote/"
    for expert, choice in zip(experts[:17], ["approve"] * 11 + ["reject"] * 6, strict=True):
        assert _post(expert, vote, {"choice": choice}).status_code == 200
    closed = _post(secretary, f"{BASE}/ballots/{ballot.json()['id']}/close/").json()
    assert (closed["approve"], closed["present_count"], closed["outcome"]) == (11, 17, "failed")


def test_a_vote_must_be_one_of_the_three_choices(world):
    sign_in(world, 17)
    ballot = services.open_ballot(
        actor=world["secretary"], meeting_id=world["meeting"].pk, declaration_id=world["declaration"].pk
    )
    body = _refused(
        _post(world["experts"][0], f"{BASE}/ballots/{ballot.pk}/vote/", {"choice": "yes"}), 400, "提交的数据有误"
    )
    assert body["field"] == "choice"
    ballot.refresh_from_db()
    assert ballot.votes_cast == 0


def test_an_expert_lists_only_the_meetings_they_sit_on(world):
    expert = world["experts"][0]
    assert [m["id"] for m in _get(expert, f"{BASE}/my-meetings/").json()["results"]] == [world["meeting"].pk]
    assert _get(_outsider_expert(), f"{BASE}/my-meetings/").json()["count"] == 0
    assert _get(_outsider_expert(), f"{BASE}/my-meetings/{world['meeting'].pk}/").status_code == 404
    assert _get(world["secretary"], f"{BASE}/my-meetings/").status_code == 403


# ---- 评议组 and 书面评议意见 ----------------------------------------------------------------------------------


def test_panels_are_formed_given_declarations_and_write_opinions(seeded):
    world = sitting(members=11)
    secretary, experts, meeting = world["secretary"], world["experts"], world["meeting"]
    declaration = world["declaration"]
    url = f"{BASE}/meetings/{meeting.pk}/panels/"
    body = _refused(
        _post(secretary, url, {"name": "物理组", "members": [e.pk for e in experts[:2]]}),
        400,
        "评议组至少由 3 名评委组成，现为 2 人。",
    )
    assert body["field"] == "members" and not MeetingPanel.objects.exists()
    assert _post(_other_secretary(), url, {"name": "物理组", "members": [e.pk for e in experts[:3]]}).status_code == 404
    members = [e.pk for e in experts[:3]]
    today = timezone.localdate()
    body = _refused(
        _post(secretary, url, {"name": "物理组", "members": members, "due_on": today.isoformat()}),
        400,
        "评议截止日期应在今天之后。",
    )
    assert body["field"] == "due_on" and not MeetingPanel.objects.exists()
    due = (today + dt.timedelta(days=7)).isoformat()
    response = _post(secretary, url, {"name": "物理组", "members": members, "due_on": due})
    assert response.status_code == 201, response.content
    panel = response.json()
    assert panel["due_on"] == due
    assert [p["assigned"] for p in panel["progress"]] == [0, 0, 0]

    assign = f"{BASE}/panels/{panel['id']}/assign/"
    assert _refused(_post(secretary, assign, {"declarations": [10**12]}), 400, "没有找到该申报材料")["field"] == (
        "declarations"
    )
    assert _post(_other_secretary(), assign, {"declarations": [declaration.pk]}).status_code == 404
    response = _post(secretary, assign, {"declarations": [declaration.pk]})
    assert response.status_code == 201, response.content
    [assignment] = response.json()
    assert (assignment["declaration"], assignment["panel_name"], assignment["due_on"]) == (
        declaration.pk,
        "物理组",
        due,
    )
    _refused(_post(secretary, assign, {"declarations": [declaration.pk]}), 409, "不能重复分配")
    assert PanelDeclaration.objects.count() == 1

    mine = _get(experts[0], f"{BASE}/assignments/").json()
    assert [(a["id"], a["written"]) for a in mine["results"]] == [(assignment["id"], False)]
    assert _get(experts[5], f"{BASE}/assignments/").json()["count"] == 0
    opinion = f"{BASE}/assignments/{assignment['id']}/opinion/"
    assert _post(experts[5], opinion, {"opinion": "同意"}).status_code == 404
    assert _refused(_post(experts[0], opinion, {"opinion": " "}), 400, "请填写评议意见。")["field"] == "opinion"
    response = _post(experts[0], opinion, {"opinion": "教学业绩突出，同意推荐。"})
    assert response.status_code == 201 and response.json()["opinion"] == "教学业绩突出，同意推荐。"
    _refused(_post(experts[0], opinion, {"opinion": "再写一次"}), 409, "您已提交过对该申报的评议意见。")
    assert PanelOpinion.objects.count() == 1
    assert _get(experts[0], f"{BASE}/assignments/").json()["results"][0]["written"] is True

    progress = _get(secretary, f"{BASE}/panels/{panel['id']}/progress/").json()["progress"]
    assert [(p["name"], p["written"], p["missing"]) for p in progress] == [
        ("专家01", 1, 0),
        ("专家02", 0, 1),
        ("专家03", 0, 1),
    ]
    assert _get(_other_secretary(), f"{BASE}/panels/{panel['id']}/progress/").status_code == 404
    response = _post(secretary, f"{BASE}/panels/{panel['id']}/remind/")
    assert response.status_code == 200 and response.json() == {"reminded": 2}
    assert _post(experts[0], f"{BASE}/panels/{panel['id']}/remind/").status_code == 404


# ---- 代表作 anonymous review ---------------------------------------------------------------------------------


@pytest.fixture
def blind_world(seeded):
    world = sitting(members=11)
    declaration = world["declaration"]
    snapshot = dict(declaration.snapshot)
    snapshot["records"] = {**snapshot.get("records", {}), "achievement": [WORK]}
    Declaration.objects.filter(pk=declaration.pk).update(snapshot=snapshot)
    return world


def test_a_work_goes_to_three_blind_reviewers_and_a_late_one_is_replaced(blind_world, users):
    world = blind_world
    secretary, experts, meeting = world["secretary"], world["experts"], world["meeting"]
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    send = f"{BASE}/meetings/{meeting.pk}/blind-works/"
    values = {"declaration": world["declaration"].pk, "achievement": 9001, "due_on": due}
    body = _refused(
        _post(secretary, send, values | {"reviewers": [e.pk for e in experts[:2]]}),
        400,
        "每件代表作至少送 3 名专家评审，现为 2 名。",
    )
    assert body["field"] == "reviewers" and not BlindWork.objects.exists()
    assert _post(_other_secretary(), send, values | {"reviewers": [e.pk for e in experts[:3]]}).status_code == 404
    response = _post(secretary, send, values | {"reviewers": [e.pk for e in experts[:3]]})
    assert response.status_code == 201, response.content
    work = response.json()
    assert work["code"].startswith("DBZ-") and len(work["reviews"]) == 3

    reviewer = experts[0]
    listed = _get(reviewer, f"{BASE}/reviews/").json()
    [row] = listed["results"]
    assert (row["code"], row["work"]["title"], row["submitted"]) == (work["code"], WORK["title"], False)
    detail = _get(reviewer, f"{BASE}/reviews/{row['id']}/")
    assert detail.status_code == 200 and detail.json() == row
    shown = json.dumps([listed, detail.json()], ensure_ascii=False)
    for secret in ("朱老师", "杭州第二中学", "author_rank", "teacher"):
        assert secret not in shown
    assert _get(experts[5], f"{BASE}/reviews/{row['id']}/").status_code == 404
    assert _get(users["teacher"], f"{BASE}/reviews/{row['id']}/").status_code == 404

    submit = f"{BASE}/reviews/{row['id']}/submit/"
    assert (
        _refused(_post(reviewer, submit, {"grade": "good", "comment": ""}), 400, "请填写评审意见。")["field"]
        == "comment"
    )
    response = _post(reviewer, submit, {"grade": "good", "comment": "研究扎实。"})
    assert response.status_code == 200 and response.json()["submitted"] is True
    _refused(
        _post(reviewer, submit, {"grade": "excellent", "comment": "改一下"}), 409, "您已提交过本件代表作的评审意见。"
    )
    assert BlindReview.objects.get(pk=row["id"]).grade == "good"

    late = next(r for r in work["reviews"] if r["reviewer"] == experts[1].pk)
    replace = f"{BASE}/meetings/{meeting.pk}/blind-reviews/replace/"
    body = {"review": late["id"], "reviewer": experts[3].pk, "due_on": due}
    assert _refused(_post(secretary, replace, body), 400, "未到，不能更换专家")["code"] == "not_late"
    BlindReview.objects.filter(pk=late["id"]).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert _post(_other_secretary(), replace, body).status_code == 404
    assert (
        _refused(_post(secretary, replace, body | {"review": 10**12}), 400, "没有找到该代表作评审")["field"] == "review"
    )
    response = _post(secretary, replace, body)
    assert response.status_code == 201, response.content
    assert (response.json()["reviewer"], response.json()["submitted"]) == (experts[3].pk, False)
    _refused(
        _post(experts[1], f"{BASE}/reviews/{late['id']}/submit/", {"grade": "pass", "comment": "迟交"}),
        409,
        "您已超过评审期限，本件代表作已改由其他专家评审。",
    )
    assert BlindReview.objects.filter(work_id=work["id"]).count() == 4
    reviews = _get(secretary, f"{BASE}/meetings/{meeting.pk}/").json()["blind_works"][0]["reviews"]
    assert sorted((r["reviewer"], r["replaced"]) for r in reviews) == sorted(
        [(experts[0].pk, False), (experts[1].pk, True), (experts[2].pk, False), (experts[3].pk, False)]
    )


def test_a_closed_meeting_takes_no_more_panels_or_opinions(seeded):
    world = sitting(members=3)
    secretary, experts, meeting = world["secretary"], world["experts"], world["meeting"]
    panel = _post(
        secretary, f"{BASE}/meetings/{meeting.pk}/panels/", {"name": "组", "members": [e.pk for e in experts]}
    )
    [assignment] = _post(
        secretary, f"{BASE}/panels/{panel.json()['id']}/assign/", {"declarations": [world["declaration"].pk]}
    ).json()
    assert _post(secretary, f"{BASE}/meetings/{meeting.pk}/close/").status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CLOSED
    _refused(
        _post(experts[0], f"{BASE}/assignments/{assignment['id']}/opinion/", {"opinion": "同意"}),
        409,
        "会议已结束，不能再提交评议意见。",
    )
    _refused(
        _post(secretary, f"{BASE}/meetings/{meeting.pk}/panels/", {"name": "二组", "members": [e.pk for e in experts]}),
        409,
        "会议已结束，不能再调整评议组。",
    )
    assert not PanelOpinion.objects.exists() and MeetingPanel.objects.count() == 1
