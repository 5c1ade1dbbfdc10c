"""core.bulk.insert_models (ADR 0026): rows as `save()` would store them, keys given back, Django's errors."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from title_review.certificates.models import Certificate
from title_review.core.bulk import insert_models

FIELDS = [f.attname for f in Certificate._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]


def _certificate(orgs, n: int, **values) -> Certificate:
    fields = {
        "organisation": orgs["杭州第二中学"],
        "person_name": f"张\t三{n}\\",
        "id_type": "01",
        "id_number": f"33010219800101{n:04d}",
        "qualification_code": "0102",
        "qualification_name": "副教授",
        "obtained_on": dt.date(2015, 12, 31),
        "number": f"B{n}",
        "issuing_body": "发证机构\n第二行",
        "imported_at": None,
    }
    return Certificate(**{**fields, **values})


def test_rows_are_stored_as_save_stores_them_and_get_their_keys(orgs):
    saved = _certificate(orgs, 1)
    saved.save()
    many = [_certificate(orgs, n) for n in range(2, 6)]
    insert_models(Certificate, many, batch_size=2)
    assert all(c.pk is not None and not c._state.adding for c in many)
    assert len({c.pk for c in many} | {saved.pk}) == 5
    stored = {c.pk: c for c in Certificate.objects.filter(pk__in=[c.pk for c in many])}
    for c in many:
        row = stored[c.pk]
        assert row.created_at is not None and row.updated_at is not None
        expected = {name: getattr(_certificate(orgs, int(c.number[1:])), name) for name in FIELDS}
        assert {name: getattr(row, name) for name in FIELDS} == expected


def test_a_duplicate_is_djangos_integrity_error(orgs):
    insert_models(Certificate, [_certificate(orgs, 1)])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_models(Certificate, [_certificate(orgs, 2), _certificate(orgs, 3, number="B1")])
    assert Certificate.objects.filter(number__in=["B2", "B3"]).count() == 0


def test_nothing_to_insert_is_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_models(Certificate, [])
