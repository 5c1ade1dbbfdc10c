"""导入字典条目 through the bulk path (ADR 0045) reports what the row-by-row path reports, row for row, and
writes what it writes; its queries do not grow with the rows."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from title_review.audit.models import AuditEvent
from title_review.core.importing import run_import
from title_review.dictionaries.imports import ENTRIES
from title_review.dictionaries.models import Entry

from .test_entry_import import xlsx

ROW_BY_ROW = dataclasses.replace(ENTRIES, bulk=None)


def _report(result) -> list[tuple]:
    return [(r.number, list(r.errors), dict(r.result or {})) for r in result.rows]


def _mixed() -> list[list]:
    return [
        ["系列", "98", "测试系列", "", 98],  # 2: good
        ["专业", "9801", "测试专业甲", "98", ""],  # 3: its parent added by row 2, in the same chunk
        ["系列", "01", "重复代码", "", ""],  # 4: 01 exists already
        ["专业", "9802", "上级在后", "96", ""],  # 5: its parent comes in a later row: refused, as row by row
        ["系列", "96", "后加系列", "", ""],  # 6: good
        ["级别", "99", "有上级", "01", ""],  # 7: 级别 has no parent type
        ["专业", "9803", "无上级", "97", ""],  # 8: no 系列 97
        ["专业", "9804", "测试专业丙", "96", "3"],  # 9: its parent added by row 6, in an earlier chunk
        ["单位", "1", "未知类型", "", ""],  # 10: caught while reading
        ["系列", "98", "重复", "", ""],  # 11: repeats row 2, caught while reading
        ["行政区划", "330199", "测试区", "330100", ""],  # 12: self-referencing type, parent in the database
        ["行政区划", "33019901", "测试街道", "330199", ""],  # 13: its parent is row 12
    ]


def test_the_same_rows_and_reasons_as_row_by_row_and_nothing_written(users, seeded):
    actor = users["zjadmin"]
    entries, audit = Entry.objects.count(), AuditEvent.objects.count()
    bulk = run_import(dataclasses.replace(ENTRIES, chunk_size=4), actor=actor, upload=xlsx(_mixed()), commit=True)
    single = run_import(ROW_BY_ROW, actor=actor, upload=xlsx(_mixed()), commit=True)

    assert _report(bulk) == _report(single)
    errors = {r.number: "；".join(r.errors) for r in bulk.rows if r.errors}
    assert set(errors) == {4, 5, 7, 8, 10, 11}
    assert "已有代码“01”" in errors[4]
    assert errors[5] == "上级代码“96”在“系列”中不存在"
    assert errors[7] == "“级别”的条目没有上级"
    assert errors[8] == "上级代码“97”在“系列”中不存在"
    assert "与第 2 行重复" in errors[11]
    assert not bulk.committed and not single.committed
    assert (Entry.objects.count(), AuditEvent.objects.count()) == (entries, audit)


@pytest.mark.parametrize("chunk_size", [1, 3, 1000])
def test_a_clean_file_writes_what_row_by_row_writes_with_its_audit_rows(users, seeded, chunk_size):
    actor = users["zjadmin"]
    rows = [r for n, r in enumerate(_mixed(), start=2) if n not in {4, 5, 7, 8, 10, 11}]
    first = _last_audit()
    single = run_import(ROW_BY_ROW, actor=actor, upload=xlsx(rows), commit=True)
    assert single.committed
    by_rows = _written(first)
    for entry in sorted(_new_entries(), key=lambda e: -e.pk):  # children first (PROTECT)
        entry.delete()

    first = _last_audit()
    bulk = run_import(dataclasses.replace(ENTRIES, chunk_size=chunk_size), actor=actor, upload=xlsx(rows), commit=True)
    assert bulk.committed and _report(bulk) == _report(single)
    assert _written(first) == by_rows
    assert Entry.objects.get(code="33019901").parent.name == "测试区"
    assert Entry.objects.get(code="9804").parent.name == "后加系列"


def _new_entries() -> list[Entry]:
    return list(
        Entry.objects.filter(name__in=["测试系列", "测试专业甲", "后加系列", "测试专业丙", "测试区", "测试街道"])
    )


def _last_audit() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _written(after: int) -> tuple[list, list]:
    entries = sorted(
        (e.type.code, e.code, e.name, e.parent.code if e.parent else None, e.sort_order, e.is_active)
        for e in _new_entries()
    )
    audit = [
        (e.action, e.actor_id, e.organisation_id, e.object_type, e.object_repr, e.after)
        for e in AuditEvent.objects.filter(id__gt=after).order_by("id")
    ]
    return entries, audit


def test_the_queries_do_not_grow_with_the_rows(users, seeded):
    actor = users["zjadmin"]
    counts = {}
    for size in (5, 50, 500):  # the first import also reads what the actor's roles cache
        rows = [["系列", "98", "测试系列", "", ""]] + [
            ["专业", f"98{n:04d}", f"测试专业{n}", "98", ""] for n in range(size)
        ]
        with CaptureQueriesContext(connection) as queries:
            result = run_import(ENTRIES, actor=actor, upload=xlsx(rows), commit=True)
        assert result.committed and Entry.objects.filter(parent__code="98", type__code="specialty").count() == size
        assert AuditEvent.objects.filter(action="dictionary.entry_create", after__code=f"98{size - 1:04d}").exists()
        counts[size] = len(queries.captured_queries)
        Entry.objects.filter(parent__code="98", type__code="specialty").delete()
        Entry.objects.filter(code="98", type__code="series").delete()
    if connection.vendor == "postgresql":
        assert counts[50] == counts[500]
    else:  # SQLite: at most 999 parameters per INSERT, so 500 rows take a few more statements
        assert counts[500] - counts[50] <= 12
    assert counts[500] <= 40
