"""The code tables as a worker last read them (ADR 0049): one row read while unchanged, every write seen."""

import pytest
from django.db import connection, transaction

from title_review.dictionaries import cached, services
from title_review.dictionaries.models import DictionaryType, Entry


@pytest.fixture
def ethnicity(seeded):
    cached.forget()
    return Entry.objects.get(type__code="ethnicity", code="01")


def test_an_unchanged_table_costs_one_row_per_read(ethnicity, django_assert_num_queries):
    with django_assert_num_queries(2):  # the token, then the entries
        first = cached.by_code("ethnicity")
    with django_assert_num_queries(1):  # the token only
        again = cached.by_code("ethnicity")
    assert again is first and first["01"].name == ethnicity.name == "汉族"
    assert [e.code for e in cached.entries("ethnicity")][:3] == ["01", "02", "03"]


def test_every_kind_of_write_is_seen_at_the_next_read(ethnicity, users):
    cached.by_code("ethnicity")
    ethnicity.name = "汉族（改）"
    ethnicity.save()
    assert cached.by_code("ethnicity")["01"].name == "汉族（改）"
    Entry.objects.filter(pk=ethnicity.pk).update(is_active=False)
    assert cached.by_code("ethnicity")["01"].is_active is False
    kind = DictionaryType.objects.get(code="ethnicity")
    Entry.objects.bulk_create([Entry(type=kind, code="99", name="外国血统中国籍人士", sort_order=99)])
    assert cached.entries("ethnicity")[-1].code == "99"
    Entry.objects.filter(type=kind, code="99").delete()
    assert "99" not in cached.by_code("ethnicity")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE dictionaries_entry SET name = %s WHERE id = %s", ["汉", ethnicity.pk])
    assert cached.by_code("ethnicity")["01"].name == "汉"
    services.set_entry_active(actor=users["zjadmin"], entry_id=ethnicity.pk, active=True)
    assert cached.by_code("ethnicity")["01"].is_active is True


def test_a_write_rolled_back_leaves_the_table_as_it_was(ethnicity):
    before = cached.by_code("ethnicity")["01"].name
    with pytest.raises(RuntimeError), transaction.atomic():
        Entry.objects.filter(pk=ethnicity.pk).update(name="临时名称")
        # Inside the writer's transaction the write is seen (and kept under that transaction's token) ...
        assert cached.by_code("ethnicity")["01"].name == "临时名称"
        raise RuntimeError
    # ... after the rollback the old token is back, and with it the table as it is.
    assert cached.by_code("ethnicity")["01"].name == before


def test_without_its_token_row_nothing_is_kept(ethnicity, django_assert_num_queries):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dictionaries_generation")
    cached.by_code("ethnicity")
    with django_assert_num_queries(2):
        assert cached.by_code("ethnicity")["01"].name == "汉族"


def test_the_entry_carries_its_parent_code_and_attributes(seeded):
    cached.forget()
    regions = cached.by_code("region")
    assert regions["330106"].parent_code == "330100" and regions["330100"].parent_code == "330000"
    professor = cached.by_code("qualification")["0101"]
    assert (professor.name, professor.parent_code, professor.attributes) == ("教授", "01", {"level": "1"})


def test_several_tables_share_one_reading_of_the_token(seeded, django_assert_num_queries):
    cached.forget()
    cached.tables("qualification", "specialty")
    with django_assert_num_queries(1):
        found = cached.tables("qualification", "specialty", "qualification")
    series = Entry.objects.get(type__code="series", code="01")
    assert found["qualification"].children(series.pk)[:2] == ["0101", "0102"]
    professor = found["qualification"].by_code["0101"]
    Entry.objects.filter(pk=professor.pk).update(is_active=False)
    after = cached.table("qualification")
    assert "0101" not in after.children(series.pk) and "0101" in after.children(series.pk, active=False)
