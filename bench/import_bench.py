"""What the import benches share (bench/imports.py, imports_organisations.py, imports_records.py): Django set up
for the bench database, a workbook as Excel saves one, and a timer."""

import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def workbook(sheet_name: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    """The file as Excel would save it: text in the shared strings table (XlsxWriter)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(sheet_name)
    sheet.write_row(0, 0, headers)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, row)
    book.close()
    return buffer.getvalue()


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def import_checked(name: str, spec: Any, actor: Any, content: bytes, *, commit: bool, shown: int = 5) -> None:
    """The real import of `content` (a dry run or a commit), as the page runs it; stops the bench with the first
    rows' reasons if the file did not go through as asked."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from title_review.core.importing import run_import

    upload = SimpleUploadedFile(f"{name}.xlsx", content)
    result = run_import(spec, actor=actor, upload=upload, commit=commit)
    if result.committed != commit or result.has_errors:
        bad = [(r.number, r.errors) for r in result.rows if r.errors][:shown]
        raise SystemExit(f"{name}: the import did not go through: {result.summary()} {bad}")
