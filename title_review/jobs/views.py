"""我的下载: the user's background jobs, their progress, and the files they produced."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from title_review.access.decorators import authenticated, guards
from title_review.core.errors import DomainError
from title_review.core.pagination import paginate

from . import services
from .models import JobStatus
from .selectors import jobs_of


@authenticated
def downloads(request: HttpRequest) -> HttpResponse:
    page = paginate(request, jobs_of(request.user), per_page=20)
    running = any(j.status in (JobStatus.QUEUED, JobStatus.RUNNING) for j in page.object_list)
    template = "jobs/_rows.html" if request.htmx else "jobs/downloads.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "running": running})


@authenticated
@guards("job", "own")
def download(request: HttpRequest, pk: int) -> FileResponse:
    job = services.open_download(actor=request.user, job_id=pk)
    response = FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
    response["Cache-Control"] = "no-store"
    return response


@authenticated
@guards("job", "own")
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.delete_job(actor=request.user, job_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除。")
    return redirect("jobs:downloads")


@authenticated
@guards("job", "own")
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """我的下载 → 重试: a failed job (an interrupted worker, a handler's error) queued again by its owner."""
    try:
        services.retry_job(actor=request.user, job_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已重新提交，请稍候。")
    return redirect("jobs:downloads")
