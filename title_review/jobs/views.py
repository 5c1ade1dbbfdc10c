"""我的下载: the user's background jobs, their progress, and the files they produced."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from title_review.access.decorators import rule
from title_review.audit.services import record_event
from title_review.core.pagination import paginate

from .models import JobStatus
from .selectors import jobs_of


@rule("home.view")
def downloads(request: HttpRequest) -> HttpResponse:
    page = paginate(request, jobs_of(request.user), per_page=20)
    running = any(j.status in (JobStatus.QUEUED, JobStatus.RUNNING) for j in page.object_list)
    template = "jobs/_rows.html" if request.htmx else "jobs/downloads.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "running": running})


@rule("home.view")
def download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(jobs_of(request.user), pk=pk, status=JobStatus.DONE)
    if not job.result:
        raise Http404
    record_event(actor=request.user, action="download.file", obj=job, after={"name": job.result_name})
    response = FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
    response["Cache-Control"] = "no-store"
    return response


@rule("home.view")
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(jobs_of(request.user), pk=pk)
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        messages.error(request, "任务尚未完成，不能删除。")
        return redirect("jobs:downloads")
    if job.result:
        job.result.delete(save=False)
    job.delete()
    messages.success(request, "已删除。")
    return redirect("jobs:downloads")
