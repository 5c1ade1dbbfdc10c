"""专家库 and 抽取评委: the pool, automatic and manual 回避, the outside share, a draw that can be replayed from
its seed, and a pool too small said in numbers (issue 13)."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.access.roles import Role
from title_review.accounts.models import User
from title_review.audit.models import AuditEvent
from title_review.committees import draws, experts, services
from title_review.committees.models import (
    Draw,
    DrawnExpert,
    Expert,
    ExpertStatus,
    MeetingMember,
    Recusal,
    SeatRole,
)
from title_review.core.errors import Conflict, DomainError
from title_review.organisations.models import Organisation
from title_review.rounds.models import Committee


def _draw(pool, **extra):
    return draws.draw_committee(actor=pool["secretary"], round_id=pool["round"].pk, title="评审会议", **extra)


def test_the_draw_seats_25_with_25_alternates_the_outside_share_and_the_colleague_recused(pool):
    meeting = _draw(pool)
    draw = Draw.objects.get(meeting=meeting)
    seats = list(DrawnExpert.objects.filter(draw=draw))
    members = [s for s in seats if s.role == SeatRole.MEMBER]
    assert len(members) == 25 and sum(s.role == SeatRole.ALTERNATE for s in seats) == 25
    assert draw.outside_needed == 3 and sum(s.outside for s in members) >= 3
    assert pool["colleague"].pk not in {s.expert_id for s in seats}
    recusal = Recusal.objects.get(draw=draw)
    assert recusal.automatic and recusal.expert_id == pool["colleague"].pk
    assert recusal.reason == "与申报人朱老师同在杭州第二中学"
    seated = set(MeetingMember.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    assert seated == set(Expert.objects.filter(pk__in=[s.expert_id for s in members]).values_list("user_id", flat=True))
    event = AuditEvent.objects.get(action="committee.draw")
    assert event.after["seed"] == draw.seed and event.after["recused"] == 1
    assert "专家" not in str(event.after)  # the names stay with the secretary


def test_the_draw_is_replayed_from_its_seed(pool):
    meeting = _draw(pool, seed="0f3c9a")
    draw = Draw.objects.get(meeting=meeting)
    again = draws.replay(draw)
    recorded = list(DrawnExpert.objects.filter(draw=draw).order_by("position").values_list("expert_id", flat=True))
    assert again.members + again.alternates == recorded
    other = draws.select("another seed", draw.candidate_ids, draw.outside_ids, size=25, alternates=25, outside_needed=3)
    assert other.members != again.members


def test_a_pool_too_small_is_refused_with_the_numbers(pool):
    Expert.objects.filter(pk__in=[e.pk for e in pool["inside"][:30]]).update(status=ExpertStatus.REMOVED)
    with pytest.raises(DomainError) as refused:
        _draw(pool)
    message = refused.value.message
    assert "符合条件的专家 35 人（其中外地专家 5 人，另有 1 人须回避）" in message
    assert "共需 50 人，其中外地专家至少 3 人" in message
    assert not Draw.objects.exists()


def test_too_few_outside_experts_is_refused(pool):
    Expert.objects.filter(pk__in=[e.pk for e in pool["outside"][:3]]).update(integrity_flag=True)
    with pytest.raises(DomainError, match="外地专家 2 人"):
        _draw(pool)


@pytest.mark.parametrize(("size", "message"), [(24, "单数"), (23, "不少于 25")])
def test_the_committee_is_odd_and_at_least_the_minimum(pool, size, message):
    with pytest.raises(DomainError, match=message):
        _draw(pool, size=size)


def test_an_expired_committee_cannot_review(pool):
    Committee.objects.filter(pk=pool["committee"].pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="备案已过有效期"):
        _draw(pool)


def test_a_second_draw_for_the_round_is_refused(pool):
    _draw(pool)
    with pytest.raises(Conflict, match="不能重复抽取"):
        _draw(pool)


def test_a_recused_member_is_replaced_by_the_first_alternate_keeping_the_outside_share(pool):
    meeting = _draw(pool)
    draw = Draw.objects.get(meeting=meeting)
    seats = DrawnExpert.objects.filter(draw=draw)
    members = list(seats.filter(role=SeatRole.MEMBER))
    alternates = list(seats.filter(role=SeatRole.ALTERNATE))
    # Exactly the quota of outside members, and one outside alternate, drawn late: the situation to test.
    seats.update(outside=False)
    seats.filter(pk__in=[s.pk for s in members[:3]] + [alternates[5].pk]).update(outside=True)
    inside_member, outside_member = members[10], members[0]
    # An inside member stands aside: the first alternate in drawn order takes the seat.
    first = draws.recuse(
        actor=pool["secretary"], meeting_id=meeting.pk, expert_id=inside_member.expert_id, reason="亲属关系"
    )
    assert first.pk == alternates[0].pk
    # An outside member at the quota: the first *outside* alternate, past the inside ones before it.
    second = draws.recuse(
        actor=pool["secretary"], meeting_id=meeting.pk, expert_id=outside_member.expert_id, reason="师生关系"
    )
    assert second.pk == alternates[5].pk
    assert seats.filter(role=SeatRole.MEMBER).count() == 25
    assert seats.filter(role=SeatRole.MEMBER, outside=True).count() == draw.outside_needed
    # Another outside member at the quota, and no outside alternate left: refused, nothing changed.
    with pytest.raises(DomainError, match="候补专家已用完"):
        draws.recuse(actor=pool["secretary"], meeting_id=meeting.pk, expert_id=members[1].expert_id, reason="亲属关系")
    assert seats.get(pk=members[1].pk).role == SeatRole.MEMBER
    assert MeetingMember.objects.filter(meeting=meeting).count() == 25
    assert Recusal.objects.filter(draw=draw, automatic=False).count() == 2
    seated = set(MeetingMember.objects.filter(meeting=meeting).values_list("user__expert__pk", flat=True))
    assert seated == set(seats.filter(role=SeatRole.MEMBER).values_list("expert_id", flat=True))
    with pytest.raises(DomainError, match="回避原因"):
        draws.recuse(actor=pool["secretary"], meeting_id=meeting.pk, expert_id=members[-1].expert_id, reason=" ")
    with pytest.raises(Http404):  # only the secretary of the host
        draws.recuse(
            actor=User.objects.get(username="hzadmin"),
            meeting_id=meeting.pk,
            expert_id=members[-1].expert_id,
            reason="亲属关系",
        )
    services.start_meeting(actor=pool["secretary"], meeting_id=meeting.pk)
    with pytest.raises(Conflict, match="会议已开始"):
        draws.recuse(actor=pool["secretary"], meeting_id=meeting.pk, expert_id=members[-1].expert_id, reason="亲属关系")


def test_the_pool_takes_a_nominated_expert_after_the_office_approves_and_drops_them_on_removal(pool, users):
    hospital = Organisation.objects.get(name="杭州市第一人民医院")
    person = User.objects.create_user(username="laozhuanjia", password=None, real_name="老专家", organisation=hospital)
    today = timezone.localdate()
    proposal = {
        "user_id": person.pk,
        "employer_id": hospital.pk,
        "series_code": pool["series"].code,
        "specialty": "",
        "title_name": "主任医师",
        "level": "1",
        "term_starts": today,
    }
    with pytest.raises(DomainError, match="不超过 3 年"):
        experts.propose_expert(actor=users["hospitaladmin"], **proposal, term_ends=today.replace(year=today.year + 4))
    expert = experts.propose_expert(
        actor=users["hospitaladmin"], **proposal, term_ends=today.replace(year=today.year + 3) - dt.timedelta(days=1)
    )
    assert expert.status == ExpertStatus.PENDING and expert.nominated_by == hospital
    with pytest.raises(Conflict, match="已在专家库中"):
        experts.propose_expert(actor=users["hospitaladmin"], **proposal, term_ends=today)
    with pytest.raises(Http404):  # the 西湖区 office has no 杭州市第一人民医院 below it
        experts.approve_expert(actor=users["xhadmin"], expert_id=expert.pk)
    experts.approve_expert(actor=users["hzadmin"], expert_id=expert.pk)
    assert RoleGrant.objects.filter(user=person, role=Role.EXPERT).exists()
    experts.remove_expert(actor=users["hzadmin"], expert_id=expert.pk, reason="任期内调离")
    assert not RoleGrant.objects.filter(user=person, role=Role.EXPERT).exists()
    assert {e.action for e in AuditEvent.objects.filter(object_id=str(expert.pk), object_type="committees.expert")} == {
        "expert.propose",
        "expert.approve",
        "expert.remove",
    }


def test_a_meeting_not_drawn_has_no_alternate_to_recuse_to(pool):
    """A meeting made with a fixed list of members (services.create_meeting) has no draw: refused, not a crash."""
    members = [e.user_id for e in pool["inside"][:3]]
    meeting = services.create_meeting(
        actor=pool["secretary"],
        round_id=pool["round"].pk,
        committee_id=pool["committee"].pk,
        title="评审会议",
        member_ids=members,
    )
    with pytest.raises(DomainError, match="不是抽取产生的") as refused:
        draws.recuse(actor=pool["secretary"], meeting_id=meeting.pk, expert_id=pool["inside"][0].pk, reason="亲属关系")
    assert refused.value.code == "not_drawn"
    assert sorted(MeetingMember.objects.filter(meeting=meeting).values_list("user_id", flat=True)) == sorted(members)


def test_a_term_of_three_years_at_most():
    assert draws.valid_term(dt.date(2026, 1, 1), dt.date(2029, 1, 1))
    assert not draws.valid_term(dt.date(2026, 1, 1), dt.date(2029, 1, 2))
    assert not draws.valid_term(dt.date(2026, 1, 1), dt.date(2025, 12, 31))
    assert draws.valid_term(dt.date(2028, 2, 29), dt.date(2031, 2, 28))
    # Three years on is past the calendar (an API client may send any date): an answer, not a ValueError.
    assert draws.valid_term(dt.date(9998, 2, 1), dt.date(9999, 12, 31))
    assert not draws.valid_term(dt.date(9998, 2, 1), dt.date(9998, 1, 31))


# ---- 回避: declared relations, 破格 recommenders, applicants of the round ---------------------------------


def _teacher_declaration(pool):
    from title_review.declarations.models import Declaration

    return Declaration.objects.get(pk=pool["declaration"].pk)


def test_declared_relations_and_recommenders_stand_aside_automatically_with_the_reason(pool, client):
    from title_review.declarations.models import Declaration

    declaration = _teacher_declaration(pool)
    related, recommender = pool["inside"][0], pool["inside"][1]
    experts.declare_relation(
        actor=related.user, expert_id=related.pk, applicant_id=declaration.applicant_id, relation="亲属"
    )
    # (The fixture's names repeat between 杭州 and the province: a unique one here.)
    User.objects.filter(pk=recommender.user_id).update(real_name="钱正高")
    recommender.user.refresh_from_db()
    Declaration.objects.filter(pk=declaration.pk).update(recommenders=["张正高", "钱正高"])
    meeting = _draw(pool)
    draw = Draw.objects.get(meeting=meeting)
    reasons = {r.expert_id: r.reason for r in Recusal.objects.filter(draw=draw, automatic=True)}
    assert reasons == {
        pool["colleague"].pk: "与申报人朱老师同在杭州第二中学",
        related.pk: "与申报人朱老师有亲属关系（已申报回避）",
        recommender.pk: "为申报人朱老师的破格推荐专家",
    }
    drawn = set(DrawnExpert.objects.filter(draw=draw).values_list("expert_id", flat=True))
    assert not drawn & set(reasons)
    assert AuditEvent.objects.get(action="committee.draw").after["recused"] == 3
    # The secretary reads the reasons on the meeting page, as for a colleague.
    client.force_login(pool["secretary"])
    page = client.get(f"/committees/meetings/{meeting.pk}/").content.decode()
    assert f"{related.user}：与申报人朱老师有亲属关系（已申报回避）（自动回避）" in page
    assert f"{recommender.user}：为申报人朱老师的破格推荐专家（自动回避）" in page


def test_a_relation_is_declared_once_by_someone_it_concerns_with_a_reason(pool, users):
    declaration = _teacher_declaration(pool)
    expert = pool["inside"][2]
    values = {"expert_id": expert.pk, "applicant_id": declaration.applicant_id}
    with pytest.raises(Http404):  # an office with no say over the expert's unit, nor one of the two
        experts.declare_relation(actor=users["xhadmin"], **values, relation="师生")
    with pytest.raises(DomainError, match="请填写与申报人的关系"):
        experts.declare_relation(actor=expert.user, **values, relation=" ")
    # The applicant declares it.
    experts.declare_relation(actor=declaration.applicant, **values, relation="师生")
    with pytest.raises(Conflict, match="已申报"):
        experts.declare_relation(actor=expert.user, **values, relation="师生")
    event = AuditEvent.objects.get(action="expert.declare_relation")
    assert event.after == {"applicant": declaration.applicant_id, "relation": "师生"}


def test_an_expert_applying_in_the_same_round_is_kept_off_the_draw_before_acceptance_too(pool):
    from title_review.declarations.models import Declaration
    from title_review.declarations.workflow import Status

    applying = pool["inside"][3]
    Declaration.objects.create(
        applicant=applying.user,
        round=pool["round"],
        employer=applying.employer,
        applicant_name=applying.user.real_name,
        filled_by=applying.user,
        status=Status.IN_REVIEW,
        pledge_version="2026-11",
        pledge_accepted_at=timezone.now(),
    )
    meeting = _draw(pool)
    recusal = Recusal.objects.get(draw__meeting=meeting, expert=applying)
    assert recusal.automatic and recusal.reason == "本人为本次评审活动的申报人"
    assert not DrawnExpert.objects.filter(draw__meeting=meeting, expert=applying).exists()


def _panel_of(pool, meeting, users_):
    from title_review.committees import panels

    return panels.form_panel(
        actor=pool["secretary"], meeting_id=meeting.pk, name="中学组", member_user_ids=[u.pk for u in users_]
    )


def test_a_panel_member_who_is_the_applicant_a_relation_or_a_recommender_is_refused_the_dossier(pool):
    from title_review.committees import panels
    from title_review.committees.models import PanelDeclaration
    from title_review.declarations.models import Declaration

    declaration = _teacher_declaration(pool)
    meeting = _draw(pool)
    seated = list(MeetingMember.objects.filter(meeting=meeting).select_related("user").order_by("pk"))
    others = [m.user for m in seated[:2]]
    # An expert who is the applicant of the same round, sitting (as rows made before this rule could put them).
    MeetingMember.objects.create(meeting=meeting, user=declaration.applicant)
    own = _panel_of(pool, meeting, [declaration.applicant, *others])
    with pytest.raises(DomainError, match="是申报人本人"):
        panels.assign(actor=pool["secretary"], panel_id=own.pk, declaration_ids=[declaration.pk])

    related_user = seated[2].user
    experts.declare_relation(
        actor=related_user, expert_id=related_user.expert.pk, applicant_id=declaration.applicant_id, relation="师生"
    )
    related = panels.form_panel(
        actor=pool["secretary"],
        meeting_id=meeting.pk,
        name="第二组",
        member_user_ids=[related_user.pk, *(u.pk for u in others)],
    )
    with pytest.raises(DomainError, match=f"评委{related_user}与申报人朱老师有师生关系（已申报回避），须回避"):
        panels.assign(actor=pool["secretary"], panel_id=related.pk, declaration_ids=[declaration.pk])

    recommender_user = seated[3].user
    User.objects.filter(pk=recommender_user.pk).update(real_name="钱正高")
    recommender_user.refresh_from_db()
    Declaration.objects.filter(pk=declaration.pk).update(recommenders=["钱正高"])
    recommending = panels.form_panel(
        actor=pool["secretary"],
        meeting_id=meeting.pk,
        name="第三组",
        member_user_ids=[recommender_user.pk, *(u.pk for u in others)],
    )
    with pytest.raises(DomainError, match="为申报人朱老师的破格推荐专家，须回避"):
        panels.assign(actor=pool["secretary"], panel_id=recommending.pk, declaration_ids=[declaration.pk])
    assert not PanelDeclaration.objects.exists()
    # Without them, the dossier goes to a panel.
    fine = panels.form_panel(
        actor=pool["secretary"],
        meeting_id=meeting.pk,
        name="第四组",
        member_user_ids=[m.user_id for m in seated[4:7]],
    )
    panels.assign(actor=pool["secretary"], panel_id=fine.pk, declaration_ids=[declaration.pk])
    assert PanelDeclaration.objects.filter(panel=fine).count() == 1


def test_a_blind_reviewer_with_a_declared_relation_is_refused(pool):
    from title_review.committees import blind
    from title_review.committees.models import BlindWork
    from title_review.declarations.models import Declaration

    declaration = _teacher_declaration(pool)
    work = {"id": 9001, "title": "高中物理实验教学研究", "is_representative": True}
    snapshot = dict(declaration.snapshot)
    snapshot["records"] = {**snapshot.get("records", {}), "achievement": [work]}
    Declaration.objects.filter(pk=declaration.pk).update(snapshot=snapshot)
    meeting = _draw(pool)
    reviewers = [e.user for e in pool["inside"][10:13]]
    related = pool["inside"][10]
    experts.declare_relation(
        actor=related.user, expert_id=related.pk, applicant_id=declaration.applicant_id, relation="合作者"
    )
    with pytest.raises(DomainError, match=f"评审专家{related.user}须回避：与申报人朱老师有合作者关系"):
        blind.send_for_review(
            actor=pool["secretary"],
            meeting_id=meeting.pk,
            declaration_id=declaration.pk,
            achievement_id=9001,
            reviewer_ids=[u.pk for u in reviewers],
            due_on=timezone.localdate() + dt.timedelta(days=10),
        )
    assert not BlindWork.objects.exists()


def test_an_expert_declares_a_relation_on_their_page_and_the_draw_keeps_them_off(pool, client):
    expert = pool["inside"][4]
    client.force_login(expert.user)
    assert "申报回避关系" in client.get("/committees/mine/").content.decode()
    wrong = client.post(
        "/committees/relations/", {"applicant_name": "朱老师", "id_number": "330108198506120000", "relation": "亲属"}
    )
    assert "未找到姓名与证件号码相符的人员" in wrong.content.decode()
    assert "330108198506120000" in wrong.content.decode()  # what was typed stays
    done = client.post(
        "/committees/relations/",
        {"applicant_name": "朱老师", "id_number": "330108198506120026", "relation": "亲属"},
        follow=True,
    )
    page = done.content.decode()
    assert "已申报与朱老师的亲属关系，评审时将自动回避。" in page and "朱老师：亲属" in page
    meeting = _draw(pool)
    recusal = Recusal.objects.get(draw__meeting=meeting, expert=expert)
    assert recusal.reason == "与申报人朱老师有亲属关系（已申报回避）"
    # Someone outside the pool has nothing to declare.
    client.force_login(User.objects.get(username="hzcheck"))
    assert client.get("/committees/relations/").status_code in (302, 403)


def test_a_meeting_title_with_a_right_to_left_override_is_refused_on_the_draw_page_and_kept(pool, client):
    """Issue 10, finding 9, for a title the second half added (core.stored_text): no draw, no meeting."""
    client.force_login(pool["secretary"])
    typed = "2026年度\u202e评审会议"
    page = client.post("/committees/draw/", {"round": pool["round"].pk, "title": typed, "size": ""})
    assert page.status_code == 200
    html = page.content.decode()
    assert "会议名称含有不可见的控制字符，请删除后重新输入。" in html
    assert typed in html  # the typed title is back in its box
    assert not Draw.objects.filter(meeting__round=pool["round"]).exists()


@pytest.mark.parametrize("round_value", ["99999999999999999999", "²", "abc"])
def test_a_malformed_round_is_answered_as_a_round_that_does_not_exist(pool, client, round_value):
    client.force_login(pool["secretary"])
    missing = client.post("/committees/draw/", {"round": "987654", "title": "2026年度评审会议", "size": ""})
    page = client.post("/committees/draw/", {"round": round_value, "title": "2026年度评审会议", "size": ""})
    assert page.status_code == missing.status_code < 500
    assert not Draw.objects.filter(meeting__round=pool["round"]).exists()


@pytest.mark.parametrize("size", ["²", "9" * 25, "-3"])
def test_a_malformed_size_is_refused_in_chinese(pool, client, size):
    client.force_login(pool["secretary"])
    page = client.post("/committees/draw/", {"round": pool["round"].pk, "title": "2026年度评审会议", "size": size})
    assert page.status_code == 200 and "评委人数应为正整数。" in page.content.decode()
    assert not Draw.objects.filter(meeting__round=pool["round"]).exists()
