"""The import pages on top of core.importing: 下载模板 → 上传并预检 (every bad row listed) → 确认导入.

Files above `IMPORT_INLINE_MAX_ROWS` rows run as a background job with progress (我的下载); smaller ones
run in the request. This lives with the job runner, not in core: core holds the mechanism (spec,
reading, running, template) and imports no app (docs/decisions/0021-enforced-layers.md).
"""

import io
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from openpyxl import load_workbook

from title_review.core.errors import DomainError
from title_review.core.forms import StyledForm
from title_review.core.identity import mask_identity
from title_review.core.importing import (
    SPECS,
    ImportResult,
    ImportRow,
    ImportSpec,
    read_upload,
    result_workbook,
    run_import,
)
from title_review.core.importing.running import PASSED
from title_review.core.importing.spec import Progress, inline_max_rows, runs_in_background
from title_review.core.params import to_id
from title_review.core.stash import drop_stash, open_stash, stash
from title_review.core.text import excerpt

from .models import Job, JobStatus
from .registry import JobOutput
from .selectors import jobs_of
from .services import enqueue

JOB_KIND = "imports.run"


class UploadForm(StyledForm):
    file = forms.FileField(
        label="导入文件（.xlsx）",
        error_messages={
            "required": "请选择要导入的文件（.xlsx）。",
            "empty": "文件是空的（0 字节）：请选择填写好的导入文件。",
        },
    )


def import_view(
    request: HttpRequest,
    spec: ImportSpec,
    *,
    template_url: str,
    breadcrumb: Sequence[tuple[str, str]] = (),
    intro: str = "",
    done_link: tuple[str, str] | None = None,
    options: dict[str, Any] | None = None,
) -> HttpResponse:
    """The import page: 下载模板 → 上传并预检 (every bad row listed) → 确认导入; big files as a job.

    The caller guards access (`@rule`) and names the template URL; `spec.start` checks the rest.
    """
    page = {
        "spec": spec,
        "template_url": template_url,
        "breadcrumb": list(breadcrumb),
        "intro": intro,
        "done_link": done_link,
        "inline_max": inline_max_rows(),
    }
    job_id = request.GET.get("job", "")
    if request.method == "GET" and job_id:
        return _job_page(request, spec, job_id, page)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {**page, "form": form}
    if request.method == "POST" and request.POST.get("token"):
        return _commit(request, spec, request.POST["token"], page, options or {})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            raw_rows = read_upload(spec, upload)
            if runs_in_background(spec, len(raw_rows)):
                spec.start(request.user, options or {})
                upload.seek(0)
                token = stash(request.user, upload.read(), suffix=".xlsx")
                job = _enqueue(request.user, spec, token=token, commit=False, rows=len(raw_rows), options=options)
                return redirect(f"{request.path}?job={job.pk}")
            result = run_import(spec, actor=request.user, raw_rows=raw_rows, commit=False, options=options)
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            context["result"] = result
            if not result.has_errors:
                upload.seek(0)
                context["token"] = stash(request.user, upload.read(), suffix=".xlsx")
    return _render(request, context)


def _commit(
    request: HttpRequest,
    spec: ImportSpec,
    token: str,
    page: dict[str, Any],
    options: dict[str, Any],
) -> HttpResponse:
    stored = open_stash(request.user, token, suffix=".xlsx")
    if stored is None:
        messages.error(request, "预检结果已失效（可能已经导入过），请重新上传文件。")
        return redirect(request.path)
    with stored:
        try:
            raw_rows = read_upload(spec, stored)
            if runs_in_background(spec, len(raw_rows)):
                job = _commit_job(request.user, spec, token, len(raw_rows), options)
                return redirect(f"{request.path}?job={job.pk}")
            result = run_import(spec, actor=request.user, raw_rows=raw_rows, commit=True, options=options)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
    if result.committed:
        drop_stash(request.user, token, suffix=".xlsx")
    return _render(request, {**page, "form": UploadForm(), "result": result})


def _commit_job(user: Any, spec: ImportSpec, token: str, rows: int, options: dict[str, Any]) -> Any:
    """One commit job per checked file, however often 确认导入 is pressed."""
    existing = jobs_of(user).filter(kind=JOB_KIND, params__token=token, params__commit=True).first()
    return existing or _enqueue(user, spec, token=token, commit=True, rows=rows, options=options)


def _enqueue(
    user: Any, spec: ImportSpec, *, token: str, commit: bool, rows: int, options: dict[str, Any] | None
) -> Any:
    title = f"{spec.title}（{'导入' if commit else '预检'}，{rows} 行）"
    params = {"spec": spec.key, "token": token, "commit": commit, "rows": rows, "options": options or {}}
    return enqueue(owner=user, kind=JOB_KIND, title=title, params=params)


def _job_page(request: HttpRequest, spec: ImportSpec, job_id: str, page: dict[str, Any]) -> HttpResponse:
    pk = to_id(job_id)
    if pk is None:
        raise Http404
    job = jobs_of(request.user).filter(pk=pk, kind=JOB_KIND, params__spec=spec.key).first()
    if job is None:
        raise Http404
    finished = job.status in (JobStatus.DONE, JobStatus.FAILED)
    errors = report_errors(job) if job.status == JobStatus.DONE else []
    passed = job.status == JobStatus.DONE and not errors
    context = {
        **page,
        "form": UploadForm(),
        "job": job,
        "job_finished": finished,
        "job_errors": errors,
        "job_commit": bool(job.params.get("commit")),
        "job_passed": passed,
        "token": job.params.get("token", "") if passed and not job.params.get("commit") else "",
    }
    if request.headers.get("HX-Request"):
        return render(request, "jobs/_import_job.html", context)
    return _render(request, context)


# Bad rows listed on the page after a check: enough to fix a file in a few rounds, few enough that the
# page stays small (every cell is cut to an excerpt as well; issue 10 found a 21 MB error page).
SHOWN_ERROR_ROWS = 200


def _render(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    result: ImportResult | None = context.get("result")
    if result is not None:
        spec = result.spec
        listing_errors = result.has_errors and not result.committed
        shown = result.error_rows if listing_errors else result.rows
        # One-time passwords are shown once and nowhere else, so a committed file with secrets lists
        # every row (such imports are capped at 2,000 rows).
        limit = SHOWN_ERROR_ROWS if listing_errors else (None if spec.secret_headers else 500)
        context["shown_rows"] = [_row_view(spec, r, result.committed) for r in shown[:limit]]
        context["hidden_count"] = max(0, len(shown) - len(context["shown_rows"]))
        context["hidden_are_errors"] = listing_errors
        context["result_headers"] = list(spec.result_headers) if result.committed else []
        context["summary"] = result.summary()
    response = render(request, "jobs/import.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _row_view(spec: ImportSpec, row: ImportRow, committed: bool) -> dict[str, Any]:
    masked = spec.masked_headers
    return {
        "number": row.number,
        "cells": [
            excerpt(mask_identity(row.values[h]) if h in masked and row.values[h] else row.values[h])
            for h in spec.display_headers
        ],
        "errors": row.errors,
        "warnings": row.warnings,
        "results": [(row.result.get(h, ""), h in spec.secret_headers) for h in spec.result_headers]
        if committed
        else [],
    }


def run_import_job(job: Job, progress: Progress) -> JobOutput:
    """The job handler: run a stashed upload's dry run or commit and leave a result workbook."""
    spec = SPECS.get(str(job.params.get("spec")))
    if spec is None:
        raise DomainError("未知的导入类型。")
    token = str(job.params.get("token", ""))
    commit = bool(job.params.get("commit"))
    handle = open_stash(job.owner, token, suffix=".xlsx")
    if handle is None:
        raise DomainError("导入文件已失效，请重新上传。")
    with handle:
        result = run_import(
            spec,
            actor=job.owner,
            upload=handle,
            commit=commit,
            options=job.params.get("options") or {},
            progress=progress,
        )
    if result.committed or result.has_errors:
        drop_stash(job.owner, token, suffix=".xlsx")  # imported, or to be fixed and uploaded again
    stage = "导入结果" if commit else "预检结果"
    return JobOutput(name=f"{spec.title}_{stage}.xlsx", content=result_workbook(result), message=result.summary())


def report_errors(job: Job, limit: int = 500) -> list[tuple[int, str]]:
    """The bad rows recorded in a finished job's result workbook (bad rows come first)."""
    if not job.result:
        return []
    with job.result.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
    try:
        errors: list[tuple[int, str]] = []
        for number, reason, *_rest in workbook.worksheets[0].iter_rows(min_row=2, values_only=True):
            if reason == PASSED or len(errors) >= limit:
                break
            errors.append((int(number), str(reason)))
        return errors
    finally:
        workbook.close()
