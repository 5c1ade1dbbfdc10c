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
