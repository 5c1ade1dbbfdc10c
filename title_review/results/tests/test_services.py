"""评后管理 services: receiving a meeting's results, 公示 on the working-day calendar, objections (rules,
holding, dropping), 确认 / 发文 (once, never while held), 初定 / 认定 审批."""

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from title_review.accounts.models import User
from title_review.attachments.tests.helpers import pdf
from title_review.certificates.models import Certificate, CertificateSource
from title_review.core.errors import Conflict, DomainError
from title_review.declarations.models import Declaration
from title_review.declarations.workflow import Status
from title_review.notifications.models import Message
from title_review.printing import renderer
from title_review.results import services
from title_review.results.models import BatchStatus, Outcome, ResultBatch, ResultObjection
from title_review.system.services import set_working_day_override
from title_review.verification.models import SmsMessage

from .factories import module_world, publicity_over, voted_meeting

PDF = b"%PDF-1.7\n%stand-in\n"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with module_world(django_db_blocker, voted_meeting) as built:
        yield built


@pytest.fixture
def hzadmin(world, db):
    return User.objects.get(username="hzadmin")


@pytest.fixture
def batch(world, hzadmin):
    return services.receive_meeting(actor=hzadmin, meeting_id=world["meeting"].pk)


def _status(declaration) -> str:
    return Declaration.objects.get(pk=declaration.pk).status


def test_receiving_moves_each_declaration_by_its_vote_once(world, hzadmin, batch):
    entries = list(batch.entries.order_by("pk"))
    assert [(e.person_name, e.outcome) for e in entries] == [
        (world["declaration"].applicant_name, Outcome.PASSED),
        (world["second"].applicant_name, Outcome.PASSED),
    ]
    assert entries[0].series_name == "中小学教师" and entries[0].qualification_name
    assert _status(world["declaration"]) == Status.PASSED
    with pytest.raises(Conflict, match="已接收"):
        services.receive_meeting(actor=hzadmin, meeting_id=world["meeting"].pk)
    # Someone without the office's scope learns nothing of the meeting.
    with pytest.raises(Exception) as refused:
        services.receive_meeting(actor=User.objects.get(username="xhadmin"), meeting_id=world["meeting"].pk)
    assert refused.type.__name__ in ("Http404", "NotAllowed")


def test_publicity_ends_on_the_fifth_working_day_across_a_holiday(world, hzadmin, batch):
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday() + 7)
    zjadmin = User.objects.get(username="zjadmin")
    assert services.earliest_end(monday) == monday + dt.timedelta(days=4)  # Monday to Friday
    set_working_day_override(actor=zjadmin, day=monday + dt.timedelta(days=2), is_working_day=False, note="假日")
    # Wednesday off: the fifth working day is the next Monday.
    assert services.earliest_end(monday) == monday + dt.timedelta(days=7)
    with pytest.raises(DomainError, match="不少于 5 个工作日"):
        services.start_publicity(
            actor=hzadmin, batch_id=batch.pk, starts_on=monday, ends_on=monday + dt.timedelta(days=4)
        )
    started = services.start_publicity(actor=hzadmin, batch_id=batch.pk, starts_on=monday)
    assert (started.status, started.publicity_ends, started.publicity_days) == (
        BatchStatus.PUBLICISING,
        monday + dt.timedelta(days=7),
        5,
    )
    with pytest.raises(Conflict):
        services.start_publicity(actor=hzadmin, batch_id=batch.pk, starts_on=monday)


def test_publicity_refuses_a_past_start_and_tells_each_person(
    world, hzadmin, batch, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError, match="不能早于今天"):
        services.start_publicity(
            actor=hzadmin, batch_id=batch.pk, starts_on=timezone.localdate() - dt.timedelta(days=1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.start_publicity(actor=hzadmin, batch_id=batch.pk, starts_on=timezone.localdate())
    teacher = world["declaration"].applicant
    (message,) = Message.objects.filter(recipient=teacher, title="评审结果已公布")
    assert "通过" in message.body and message.link == "/results/mine/"
    school_admin = User.objects.get(username="schooladmin")
    assert Message.objects.filter(recipient=school_admin, title="评审结果已公布").count() == 1
    (sms,) = SmsMessage.objects.filter(phone=teacher.phone, text__startswith="【职称评审】评审结果已公布")
    assert world["declaration"].applicant_name in sms.text


def _published(hzadmin, batch):
    return services.start_publicity(actor=hzadmin, batch_id=batch.pk, starts_on=timezone.localdate())


def test_objection_rules(world, hzadmin, batch):
    _published(hzadmin, batch)
    entry = batch.entries.order_by("pk").first()
    good = {
        "entry_id": entry.pk,
        "name": "张三",
        "mobile": "13912345678",
        "content": "论文涉嫌抄袭。",
        "ip": "10.0.0.1",
    }
    for missing, message in (("name", "实名"), ("mobile", "联系电话"), ("content", "异议内容")):
        with pytest.raises(DomainError, match=message):
            services.submit_objection(**(good | {missing: ""}))
    with pytest.raises(DomainError, match="11 位手机号码"):
        services.submit_objection(**(good | {"mobile": "12345"}))
    bad_file = SimpleUploadedFile("证据.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(DomainError):
        services.submit_objection(**good, evidence=bad_file)
    assert not ResultObjection.objects.exists()
    made = services.submit_objection(**good, evidence=pdf("聊天记录.pdf"))
    assert (made.name, made.mobile, made.outcome, made.evidence_name) == ("张三", "13912345678", "", "聊天记录.pdf")
    with made.evidence.open("rb") as stored:
        assert stored.read().startswith(b"%PDF")
    # After the period: refused, nothing written.
    publicity_over(batch)
    with pytest.raises(DomainError, match="公示期已于"):
        services.submit_objection(**good)
    assert ResultObjection.objects.count() == 1


def test_objections_are_limited_per_address(world, hzadmin, batch):
    _published(hzadmin, batch)
    cache.clear()
    entry = batch.entries.order_by("pk").first()
    good = {"entry_id": entry.pk, "name": "张三", "mobile": "13912345678", "content": "异议", "ip": "10.0.0.9"}
    for _ in range(services.OBJECTIONS_PER_ADDRESS):
        services.submit_objection(**good)
    with pytest.raises(DomainError, match="过于频繁"):
        services.submit_objection(**good)
    services.submit_objection(**(good | {"ip": "10.0.0.10"}))  # another address is not held back


@pytest.fixture
def no_layout():
    with mock.patch.object(renderer, "html_to_pdf", return_value=PDF):
        yield


def test_an_unhandled_objection_holds_the_batch_an_upheld_one_drops_the_result(world, hzadmin, batch, no_layout):
    _published(hzadmin, batch)
    first, second = batch.entries.order_by("pk")
    objection = services.submit_objection(
        entry_id=second.pk, name="李四", mobile="13912345679", content="业绩不实。", ip="10.0.0.2"
    )
    publicity_over(batch)
    with pytest.raises(Conflict, match="异议尚未处理"):
        services.confirm_batch(actor=hzadmin, batch_id=batch.pk, agency_code="浙人社", issuing_body="杭州市人社局")
    assert ResultBatch.objects.get(pk=batch.pk).document_number == ""
    with pytest.raises(DomainError, match="处理说明"):
        services.handle_objection(actor=hzadmin, objection_id=objection.pk, upheld=True, explanation="")
    services.handle_objection(actor=hzadmin, objection_id=objection.pk, upheld=True, explanation="经核实，业绩不实。")
    with pytest.raises(Conflict, match="已处理"):
        services.handle_objection(actor=hzadmin, objection_id=objection.pk, upheld=False, explanation="再次")
    second.refresh_from_db()
    assert second.outcome == Outcome.DROPPED and _status(world["second"]) == Status.FAILED

    confirmed = services.confirm_batch(
        actor=hzadmin, batch_id=batch.pk, agency_code="浙人社", issuing_body="杭州市人力资源和社会保障局"
    )
    year = timezone.localdate().year
    assert confirmed.document_number.startswith(f"浙人社〔{year}〕") and confirmed.document_number.endswith("号")
    first.refresh_from_db()
    certificate = Certificate.objects.get(pk=first.certificate_id)
    assert (certificate.number, certificate.source, certificate.document_number, certificate.issuing_body) == (
        "",
        CertificateSource.ISSUED,
        confirmed.document_number,
        "杭州市人力资源和社会保障局",
    )
    assert certificate.review_year == world["round"].year
    assert _status(world["declaration"]) == Status.CONFIRMED
    assert Certificate.objects.filter(document_number=confirmed.document_number).count() == 1  # not the dropped one
    with pytest.raises(Conflict, match="不能重复确认"):
        services.confirm_batch(actor=hzadmin, batch_id=batch.pk, agency_code="浙人社", issuing_body="杭州市人社局")
    assert Certificate.objects.filter(document_number=confirmed.document_number).count() == 1


def test_a_dismissed_objection_releases_the_result_and_numbers_follow_on(world, hzadmin, batch, no_layout):
    _published(hzadmin, batch)
    first = batch.entries.order_by("pk").first()
    objection = services.submit_objection(
        entry_id=first.pk, name="王五", mobile="13912345670", content="疑问。", ip="10.0.0.3"
    )
    services.handle_objection(actor=hzadmin, objection_id=objection.pk, upheld=False, explanation="经核实，不成立。")
    with pytest.raises(Conflict, match="期满后"):
        services.confirm_batch(actor=hzadmin, batch_id=batch.pk, agency_code="浙人社", issuing_body="杭州市人社局")
    publicity_over(batch)
    with pytest.raises(DomainError, match="机关代字"):
        services.confirm_batch(actor=hzadmin, batch_id=batch.pk, agency_code="ZRS", issuing_body="杭州市人社局")
    confirmed = services.confirm_batch(
        actor=hzadmin, batch_id=batch.pk, agency_code="浙人社", issuing_body="杭州市人社局"
    )
    assert Certificate.objects.filter(document_number=confirmed.document_number).count() == 2
    for declaration in (world["declaration"], world["second"]):
        (message,) = Message.objects.filter(recipient=declaration.applicant, title="评审结果已发文")
        assert confirmed.document_number in message.body
    serial = int(confirmed.document_number.split("〕")[1].rstrip("号"))
    assert serial >= 1


def test_initial_rounds_are_approved_by_the_office(world, hzadmin):
    from title_review.rounds.models import Round, RoundKind

    round_ = world["round"]
    Round.objects.filter(pk=round_.pk).update(kind=RoundKind.INITIAL)
    declaration, second = world["declaration"], world["second"]
    with pytest.raises(DomainError, match="请填写理由"):
        services.decide_approval(actor=hzadmin, round_id=round_.pk, declaration_ids=[second.pk], approve=False)
    # A reason typed with a right-to-left override is refused at its field (it goes into the entries in bulk).
    with pytest.raises(DomainError, match="理由含有不可见的控制字符") as refused:
        services.decide_approval(
            actor=hzadmin, round_id=round_.pk, declaration_ids=[second.pk], approve=False, reason="任职‮年限不足"
        )
    assert refused.value.field == "reason" and _status(second) == Status.ACCEPTED
    services.decide_approval(
        actor=hzadmin, round_id=round_.pk, declaration_ids=[second.pk], approve=False, reason="任职年限不足"
    )
    batch = services.decide_approval(actor=hzadmin, round_id=round_.pk, declaration_ids=[declaration.pk], approve=True)
    assert _status(declaration) == Status.APPROVED and _status(second) == Status.NOT_APPROVED
    assert sorted(batch.entries.values_list("outcome", flat=True)) == [Outcome.FAILED, Outcome.PASSED]
    with pytest.raises(Conflict, match="不是“已受理”"):
        services.decide_approval(actor=hzadmin, round_id=round_.pk, declaration_ids=[declaration.pk], approve=True)
    # A review round is not approved by the office.
    Round.objects.filter(pk=round_.pk).update(kind=RoundKind.REVIEW)
    with pytest.raises(DomainError, match="初定、认定"):
        services.decide_approval(actor=hzadmin, round_id=round_.pk, declaration_ids=[declaration.pk], approve=True)
