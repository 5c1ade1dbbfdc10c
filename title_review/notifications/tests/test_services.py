"""notify writes one row per recipient in the caller's transaction; SMS and e-mail copies leave only
after commit, and a failing provider is logged, never raised."""

import logging

import pytest
from django.core import mail
from django.db import transaction
from django.http import Http404

from title_review.accounts.models import AccountKind, User
from title_review.notifications import services
from title_review.notifications.models import Message
from title_review.notifications.selectors import messages_for, unread_count
from title_review.verification.backends import SmsBackend
from title_review.verification.models import SmsMessage


class Boom(Exception):
    pass


class FailingBackend(SmsBackend):
    def send(self, phone: str, text: str, purpose: str) -> None:
        raise Boom(f"provider refused {phone}")


class FailingMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


class RecordingBackend(SmsBackend):
    sent: list[tuple[str, str, str]] = []

    def send(self, phone: str, text: str, purpose: str) -> None:
        RecordingBackend.sent.append((phone, text, purpose))


def _user(username: str, *, phone: str = "", email: str = "", active: bool = True) -> User:
    return User.objects.create_user(
        username=username, phone=phone, email=email, is_active=active, kind=AccountKind.PERSONAL
    )


@pytest.fixture
def people(db):
    return {
        "li": _user("li", phone="13900000011", email="li@example.cn"),
        "wang": _user("wang", phone="+86 139-0000-0022"),
        "office": _user("office", phone="0571-88888888", email="office@example.cn"),
        "nobody": _user("nobody"),
        "gone": _user("gone", phone="13900000033", email="gone@example.cn", active=False),
    }


def _notify(recipients, **kwargs):
    values = {"title": "材料被退回", "body": "请补充学历证书后重新提交。", "link": "/declarations/"}
    return services.notify(recipients=recipients, **(values | kwargs))


def test_notify_writes_one_unread_message_per_recipient(people):
    li, wang = people["li"], people["wang"]
    created = _notify([li, wang, li], category="return")
    assert len(created) == 2 and all(m.pk for m in created)
    assert sorted(Message.objects.values_list("recipient__username", flat=True)) == ["li", "wang"]
    message = Message.objects.get(recipient=li)
    assert (message.title, message.body, message.link, message.category) == (
        "材料被退回",
        "请补充学历证书后重新提交。",
        "/declarations/",
        "return",
    )
    assert message.read_at is None and message.get_category_display() == "退回"
    assert unread_count(li) == 1


def test_notify_accepts_a_queryset_and_nobody(people):
    assert _notify(User.objects.filter(username__in=["li", "nobody"])) and Message.objects.count() == 2
    assert _notify([], sms=True, email=True) == []


def test_notify_refuses_an_unknown_category_and_an_empty_title(people):
    with pytest.raises(ValueError, match="category"):
        _notify([people["li"]], category="gossip")
    with pytest.raises(ValueError, match="title"):
        _notify([people["li"]], title="  ")
    assert not Message.objects.exists()


def test_no_sms_and_no_mail_unless_asked(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _notify(list(people.values()))
    assert callbacks == []
    assert not SmsMessage.objects.exists() and mail.outbox == []


def test_sms_is_sent_only_after_commit_to_active_mobile_numbers(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(list(people.values()), sms=True)
    assert len(callbacks) == 1
    assert not SmsMessage.objects.exists(), "nothing may leave before the transaction commits"

    callbacks[0]()
    sent = {m.phone: m for m in SmsMessage.objects.all()}
    # li's number as stored, wang's normalised; no landline, no number, no disabled account.
    assert set(sent) == {"13900000011", "13900000022"}
    assert sent["13900000011"].text == "【职称评审】材料被退回：请补充学历证书后重新提交。"
    assert sent["13900000011"].purpose == ""


def test_a_long_body_is_shortened_in_the_sms(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([people["li"]], title="评审结果", body="第一行\n" + "长" * 200, sms=True)
    text = SmsMessage.objects.get().text
    assert text.startswith("【职称评审】评审结果：第一行 长")
    assert text.endswith("…") and len(text) == len("【职称评审】评审结果：") + services.SMS_BODY_CHARS


def test_email_is_sent_after_commit_one_mail_per_address(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(list(people.values()), email=True)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(tuple(m.to) for m in mail.outbox) == [("li@example.cn",), ("office@example.cn",)]
    first = mail.outbox[0]
    assert first.subject == "[职称评审] 材料被退回"
    assert first.body.startswith("请补充学历证书后重新提交。") and "站内信" in first.body


def test_a_rolled_back_caller_sends_nothing(people, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(Boom), transaction.atomic():
        _notify([people["li"]], sms=True, email=True)
        raise Boom("the caller's own work failed")
    assert callbacks == []
    assert not Message.objects.exists()
    assert not SmsMessage.objects.exists() and mail.outbox == []


def test_delivery_failures_are_logged_never_raised(people, settings, caplog, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.FailingBackend"
    settings.EMAIL_BACKEND = f"{__name__}.FailingMailBackend"
    log = caplog.at_level(logging.ERROR, logger="title_review.notifications.services")
    with log, django_capture_on_commit_callbacks(execute=True):
        created = _notify([people["li"], people["wang"]], sms=True, email=True)
    assert len(created) == 2 and Message.objects.count() == 2
    records = [r.getMessage() for r in caplog.records]
    assert sum("failed to deliver" in r for r in records) == 2  # each number tried on its own
    assert any("E-mail notification" in r for r in records)
    logged = " ".join(records)
    for secret in ("13900000011", "13900000022", "li@example.cn", "材料被退回"):
        assert secret not in logged, "the log must not carry phone numbers, addresses or message text"


def test_the_configured_sms_backend_is_used(people, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.RecordingBackend"
    RecordingBackend.sent = []
    with django_capture_on_commit_callbacks(execute=True):
        _notify([people["li"]], title="受理通知", body="", category="accept", sms=True)
    assert RecordingBackend.sent == [("13900000011", "【职称评审】受理通知", "")]
    assert not SmsMessage.objects.exists()


def test_mark_read_touches_only_the_users_own_message(people):
    li, wang = people["li"], people["wang"]
    mine = _notify([li])[0]
    theirs = _notify([wang])[0]
    with pytest.raises(Http404):
        services.mark_read(user=li, message_id=theirs.pk)
    read = services.mark_read(user=li, message_id=mine.pk)
    assert read.read_at is not None
    first_read_at = read.read_at
    assert services.mark_read(user=li, message_id=mine.pk).read_at == first_read_at  # read once, kept
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_counts_only_the_users_unread(people):
    li, wang = people["li"], people["wang"]
    for title in ("一", "二", "三"):
        _notify([li, wang], title=title)
    services.mark_read(user=li, message_id=messages_for(li).first().pk)
    assert unread_count(li) == 2
    assert services.mark_all_read(user=li) == 2
    assert unread_count(li) == 0 and services.mark_all_read(user=li) == 0
    assert unread_count(wang) == 3


def test_selectors_list_newest_first_and_nothing_for_anonymous(people):
    from django.contrib.auth.models import AnonymousUser

    li = people["li"]
    for title in ("旧", "新"):
        _notify([li], title=title)
    assert [m.title for m in messages_for(li)] == ["新", "旧"]
    assert list(messages_for(AnonymousUser())) == [] and unread_count(AnonymousUser()) == 0


@pytest.mark.parametrize(
    ("link", "safe"),
    [
        ("/declarations/12/", True),
        ("/notifications/?show=unread", True),
        ("", False),
        ("declarations/", False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
    ],
)
def test_only_paths_on_this_site_are_safe_links(link, safe):
    assert bool(Message(link=link).safe_link) is safe
