"""Memory stays flat as rows grow (XlsxWriter constant_memory + values().iterator()); progress every 500 rows.

Timings belong in bench/, not in unit tests; this test bounds memory and stays quick. tracemalloc
slows the export about five times, so the test fetches 500 rows at a time instead of 2,000 and
compares 1,500 with 4,000 rows. Rows are fetched in chunks, and while it fetches the next chunk Django
still holds the last one, so memory is steady once two chunks have been read. Set
EXPORT_MEMORY_ROWS=20000 for the 20,000-row figure of docs/decisions/0014-excel-exports.md.
Measured with the real chunk (SQLite, one core): 5,000 rows peak at 3.9 MB, and so do 20,000. The same
exporter with XlsxWriter's in_memory mode peaks at 21 MB for 5,000 rows and grows with each row.
"""

import os
import tracemalloc

import openpyxl
from django.http import QueryDict

from title_review.declarations.workflow import Status
from title_review.exports import exporter
from title_review.exports.exporter import PROGRESS_EVERY, Selection, write_export
from title_review.exports.lists import LISTS
from title_review.exports.services import full_identity_rows

from .conftest import flood

ROWS = int(os.environ.get("EXPORT_MEMORY_ROWS", "4000"))
CHUNK = 500
FEW = 3 * CHUNK  # past the two chunks held at once: what is left would grow with the rows
BOUND = 16 * 1024 * 1024  # bytes: the whole export's Python heap, whatever the number of rows
GROWTH = 1 * 1024 * 1024  # bytes allowed between FEW and ROWS rows (an in-memory sheet adds ~4 KB a row)


def _traced_peak(selection, path, progress=None):
    spec = LISTS["inbox"]
    tracemalloc.start()
    try:
        result = write_export(
            spec, selection, str(path), full=full_identity_rows(None, asked=False), progress=progress, total=ROWS
        )
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_rows_grow_and_progress_is_reported(
    users, review_round, office_desk, tmp_path, monkeypatch
):
    monkeypatch.setattr(exporter, "CHUNK", CHUNK)
    school, desk = office_desk
    declarations = flood(review_round, school, desk, ROWS, status=Status.QUALIFICATION_CHECK)
    everything = LISTS["inbox"].select(users["hzcheck"], QueryDict())
    few = Selection("待审核材料", everything.queryset.filter(pk__lte=declarations[FEW - 1].pk))
    # One-time work (imports, caches) is not what grows with rows: done once before measuring.
    write_export(
        LISTS["inbox"],
        Selection("待审核材料", everything.queryset.filter(pk__lte=declarations[9].pk)),
        str(tmp_path / "warm.xlsx"),
        full=full_identity_rows(None, asked=False),
    )

    small, small_peak = _traced_peak(few, tmp_path / "few.xlsx")
    calls = []
    big, big_peak = _traced_peak(everything, tmp_path / "all.xlsx", progress=lambda done, total: calls.append(done))

    assert (small.rows, big.rows) == (FEW, ROWS)
    assert big_peak < BOUND, f"{ROWS} rows peaked at {big_peak / 1e6:.1f} MB"
    assert big_peak - small_peak < GROWTH, f"{FEW} rows: {small_peak / 1e6:.1f} MB, {ROWS}: {big_peak / 1e6:.1f} MB"
    assert calls == [*range(PROGRESS_EVERY, ROWS + 1, PROGRESS_EVERY), ROWS]
    sheet = openpyxl.load_workbook(tmp_path / "all.xlsx", read_only=True).worksheets[0]
    assert sheet.max_row == ROWS + 1
