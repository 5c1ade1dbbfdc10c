"""评议组 and 书面评议意见 (issue 13): panels of three or more, each declaration to one panel, no expert on
their own or a colleague's dossier, one opinion each, progress per expert, reminders."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from title_review.audit.models import AuditEvent
from title_review.committees import panels
from title_review.committees.models import Expert, ExpertStatus, PanelDeclaration
from title_review.core.errors import Conflict, DomainError, NotAllowed
from title_review.notifications.models import Message
from title_review.organisations.models import Organisation

from .factories import sitting


@pytest.fixture
def world(seeded):
    return sitting(members=11)


def _panel(world, count=3, **extra):
    return panels.form_panel(
        actor=world["secretary"],
        meeting_id=world["meeting"].pk,
        name="中学组",
        member_user_ids=[e.pk for e in world["experts"][:count]],
        **extra,
    )


def test_a_panel_needs_three_members_of_the_meeting(world, users):
    with pytest.raises(DomainError, match="至少由 3 名评委组成，现为 2 人"):
        _panel(world, count=2)
    with pytest.raises(DomainError, match="须为本次会议的评委"):
        panels.form_panel(
            actor=world["secretary"],
            meeting_id=world["meeting"].pk,
            name="中学组",
            member_user_ids=[*(e.pk for e in world["experts"][:3]), users["hzcheck"].pk],
        )
    with pytest.raises(Http404):
        panels.form_panel(
            actor=users["hzadmin"],
            meeting_id=world["meeting"].pk,
            name="中学组",
            member_user_ids=[e.pk for e in world["experts"][:3]],
        )
    panel = _panel(world)
    assert panel.members.count() == 3
    assert AuditEvent.objects.filter(action="panel.form", object_id=str(panel.pk)).exists()


def test_a_colleague_of_the_applicant_is_never_given_the_dossier(world):
    school = Organisation.objects.get(name="杭州第二中学")
    colleague = world["experts"][1]
    today = timezone.localdate()
    Expert.objects.create(
        user=colleague,
        employer=school,
        series=world["round"].series,
        title_name="正高级教师",
        level="1",
        term_starts=today,
        term_ends=today + dt.timedelta(days=300),
        status=ExpertStatus.ACTIVE,
    )
    panel = _panel(world)
    with pytest.raises(DomainError, match="同在杭州第二中学，须回避"):
        panels.assign(actor=world["secretary"], panel_id=panel.pk, declaration_ids=[world["declaration"].pk])
    assert not PanelDeclaration.objects.exists()


def test_opinions_once_each_with_scores_where_asked_and_progress_per_expert(world):
    panel = _panel(world, asks_scores=True)
    (assignment,) = panels.assign(
        actor=world["secretary"], panel_id=panel.pk, declaration_ids=[world["declaration"].pk]
    )
    notified = Message.objects.filter(recipient__in=world["experts"][:3], title__startswith="评议任务")
    assert notified.count() == 3
    with pytest.raises(Conflict, match="不能重复分配"):
        panels.assign(actor=world["secretary"], panel_id=panel.pk, declaration_ids=[world["declaration"].pk])

    first, second, third = world["experts"][:3]
    with pytest.raises(DomainError, match="0 到 100"):
        panels.write_opinion(actor=first, assignment_id=assignment.pk, opinion="业绩突出。")
    with pytest.raises(DomainError, match="请填写评议意见"):
        panels.write_opinion(actor=first, assignment_id=assignment.pk, opinion="  ", score=90)
    panels.write_opinion(actor=first, assignment_id=assignment.pk, opinion="教学业绩突出，同意推荐。", score=92)
    with pytest.raises(Conflict, match="已提交过"):
        panels.write_opinion(actor=first, assignment_id=assignment.pk, opinion="再写一次。", score=80)
    with pytest.raises(Http404):  # a meeting member outside the panel
        panels.write_opinion(actor=world["experts"][5], assignment_id=assignment.pk, opinion="意见", score=80)
    panels.write_opinion(actor=second, assignment_id=assignment.pk, opinion="论文质量一般。", score=75)

    progress = {p.member.user_id: (p.assigned, p.written) for p in panels.progress(panel)}
    assert progress == {first.pk: (1, 1), second.pk: (1, 1), third.pk: (1, 0)}
    assert panels.remind(actor=world["secretary"], panel_id=panel.pk) == 1
    assert Message.objects.filter(recipient=third, title__startswith="评议提醒").count() == 1
    assert not Message.objects.filter(recipient=first, title__startswith="评议提醒").exists()


def test_no_score_where_the_panel_does_not_ask_and_nothing_after_the_meeting(world):
    panel = _panel(world)
    (assignment,) = panels.assign(
        actor=world["secretary"], panel_id=panel.pk, declaration_ids=[world["declaration"].pk]
    )
    with pytest.raises(NotAllowed, match="不评分"):
        panels.write_opinion(actor=world["experts"][0], assignment_id=assignment.pk, opinion="同意。", score=90)
    world["meeting"].status = "closed"
    world["meeting"].save(update_fields=["status"])
    with pytest.raises(Conflict, match="会议已结束"):
        panels.write_opinion(actor=world["experts"][0], assignment_id=assignment.pk, opinion="同意。")
