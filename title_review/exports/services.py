"""导出汇总表: small exports download at once, big ones become a job that lands in 我的下载.

Every export writes an audit row (`export.list`); one that shows full identity and phone numbers
writes a second (`export.full_identity`). Full values need both the user's request and the
`identity.full` capability over each row's employer; every other row stays masked.
"""

import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Case, Q, Value, When
from django.http import QueryDict
from django.utils import timezone

from title_review.access.policies import scope_filter
from title_review.audit.context import current_ip
from title_review.audit.services import record_event
from title_review.core.errors import DomainError, NotAllowed
from title_review.core.excel import MAX_SHEET_ROWS
from title_review.core.pagination import COUNT_CAP
from title_review.jobs.models import Job
from title_review.jobs.registry import JobOutput, Progress
from title_review.jobs.services import enqueue
from title_review.reviews.filters import parse_search

from .exporter import ExportResult, ListSpec, Selection, write_export
from .lists import FILTER_KEYS, LISTS

JOB_KIND = "exports.list"
# Up to this many rows the file is built in the request; more go to a background job (我的下载).
INLINE_MAX_ROWS = 2000


def inline_max_rows() -> int:
    return int(getattr(settings, "EXPORT_INLINE_MAX_ROWS", INLINE_MAX_ROWS))


@dataclass(frozen=True)
class Download:
    name: str
    content: bytes
    rows: int


@dataclass(frozen=True)
class Queued:
    job: Job
    rows: str  # "12", or "2,000+" above the larger of core.pagination.COUNT_CAP and the inline limit


def clean_filters(data: QueryDict | dict[str, Any]) -> dict[str, list[str]]:
    """The list filters only (no CSRF token, no page number), as JSON-safe lists for a job."""
    cleaned: dict[str, list[str]] = {}
    for key in FILTER_KEYS:
        values = data.getlist(key) if isinstance(data, QueryDict) else data.get(key) or []
        values = [str(v) for v in ([values] if isinstance(values, str) else values) if v]
        if values:
            cleaned[key] = values
    return cleaned


def _query(filters: dict[str, list[str]]) -> QueryDict:
    params = QueryDict(mutable=True)
    for key, values in filters.items():
        params.setlist(key, values)
    params._mutable = False
    return params


def full_identity_rows(user: Any, *, asked: bool) -> Value | Case:
    """Which rows carry full identity and phone numbers: none unless asked; then those whose employer
    lies where the user holds identity.full. Asking without the capability anywhere is refused."""
    if not asked:
        return Value(False)
    q = scope_filter(user, "identity.full", path_field="employer__path")
    if q is None:
        raise NotAllowed("您没有导出完整证件号码和手机号码的权限，请取消该选项后导出（默认脱敏）。")
    if q == Q():
        return Value(True)
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _file_name(selection: Selection) -> str:
    title = re.sub(r'[\\/:*?"<>|\s]+', "_", selection.title).strip("_") or "汇总表"
    return f"{title}_{timezone.localdate():%Y%m%d}.xlsx"


def _masked(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filters as the audit log keeps them: a searched identity number masked as the lists show it."""
    if "q" not in filters:
        return filters
    searches = [parse_search({"q": value}) for value in filters["q"]]
    return {**filters, "q": [s.shown if s.kind else "" for s in searches]}


def _audit(*, actor: Any, selection: Selection, filters: dict[str, list[str]], result: ExportResult, job: Any) -> None:
    after = {
        "list": selection.title,
        "rows": result.rows,
        "filters": _query(_masked(filters)).urlencode(),
        "full_rows": result.full_rows,
    }
    if job is not None:
        after["job"] = job.pk
    record_event(actor=actor, action="export.list", obj=selection.obj, after=after)
    if result.full_rows:
        record_event(
            actor=actor,
            action="export.full_identity",
            obj=selection.obj,
            after={"list": selection.title, "rows": result.full_rows},
            reason="导出汇总表（含完整证件号码、手机号码）",
        )


def export_list(*, actor: Any, list_key: str, filters: QueryDict | dict[str, Any], full: bool) -> Download | Queued:
    """Export a list page's rows as the page selects them for `actor`, with its current filters."""
    spec = LISTS[list_key]
    cleaned = clean_filters(filters)
    selection = spec.select(actor, _query(cleaned))
    flag = full_identity_rows(actor, asked=full)
    # A capped count (the list pattern, issue 12): the request never counts a whole province; the job counts
    # exactly when it runs, and its sheet refuses rows beyond Excel's limit (core.excel.SheetWriter).
    limit = max(COUNT_CAP, inline_max_rows())
    total = selection.queryset.order_by()[: limit + 1].count()
    if total > MAX_SHEET_ROWS:
        raise DomainError(f"共 {total} 行，超过 Excel 单表上限（{MAX_SHEET_ROWS} 行），请缩小筛选范围后分批导出。")
    if total > inline_max_rows():
        shown = f"{limit:,}+" if total > limit else str(total)
        with transaction.atomic():
            job = _enqueue(actor=actor, spec=spec, selection=selection, filters=cleaned, full=full, total=shown)
        return Queued(job=job, rows=shown)
    buffer = io.BytesIO()
    result = write_export(spec, selection, buffer, full=flag)
    with transaction.atomic():
        _audit(actor=actor, selection=selection, filters=cleaned, result=result, job=None)
    return Download(name=_file_name(selection), content=buffer.getvalue(), rows=result.rows)


def _enqueue(
    *, actor: Any, spec: ListSpec, selection: Selection, filters: dict[str, list[str]], full: bool, total: str
) -> Job:
    params = {"list": spec.key, "filters": filters, "full": full, "ip": current_ip.get(), "total": total}
    return enqueue(owner=actor, kind=JOB_KIND, title=f"导出汇总表：{selection.title}（约 {total} 行）", params=params)


def run_export_job(job: Any, progress: Progress) -> JobOutput:
    """The `exports.list` job: the same selection, evaluated again for the job's owner when it runs
    (a scope or capability lost in between is not exported), written to a temporary file."""
    params = job.params or {}
    spec = LISTS.get(str(params.get("list", "")))
    if spec is None:
        raise DomainError("未知的导出列表。")
    token = current_ip.set(params.get("ip"))
    try:
        filters = clean_filters(params.get("filters") or {})
        selection = spec.select(job.owner, _query(filters))
        flag = full_identity_rows(job.owner, asked=bool(params.get("full")))
        total = selection.queryset.count()
        progress(0, total)
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 — jobs.services moves and deletes it
        handle.close()
        path = Path(handle.name)
        try:
            result = write_export(spec, selection, str(path), full=flag, progress=progress, total=total)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        with transaction.atomic():
            _audit(actor=job.owner, selection=selection, filters=filters, result=result, job=job)
    finally:
        current_ip.reset(token)
    return JobOutput(name=_file_name(selection), path=path, message=f"共导出 {result.rows} 行。")
