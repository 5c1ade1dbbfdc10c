"""Two offices at the same moment (PostgreSQL: real row locks): a meeting's results are received once, a batch
is confirmed once with one 发文字号 and one certificate per passed result."""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from title_review.accounts.models import User
from title_review.certificates.models import Certificate
from title_review.core.errors import Conflict
from title_review.printing import renderer
from title_review.results import services
from title_review.results.models import ResultBatch

from .factories import publicity_over, voted_meeting

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _all_at_once(calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:  # noqa: BLE001 — collected and asserted by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_receive_and_confirm_happen_once_when_two_offices_click_together(seeded):
    world = voted_meeting()
    offices = [User.objects.get(username=name) for name in ("zjadmin", "hzadmin")]
    meeting_id = world["meeting"].pk

    received, errors = _all_at_once(
        [lambda actor=actor: services.receive_meeting(actor=actor, meeting_id=meeting_id) for actor in offices]
    )
    assert len(received) == 1 and [type(e) for e in errors] == [Conflict]
    assert "不能重复接收" in errors[0].message
    batch = ResultBatch.objects.get(meeting_id=meeting_id)
    assert batch.entries.count() == 2

    services.start_publicity(actor=offices[1], batch_id=batch.pk, starts_on=timezone.localdate())
    publicity_over(batch)
    with mock.patch.object(renderer, "html_to_pdf", return_value=b"%PDF-1.7\n"):
        confirmed, errors = _all_at_once(
            [
                lambda actor=actor: services.confirm_batch(
                    actor=actor, batch_id=batch.pk, agency_code="浙人社", issuing_body="浙江省人力资源和社会保障厅"
                )
                for actor in offices
            ]
        )
    assert len(confirmed) == 1 and [type(e) for e in errors] == [Conflict]
    assert "不能重复确认" in errors[0].message
    number = ResultBatch.objects.get(pk=batch.pk).document_number
    assert number == confirmed[0].document_number
    assert Certificate.objects.filter(document_number=number).count() == 2
