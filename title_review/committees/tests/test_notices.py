"""Notices to experts (issue 13): a 站内信 and an SMS when they are given a panel's declarations, sent a 代表作
(or take over one from a late reviewer), reminded by the secretary, and once by the daily job before a deadline.
A 代表作's notices name it by its code, never its author."""

import datetime as dt

import pytest
from django.utils import timezone

from title_review.committees import blind, panels, scheduled
from title_review.committees.models import BlindReview
from title_review.declarations.models import Declaration
from title_review.jobs.services import run_daily
from title_review.notifications.models import Message
from title_review.verification.models import SmsMessage

from .factories import sitting

WORK = {"id": 9001, "title": "基于项目式学习的高中物理实验教学研究", "venue": "物理教学", "is_representative": True}
SECRETS = ("朱老师", "杭州第二中学")  # the applicant and their unit


@pytest.fixture
def world(seeded):
    world = sitting(members=11)
    for number, expert in enumerate(world["experts"], start=1):
        expert.phone = f"139{number:08d}"
        expert.save(update_fields=["phone"])
    declaration = world["declaration"]
    snapshot = dict(declaration.snapshot)
    snapshot["records"] = {**snapshot.get("records", {}), "achievement": [WORK]}
    Declaration.objects.filter(pk=declaration.pk).update(snapshot=snapshot)
    return world


def _texts(expert) -> list[str]:
    return list(SmsMessage.objects.filter(phone=expert.phone).order_by("pk").values_list("text", flat=True))


def _send(world, reviewers, due_in: int = 10):
    return blind.send_for_review(
        actor=world["secretary"],
        meeting_id=world["meeting"].pk,
        declaration_id=world["declaration"].pk,
        achievement_id=WORK["id"],
        reviewer_ids=[r.pk for r in reviewers],
        due_on=timezone.localdate() + dt.timedelta(days=due_in),
    )


def test_panel_members_are_told_of_their_assignment_and_reminded_by_message_and_sms(
    world, django_capture_on_commit_callbacks
):
    members, outsider = world["experts"][:3], world["experts"][5]
    due = timezone.localdate() + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        panel = panels.form_panel(
            actor=world["secretary"],
            meeting_id=world["meeting"].pk,
            name="中学组",
            member_user_ids=[m.pk for m in members],
            due_on=due,
        )
        (assignment,) = panels.assign(
            actor=world["secretary"], panel_id=panel.pk, declaration_ids=[world["declaration"].pk]
        )
    for member in members:
        message = Message.objects.get(recipient=member, title="评议任务：中学组")
        assert f"请于 {due:%Y年%m月%d日} 前填写书面评议意见" in message.body
        assert message.link == f"/committees/mine/{world['meeting'].pk}/"
        (sms,) = _texts(member)
        assert sms.startswith("【职称评审】评议任务：中学组")
        assert not any(secret in sms for secret in SECRETS)
    assert not _texts(outsider)

    panels.write_opinion(actor=members[0], assignment_id=assignment.pk, opinion="同意推荐。")
    with django_capture_on_commit_callbacks(execute=True):
        assert panels.remind(actor=world["secretary"], panel_id=panel.pk) == 2
    assert len(_texts(members[0])) == 1  # done: not reminded
    for member in members[1:]:
        assert _texts(member)[-1].startswith("【职称评审】评议提醒：中学组")
        assert Message.objects.get(recipient=member, title="评议提醒：中学组").category == "deadline"


def test_blind_reviewers_and_a_stand_in_are_told_by_the_code_only(world, django_capture_on_commit_callbacks):
    first, second, late, stand_in = world["experts"][:4]
    with django_capture_on_commit_callbacks(execute=True):
        work = _send(world, [first, second, late])
    for reviewer in (first, second, late):
        (sms,) = _texts(reviewer)
        assert work.code in sms and not any(secret in sms for secret in SECRETS)
        message = Message.objects.get(recipient=reviewer, title=f"代表作评审：{work.code}")
        assert not any(secret in message.body for secret in SECRETS)
    review = BlindReview.objects.get(work=work, reviewer=late)
    BlindReview.objects.filter(pk=review.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        blind.replace_reviewer(
            actor=world["secretary"],
            review_id=review.pk,
            reviewer_id=stand_in.pk,
            due_on=timezone.localdate() + dt.timedelta(days=5),
        )
    (sms,) = _texts(stand_in)
    due = timezone.localdate() + dt.timedelta(days=5)
    assert (
        sms
        == f"【职称评审】代表作评审：{work.code}：请于 {due:%Y年%m月%d日} 前完成代表作 {work.code} 的评审，填写代表作评审意见表。"
    )
    assert Message.objects.filter(recipient=stand_in, link="/committees/reviews/").count() == 1


def test_the_daily_job_reminds_experts_with_work_due_soon_once(world, django_capture_on_commit_callbacks):
    experts = world["experts"]
    soon = _send(world, experts[:3], due_in=2)  # within the 2 days of committee.reminder_days
    later = _send(world, experts[3:6], due_in=10)  # not yet
    done = BlindReview.objects.get(work=soon, reviewer=experts[0])
    blind.submit_review(actor=experts[0], review_id=done.pk, grade="good", comment="达到要求。")
    panel = panels.form_panel(
        actor=world["secretary"],
        meeting_id=world["meeting"].pk,
        name="中学组",
        member_user_ids=[e.pk for e in experts[6:9]],
        due_on=timezone.localdate() + dt.timedelta(days=1),
    )
    (assignment,) = panels.assign(
        actor=world["secretary"], panel_id=panel.pk, declaration_ids=[world["declaration"].pk]
    )
    panels.write_opinion(actor=experts[6], assignment_id=assignment.pk, opinion="同意推荐。")
    SmsMessage.objects.all().delete()

    # The job runner's daily run (jobs.services.run_daily) includes the committees' reminders.
    with django_capture_on_commit_callbacks(execute=True):
        assert "committees.deadlines" in run_daily()
    reminded = set(SmsMessage.objects.values_list("phone", flat=True))
    assert reminded == {experts[1].phone, experts[2].phone, experts[7].phone, experts[8].phone}
    sms = _texts(experts[1])[0]
    assert sms.startswith(f"【职称评审】代表作评审即将截止：{soon.code}") and not any(s in sms for s in SECRETS)
    assert later.code not in "".join(SmsMessage.objects.values_list("text", flat=True))
    panel_notice = Message.objects.get(recipient=experts[7], title="评议即将截止：中学组")
    assert "您还有 1 份申报材料未填写书面评议意见" in panel_notice.body and panel_notice.category == "deadline"

    # Once only: the next day's run sends nothing more for them.
    with django_capture_on_commit_callbacks(execute=True):
        counts = scheduled.run_daily(on=timezone.localdate() + dt.timedelta(days=1))
    assert counts == {"blind_reviews_reminded": 0, "panel_members_reminded": 0}
    assert SmsMessage.objects.count() == 4
