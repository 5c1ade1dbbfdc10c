"""The meeting closes, its 会议记录 is signed as a PDF sealed by its SHA-256, and the results go to the title
office (issue 13): 出席评委, 评审对象, 评议意见, 投票结果."""

import base64
import datetime as dt
import hashlib

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from title_review.access.roles import Role
from title_review.audit.models import AuditEvent
from title_review.committees import blind, panels, services
from title_review.committees.models import BlindReview, MeetingRecord
from title_review.core.errors import Conflict
from title_review.declarations.models import Declaration
from title_review.organisations.models import Organisation
from title_review.printing.meeting_record import sign_meeting_record
from title_review.printing.tests.pdf import compact
from title_review.printing.tests.pdf import text as pdf_text

from .factories import _account, sign_in, sitting
from .test_blind import WORK


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


def test_the_record_gives_each_representative_work_its_grades_and_comments_but_no_reviewer(voted):
    """代表作评审结果: the work's code and title and whose it is (the record is the committee's), each current
    review's grade and comment — never a reviewer's name, nor a replaced reviewer's review."""
    meeting, secretary, declaration = voted["meeting"], voted["secretary"], voted["declaration"]
    snapshot = dict(declaration.snapshot)
    snapshot["records"] = {**snapshot.get("records", {}), "achievement": [WORK]}
    Declaration.objects.filter(pk=declaration.pk).update(snapshot=snapshot)
    hospital = Organisation.objects.get(name="杭州市第一人民医院")
    # Reviewers who are not members of the meeting: their names must not appear anywhere in the record.
    reviewers = [_account(f"mingshen{i}", f"匿名审稿人{i}", hospital, Role.EXPERT) for i in range(1, 5)]
    work = blind.send_for_review(
        actor=secretary,
        meeting_id=meeting.pk,
        declaration_id=declaration.pk,
        achievement_id=WORK["id"],
        reviewer_ids=[r.pk for r in reviewers[:3]],
        due_on=timezone.localdate() + dt.timedelta(days=10),
    )
    review = {r.reviewer_id: r for r in BlindReview.objects.filter(work=work)}
    blind.submit_review(actor=reviewers[0], review_id=review[reviewers[0].pk].pk, grade="excellent", comment="选题新颖")
    blind.submit_review(actor=reviewers[1], review_id=review[reviewers[1].pk].pk, grade="good", comment="有推广价值")
    BlindReview.objects.filter(pk=review[reviewers[2].pk].pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    replacement = blind.replace_reviewer(
        actor=secretary,
        review_id=review[reviewers[2].pk].pk,
        reviewer_id=reviewers[3].pk,
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    blind.submit_review(actor=reviewers[3], review_id=replacement.pk, grade="pass", comment="达到要求")
    services.close_ballot(actor=secretary, ballot_id=voted["ballot"].pk)
    services.close_meeting(actor=secretary, meeting_id=meeting.pk)

    record = sign_meeting_record(actor=secretary, meeting_id=meeting.pk)
    with record.file.open("rb") as stored:
        text = compact(pdf_text(stored.read()))
    section = text[text.index("代表作评审结果") : text.index("代表作实行双向匿名评审")]
    for expected in (
        work.code,
        "基于项目式学习的高中物理实验教学研究",
        "申报人：朱老师（杭州第二中学）",
        "评审意见一优秀选题新颖",
        "评审意见二良好有推广价值",
        "评审意见三合格达到要求",
    ):
        assert expected in section, expected
    assert "评审意见四" not in section  # the replaced reviewer's place is taken, not added
    for reviewer in reviewers:
        assert reviewer.real_name not in text and reviewer.username not in text
    assert "本记录不载评审专家姓名" in text


def test_a_record_without_representative_works_says_so(voted):
    services.close_ballot(actor=voted["secretary"], ballot_id=voted["ballot"].pk)
    services.close_meeting(actor=voted["secretary"], meeting_id=voted["meeting"].pk)
    record = sign_meeting_record(actor=voted["secretary"], meeting_id=voted["meeting"].pk)
    with record.file.open("rb") as stored:
        assert "本次会议无送审代表作" in compact(pdf_text(stored.read()))


# ---- through the API: POST …/record/sign/ and GET …/record/, the secretary only ----------------------------

RECORD_API = "/api/v1/committees/meetings/{pk}/record/"


def _api(user):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_the_secretary_signs_and_reads_back_the_record_through_the_api(voted, users):
    meeting, secretary = voted["meeting"], voted["secretary"]
    url = RECORD_API.format(pk=meeting.pk)
    client = _api(secretary)

    unsigned = client.get(url).json()
    assert unsigned["signed"] is False and unsigned["sha256"] is None and unsigned["meeting_status"] == "in_session"
    refused = client.post(f"{url}sign/", format="json")
    assert refused.status_code == 409 and "会议结束后才能签署会议记录" in refused.json()["message"]
    assert not MeetingRecord.objects.exists()

    services.close_ballot(actor=secretary, ballot_id=voted["ballot"].pk)
    services.close_meeting(actor=secretary, meeting_id=meeting.pk)
    signed = client.post(f"{url}sign/", format="json")
    assert signed.status_code == 201, signed.content
    body = signed.json()
    record = MeetingRecord.objects.get(meeting=meeting)
    assert body["signed"] is True and body["sha256"] == record.sha256 and body["intact"] is True
    assert body["signed_by"] == "评委会秘书" and body["signed_at"]

    read = client.get(url).json()
    content = base64.b64decode(read["content_base64"])
    assert hashlib.sha256(content).hexdigest() == read["sha256"] == record.sha256
    assert read["size"] == len(content) and read["filename"] == f"会议记录-{meeting.pk}.pdf"
    assert "朱老师" in compact(pdf_text(content))
    again = client.post(f"{url}sign/", format="json")
    assert again.status_code == 409 and "已签署" in again.json()["message"]
    assert AuditEvent.objects.filter(action="meeting.sign_record").count() == 1

    # A file changed after signing no longer matches its seal, and the answer says so.
    with record.file.open("wb") as stored:
        stored.write(b"%PDF-1.7 altered")
    assert client.get(url).json()["intact"] is False


def test_only_the_meetings_secretary_reaches_its_record(voted, users):
    meeting = voted["meeting"]
    services.close_ballot(actor=voted["secretary"], ballot_id=voted["ballot"].pk)
    services.close_meeting(actor=voted["secretary"], meeting_id=meeting.pk)
    url = RECORD_API.format(pk=meeting.pk)
    other = _account(
        "xhmishu", "西湖秘书", Organisation.objects.get(name="西湖区职称工作领导小组办公室"), Role.COMMITTEE_SECRETARY
    )
    for outsider in (other, voted["experts"][0], users["hzadmin"]):
        assert _api(outsider).get(url).status_code == 404
        assert _api(outsider).post(f"{url}sign/", format="json").status_code == 404
    assert not MeetingRecord.objects.exists()
