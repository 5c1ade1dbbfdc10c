"""A committee whose 备案 has lapsed holds no meeting: neither drawn nor made by hand (ADR 0032)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from title_review.audit.models import AuditEvent
from title_review.committees import services
from title_review.committees.models import Meeting
from title_review.core.errors import DomainError
from title_review.rounds.models import Committee


def _lapse(pool):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Committee.objects.filter(pk=pool["committee"].pk).update(valid_until=yesterday)
    return yesterday


def test_a_meeting_cannot_be_made_for_a_committee_whose_filing_has_lapsed(pool):
    yesterday = _lapse(pool)
    members = [e.user_id for e in pool["inside"][:25]]
    with pytest.raises(DomainError, match=f"备案已过有效期（有效期至 {yesterday:%Y-%m-%d}），不能组织评审"):
        services.create_meeting(
            actor=pool["secretary"],
            round_id=pool["round"].pk,
            committee_id=pool["committee"].pk,
            title="评审会议",
            member_ids=members,
        )
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.filter(action="meeting.create").exists()


def test_the_last_day_of_the_filing_still_counts(pool):
    Committee.objects.filter(pk=pool["committee"].pk).update(valid_until=timezone.localdate())
    meeting = services.create_meeting(
        actor=pool["secretary"],
        round_id=pool["round"].pk,
        committee_id=pool["committee"].pk,
        title="评审会议",
        member_ids=[e.user_id for e in pool["inside"][:25]],
    )
    assert meeting.members.count() == 25


def test_the_draw_page_says_the_filing_has_lapsed_and_draws_nothing(pool):
    _lapse(pool)
    client = Client()
    client.force_login(pool["secretary"])
    page = client.post(
        "/committees/draw/", {"round": pool["round"].pk, "title": "2026年度评审会议", "size": "25"}, follow=True
    ).content.decode()
    assert "备案已过有效期" in page and "不能组织评审" in page
    assert not Meeting.objects.exists()


def _unfiled(pool):
    Committee.objects.filter(pk=pool["committee"].pk).update(filing_number="", filed_on=None, valid_until=None)


def test_a_committee_without_a_filing_holds_no_meeting_made_by_hand(pool):
    _unfiled(pool)
    with pytest.raises(
        DomainError, match="“杭州市中小学教师评委会”尚未备案（无备案有效期），不能组织评审。"
    ) as refused:
        services.create_meeting(
            actor=pool["secretary"],
            round_id=pool["round"].pk,
            committee_id=pool["committee"].pk,
            title="评审会议",
            member_ids=[e.user_id for e in pool["inside"][:25]],
        )
    assert refused.value.code == "committee_unfiled"
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.filter(action="meeting.create").exists()


def test_the_draw_page_says_the_committee_is_not_filed_and_draws_nothing(pool):
    _unfiled(pool)
    client = Client()
    client.force_login(pool["secretary"])
    page = client.post(
        "/committees/draw/", {"round": pool["round"].pk, "title": "2026年度评审会议", "size": "25"}, follow=True
    ).content.decode()
    assert "尚未备案（无备案有效期），不能组织评审。" in page
    assert not Meeting.objects.exists()
