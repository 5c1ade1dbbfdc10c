"""Two reviewers deciding the same declaration at the same moment: exactly one decision is recorded."""

import threading

import pytest
from django.db import connection

from tests.personas import persona
from title_review.accounts.models import User
from title_review.core.errors import DomainError
from title_review.declarations.models import Declaration
from title_review.reviews import services

from .test_chain import forward, to_ready


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_give_one_decision(users, orgs, submitted):
    d = forward(users, to_ready(users, submitted))
    persona(
        username="zsreview2",
        real_name="第二审核员",
        role="department_reviewer",
        organisation=orgs["杭州市教育局直属学校管理中心"],
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(username: str, call, **kwargs) -> None:  # type: ignore[no-untyped-def]
        try:
            actor = User.objects.get(username=username)
            barrier.wait()
            call(actor=actor, declaration_id=d.pk, version=d.version, **kwargs)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("zsadmin", services.department_pass)),
        threading.Thread(target=decide, args=("zsreview2", services.return_declaration), kwargs={"reason": "材料不全"}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["ok", services.STALE])
    fresh = Declaration.objects.get(pk=d.pk)
    decisions = fresh.records.filter(action__in=("pass", "return"))
    assert decisions.count() == 1
    assert fresh.version == d.version + 1
