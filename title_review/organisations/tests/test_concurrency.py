"""Two administrators adding children under one parent at the same moment (PostgreSQL, threads)."""

import threading

import pytest
from django.db import connection

from title_review.dictionaries.selectors import region_by_code
from title_review.organisations import services
from title_review.organisations.models import Organisation

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_simultaneous_children_get_distinct_paths_and_codes(seeded):
    from title_review.accounts.models import User

    parent = Organisation.objects.get(name="杭州市卫生健康委员会")
    actor = User.objects.get(username="wjwadmin")
    region = region_by_code("330102")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def add(i: int) -> None:
        try:
            barrier.wait()
            services.create_organisation(
                actor=User.objects.get(pk=actor.pk),
                parent_id=parent.pk,
                name=f"并发医院{i}",
                kind="employer",
                region=region,
            )
        except BaseException as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    created = Organisation.objects.filter(name__startswith="并发医院")
    assert created.count() == 4
    assert len({o.path for o in created}) == 4 and len({o.code for o in created}) == 4
    parent.refresh_from_db()
    assert parent.child_counter == 1 + 4  # the demo hospital, then the four added at once


def _at_once(*calls) -> tuple[list, list[BaseException]]:
    """Run each call in its own thread (its own connection), all released together."""
    barrier = threading.Barrier(len(calls))
    results: list = []
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:  # noqa: BLE001 — collected and asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_a_rename_waits_while_a_sibling_holds_the_parent(seeded):
    """Sibling names are checked under the parent's row lock, so two units cannot take one name at once: while
    another transaction holds the parent (as a sibling's rename does), a rename waits instead of checking."""
    from django.db import OperationalError, transaction

    from title_review.accounts.models import User
    from title_review.organisations import basic_info

    hospital = Organisation.objects.get(name="杭州市第一人民医院")

    def rename():
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        actor = User.objects.get(username="hospitaladmin")
        return basic_info.request_rename(actor=actor, employer_id=hospital.pk, new_name="杭州市医疗集团")

    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=hospital.parent_id)
        results, errors = _at_once(rename)
    assert not results and len(errors) == 1 and isinstance(errors[0], OperationalError), (results, errors)
    hospital.refresh_from_db()
    assert hospital.name == "杭州市第一人民医院"
    # Once the parent is free, the same rename goes through.
    results, errors = _at_once(rename)
    assert not errors and results[0].new_name == "杭州市医疗集团"


def test_two_decisions_on_one_rename_at_once_give_one_winner(seeded):
    """批准 and 退回 clicked at the same moment: one takes effect, the other is told it was handled."""
    from title_review.accounts.models import User
    from title_review.core.errors import Conflict
    from title_review.core.models import PolicySetting
    from title_review.organisations import basic_info
    from title_review.organisations.models import OrganisationNameChange

    PolicySetting.objects.create(key="employer.rename_needs_approval", value=True)
    hospital = Organisation.objects.get(name="杭州市第一人民医院")
    change = basic_info.request_rename(
        actor=User.objects.get(username="hospitaladmin"), employer_id=hospital.pk, new_name="杭州市第一人民医院集团"
    )

    def approve():
        return basic_info.approve_rename(actor=User.objects.get(username="wjwadmin"), change_id=change.pk)

    def refuse():
        actor = User.objects.get(username="wjwadmin")
        return basic_info.refuse_rename(actor=actor, change_id=change.pk, reason="名称不规范")

    results, errors = _at_once(approve, refuse)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict), (results, errors)
    change.refresh_from_db()
    hospital.refresh_from_db()
    assert change.status == results[0].status
    assert (hospital.name == "杭州市第一人民医院集团") == (change.status == "applied")
    assert OrganisationNameChange.objects.filter(organisation=hospital).count() == 1
