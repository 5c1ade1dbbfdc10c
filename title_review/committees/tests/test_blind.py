"""代表作 anonymous review (issue 13): three reviewers or more, double-blind, one 评审意见表 each, late reviewers
replaced, grades counted once all are in."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from title_review.access.models import RoleGrant
from title_review.access.roles import Role
from title_review.committees import blind
from title_review.committees.models import BlindReview
from title_review.core.errors import Conflict, DomainError
from title_review.declarations.models import Declaration
from title_review.notifications.models import Message
from title_review.organisations.models import Organisation

from .factories import _account, sitting

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


@pytest.fixture
def world(seeded):
    world = sitting(members=11)
    declaration = world["declaration"]
    # The accepted snapshot holds one 代表作 (the chain's factories pick no 业绩成果) and one ordinary paper.
    snapshot = dict(declaration.snapshot)
    snapshot["records"] = {
        **snapshot.get("records", {}),
        "achievement": [WORK, {**WORK, "id": 9002, "title": "普通论文", "is_representative": False}],
    }
    Declaration.objects.filter(pk=declaration.pk).update(snapshot=snapshot)
    world["declaration"] = Declaration.objects.get(pk=declaration.pk)
    return world


def _send(world, reviewers, **extra):
    values = {
        "actor": world["secretary"],
        "meeting_id": world["meeting"].pk,
        "declaration_id": world["declaration"].pk,
        "achievement_id": 9001,
        "reviewer_ids": [r.pk for r in reviewers],
        "due_on": timezone.localdate() + dt.timedelta(days=10),
    } | extra
    return blind.send_for_review(**values)


def test_the_reviewer_reads_the_work_by_its_code_and_nothing_of_its_author(world):
    reviewers = world["experts"][:3]
    work = _send(world, reviewers)
    assert work.code.startswith("DBZ-")
    review = BlindReview.objects.get(work=work, reviewer=reviewers[0])
    seen = blind.reviewer_view(actor=reviewers[0], review_id=review.pk)
    shown = str(seen)
    assert seen["work"]["title"] == WORK["title"] and seen["code"] == work.code
    for secret in ("朱老师", "杭州第二中学", "author_rank", world["declaration"].applicant.username):
        assert secret not in shown
    with pytest.raises(Http404):  # another expert's review, or the applicant
        blind.reviewer_view(actor=reviewers[1], review_id=review.pk)
    with pytest.raises(Http404):
        blind.reviewer_view(actor=world["declaration"].applicant, review_id=review.pk)
    assert Message.objects.filter(recipient__in=reviewers, title=f"代表作评审：{work.code}").count() == 3


def test_three_reviewers_at_least_experts_only_and_not_the_applicants_colleagues(world, users):
    with pytest.raises(DomainError, match="至少送 3 名专家"):
        _send(world, world["experts"][:2])
    with pytest.raises(DomainError, match="不是该申报材料中的代表作"):
        _send(world, world["experts"][:3], achievement_id=9002)
    with pytest.raises(DomainError, match="须为在库的评审专家"):
        _send(world, [*world["experts"][:2], users["hzcheck"]])
    school = Organisation.objects.get(name="杭州第二中学")
    colleague = _account("tongshi", "同事专家", school, Role.EXPERT)
    with pytest.raises(DomainError, match="与申报人同单位，须回避"):
        _send(world, [*world["experts"][:2], colleague])
    with pytest.raises(DomainError, match="截止日期应在今天之后"):
        _send(world, world["experts"][:3], due_on=timezone.localdate())
    with pytest.raises(Http404):
        _send(world, world["experts"][:3], actor=users["hzadmin"])
    assert not BlindReview.objects.exists()


def test_grades_once_each_a_late_reviewer_replaced_and_the_outcome_when_all_are_in(world):
    first, second, late, stand_in = world["experts"][:4]
    work = _send(world, [first, second, late])
    review = {r.reviewer_id: r for r in BlindReview.objects.filter(work=work)}
    with pytest.raises(DomainError, match="请选择评审等级"):
        blind.submit_review(actor=first, review_id=review[first.pk].pk, grade="A", comment="好")
    blind.submit_review(actor=first, review_id=review[first.pk].pk, grade="excellent", comment="选题新颖，论证充分。")
    with pytest.raises(Conflict, match="已提交过"):
        blind.submit_review(actor=first, review_id=review[first.pk].pk, grade="good", comment="再评")
    blind.submit_review(actor=second, review_id=review[second.pk].pk, grade="good", comment="有一定推广价值。")
    assert blind.outcome(work) is None
    replace = {"actor": world["secretary"], "review_id": review[late.pk].pk, "reviewer_id": stand_in.pk}
    with pytest.raises(DomainError, match="期限.*未到"):
        blind.replace_reviewer(**replace, due_on=timezone.localdate() + dt.timedelta(days=5))
    BlindReview.objects.filter(pk=review[late.pk].pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    replacement = blind.replace_reviewer(**replace, due_on=timezone.localdate() + dt.timedelta(days=5))
    with pytest.raises(Conflict, match="已改由其他专家评审"):
        blind.submit_review(actor=late, review_id=review[late.pk].pk, grade="pass", comment="迟到的意见")
    blind.submit_review(actor=stand_in, review_id=replacement.pk, grade="pass", comment="达到要求。")
    work.refresh_from_db()
    assert blind.outcome(work) == {"excellent": 1, "good": 1, "pass": 1, "fail": 0}
    assert RoleGrant.objects.filter(user=stand_in, role=Role.EXPERT).exists()
