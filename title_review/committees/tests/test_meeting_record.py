"""The meeting closes, its 会议记录 is signed as a PDF sealed by its SHA-256, and the results go to the title
office (issue 13): 出席评委, 评审对象, 评议意见, 投票结果."""

import pytest

from title_review.audit.models import AuditEvent
from title_review.committees import panels, services
from title_review.core.errors import Conflict
from title_review.printing.meeting_record import sign_meeting_record
from title_review.printing.tests.pdf import compact
from title_review.printing.tests.pdf import text as pdf_text

from .factories import sign_in, sitting


@pytest.fixture
def voted(seeded):
    world = sitting()
    sign_in(world, 17)
    meeting, secretary = world["meeting"], world["secretary"]
    panel = panels.form_panel(
        actor=secretary, meeting_id=meeting.pk, name="中学组", member_user_ids=[e.pk for e in world["experts"][:3]]
    )
    (assignment,) = panels.assign(actor=secretary, panel_id=panel.pk, declaration_ids=[world["declaration"].pk])
    panels.write_opinion(actor=world["experts"][0], assignment_id=assignment.pk, opinion="教学业绩突出，同意推荐。")
    ballot = services.open_ballot(actor=secretary, meeting_id=meeting.pk, declaration_id=world["declaration"].pk)
    for expert, choice in zip(world["experts"][:17], ["approve"] * 12 + ["reject"] * 4 + ["abstain"], strict=True):
        services.cast_vote(actor=expert, ballot_id=ballot.pk, choice=choice)
    world["ballot"] = ballot
    return world


def test_the_record_lists_it_all_and_is_sealed_once(voted):
    meeting, secretary = voted["meeting"], voted["secretary"]
    with pytest.raises(Conflict, match="正在进行的表决"):
        services.close_meeting(actor=secretary, meeting_id=meeting.pk)
    services.close_ballot(actor=secretary, ballot_id=voted["ballot"].pk)
    with pytest.raises(Conflict, match="会议结束后"):
        sign_meeting_record(actor=secretary, meeting_id=meeting.pk)
    services.close_meeting(actor=secretary, meeting_id=meeting.pk)

    (result,) = services.results_of(meeting)
    assert result.passed and (result.ballot.approve, result.ballot.present_count) == (12, 17)

    record = sign_meeting_record(actor=secretary, meeting_id=meeting.pk)
    with record.file.open("rb") as stored:
        text = compact(pdf_text(stored.read()))
    for expected in (
        "评审委员会评审会议记录",
        "应到25人，实到17人",
        "专家01",  # 出席评委
        "朱老师",  # 评审对象
        "教学业绩突出，同意推荐。",  # 评议意见
        "通过",
        "共表决1人，通过1人",
    ):
        assert expected in text, expected
    assert services.record_intact(record)
    assert AuditEvent.objects.get(action="meeting.sign_record").after["sha256"] == record.sha256
    with pytest.raises(Conflict, match="已签署"):
        sign_meeting_record(actor=secretary, meeting_id=meeting.pk)
    # A changed file no longer matches its seal.
    with record.file.open("wb") as stored:
        stored.write(b"%PDF-1.7 altered")
    assert not services.record_intact(record)
