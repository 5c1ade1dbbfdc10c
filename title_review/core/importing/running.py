"""Running an import: every clean row through its service in one transaction — a savepoint per row, or
per chunk of rows for a spec with `bulk` (ADR 0026); the dry run (and any file with a bad row) rolled
back (ADR 0004). Big files run as a background job (title_review.jobs.imports), which finds the spec
here by its key."""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import Http404

from ..errors import DomainError
from ..excel import write_table
from ..identity import mask_identity
from .reading import RawRow, clean_rows, read_upload
from .spec import ImportContext, ImportResult, ImportRow, ImportSpec, Progress

PASSED = "通过"

# ---- Registry (background jobs find a spec by its key) --------------------------------------------

SPECS: dict[str, ImportSpec] = {}


def register(*specs: ImportSpec) -> None:
    """Make specs findable by key, so a background job (title_review.jobs.imports) can run them; call from
    the owning app's AppConfig.ready()."""
    for spec in specs:
        SPECS[spec.key] = spec


class _RollBack(Exception):
    """Raised to roll back a dry run (or a file with a bad row) after every row ran through its service."""


def run_import(
    spec: ImportSpec,
    *,
    actor: Any,
    upload: Any = None,
    raw_rows: list[RawRow] | None = None,
    commit: bool,
    options: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check and run every row; write only when `commit` and no row has an error (all or nothing)."""
    options = options or {}
    state = spec.start(actor, options)
    if raw_rows is None:
        raw_rows = read_upload(spec, upload)
    ctx = ImportContext(actor=actor, state=state, commit=commit, options=options)
    rows = clean_rows(spec, raw_rows)
    total = len(rows)
    relay = _ProgressRelay(progress, total)
    committed = False
    try:
        with relay, transaction.atomic():
            if spec.prepare is not None:
                spec.prepare(ctx, [r for r in rows if not r.errors])
            if spec.bulk is None:
                for done, row in enumerate(rows, start=1):
                    if not row.errors:
                        _run_row(spec, ctx, row)
                    relay(done)
            else:
                size = max(1, spec.chunk_size)
                for start in range(0, total, size):
                    chunk = rows[start : start + size]
                    _run_chunk(spec, ctx, [r for r in chunk if not r.errors])
                    relay(start + len(chunk))
            if not commit or any(r.errors for r in rows):
                raise _RollBack
            if spec.finish is not None:
                spec.finish(ctx, rows)
            committed = True
    except _RollBack:
        pass
    return ImportResult(spec=spec, rows=rows, committed=committed)


class _ProgressRelay:
    """Reports row progress from inside the import's transaction.

    Whatever that transaction writes (a job row's progress included) stays invisible until it commits,
    and a dry run never commits. So a helper thread, which has its own database connection, passes the
    latest count to `progress` about once a second. SQLite allows one writer at a time, so there only
    the counts before and after the transaction are reported (the `make run` set-up, not production).
    """

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        self.sent = -1
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def __call__(self, done: int) -> None:
        self.done = done

    def __enter__(self) -> "_ProgressRelay":
        if self.progress is None:
            return self
        self.progress(0, self.total)
        if connection.vendor != "sqlite":
            self.thread = threading.Thread(target=self._run, name="import-progress", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is None:
            return
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()
        self.progress(self.done, self.total)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(1.0):
                done = self.done
                if done != self.sent and self.progress is not None:
                    self.sent = done
                    self.progress(done, self.total)
        except DatabaseError:
            pass  # progress is a courtesy; the import itself goes on
        finally:
            connection.close()  # this thread's own connection


def _run_row(spec: ImportSpec, ctx: ImportContext, row: ImportRow) -> None:
    try:
        with transaction.atomic():
            row.result = spec.row(ctx, row) or {}
    except (DomainError, Http404, PermissionDenied, IntegrityError) as exc:
        _refused(spec, row, exc)


def _refused(spec: ImportSpec, row: ImportRow, exc: Exception) -> None:
    """A row's service refused it: its reason, as the user reads it."""
    if isinstance(exc, DomainError):
        row.fail(None, exc.message.rstrip("。"))
    elif isinstance(exc, (Http404, PermissionDenied)):
        row.fail(None, spec.scope_error.format_map(row.values).rstrip("。"))
    elif isinstance(exc, IntegrityError):
        row.fail(None, "与系统中已有的数据冲突（可能是重复记录）")
    else:
        raise exc


def _run_chunk(spec: ImportSpec, ctx: ImportContext, rows: list[ImportRow]) -> None:
    """A chunk of clean rows through the spec's bulk service, in one savepoint; row by row through
    `row` if the bulk insert hits a conflict its checks could not see (a concurrent write)."""
    if not rows or spec.bulk is None:
        return
    marks = [(len(r.errors), len(r.warnings)) for r in rows]
    try:
        with transaction.atomic(), collector_paused():
            outcomes = list(spec.bulk(ctx, rows))
            if len(outcomes) != len(rows):
                raise RuntimeError(f"{spec.key}: bulk returned {len(outcomes)} outcomes for {len(rows)} rows")
    except IntegrityError:
        for row, (errors, warnings) in zip(rows, marks, strict=True):
            del row.errors[errors:], row.warnings[warnings:]
            row.result = {}
            _run_row(spec, ctx, row)
        return
    for row, outcome in zip(rows, outcomes, strict=True):
        if isinstance(outcome, Exception):
            _refused(spec, row, outcome)
        else:
            row.result = outcome or {}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a bulk chunk is checked and written. A chunk makes tens of
    thousands of small objects (rows, model instances, audit rows) that all stay alive until it is written;
    the collector, woken every 700 allocations, walked them again and again: a fifth of 导入原系统单位代码's
    chunk time (profiled, 1,000-row chunks, ADR 0045). Reference counting still frees what dies meanwhile;
    cycles wait until the chunk is done, when the collector is switched back on (also after an error)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def result_workbook(result: ImportResult) -> bytes:
    """Every row with its number and reason, bad rows first; identity numbers masked."""
    spec = result.spec
    extra = list(spec.result_headers if result.committed else ())
    extra = [h for h in extra if h not in spec.secret_headers]
    ordered = sorted(result.rows, key=lambda r: (not r.errors, r.number))
    masked = spec.masked_headers
    return write_table(
        ["行号", "结果", *spec.headers, *extra],
        (
            [
                r.number,
                "；".join(r.errors) if r.errors else PASSED,
                *(mask_identity(r.values[h]) if h in masked and r.values[h] else r.values[h] for h in spec.headers),
                *(r.result.get(h, "") for h in extra),
            ]
            for r in ordered
        ),
        sheet="结果",
    )
