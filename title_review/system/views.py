from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from title_review.access.decorators import authenticated, guards, public, rule
from title_review.access.policies import can, has_capability, person_pk
from title_review.attachments.types import ATTACHMENT_TYPES, format_size_limit
from title_review.core.errors import DomainError
from title_review.core.excel import MAX_IMPORT_BYTES
from title_review.core.kept import keep
from title_review.core.pagination import paginate, query_without_page
from title_review.core.policies import DEFAULTS, LABELS, get_policy
from title_review.declarations.models import Declaration
from title_review.declarations.selectors import employer_counts
from title_review.declarations.workflow import STAGE_FOR_APPLICANT
from title_review.organisations.employers import LICENCE_MAX_BYTES, SEAL_MAX_BYTES
from title_review.reviews.selectors import desk_counts

from . import backups, services
from .forms import CalendarQueryForm, WorkingDayOverrideForm
from .models import WorkingDayOverride
from .workdays import add_working_days, has_national_schedule


@authenticated
def home(request: HttpRequest) -> HttpResponse:
    """工作台: counts per stage for the user's roles — the employer's declarations per round, what waits
    at a reviewer's desk, and an applicant's own progress."""
    employer = getattr(request.user, "organisation", None)
    counts = (
        employer_counts(request.user, employer) if employer and can(request.user, "declaration.fill", employer) else {}
    )
    mine = [
        (d, STAGE_FOR_APPLICANT.get(d.status, ""))
        for d in Declaration.objects.filter(applicant_id=person_pk(request.user))
        .select_related("round")
        .exclude(status="withdrawn")[:10]
    ]
    return render(
        request,
        "system/home.html",
        {
            "employer_counts": counts,
            "can_review": bool(employer) and can(request.user, "review.employer", employer),
            "desk_counts": desk_counts(request.user),
            "my_declarations": mine,
        },
    )


@public
def help_page(request: HttpRequest) -> HttpResponse:
    """帮助: the manuals' FAQ in our own words. The file rules are read from the constants the upload
    checks use, so the page never disagrees with a refusal."""
    file_rules = [(t.label, t.formats, format_size_limit(t.max_bytes)) for t in ATTACHMENT_TYPES.values()]
    file_rules += [
        ("营业执照扫描件（单位注册）", "PDF、JPG、PNG", format_size_limit(LICENCE_MAX_BYTES)),
        ("单位签章（单位注册）", "JPG、PNG", format_size_limit(SEAL_MAX_BYTES)),
        ("批量导入的 Excel 文件", "XLSX", format_size_limit(MAX_IMPORT_BYTES)),
    ]
    template = "system/help.html" if request.user.is_authenticated else "system/help_public.html"
    return render(request, template, {"file_rules": file_rules})


@public
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def error_404(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Any = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"exception": message}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@rule("policy.view")
def policies(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    can_manage = has_capability(request.user, "policy.manage")
    if request.method == "POST":
        try:
            services.set_policy(
                actor=request.user, key=request.POST.get("key", ""), raw_value=request.POST.get("value", "")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            # The refused row shows the value typed again (core.kept); one form per row, named with its key.
            keep(request, form=f"policy:{request.POST.get('key', '')}", to=reverse("system:policies"))
        else:
            messages.success(request, "参数已保存。")
        return redirect("system:policies")
    rows = [
        {"key": key, "label": LABELS.get(key, key), "value": get_policy(key), "default": default}
        for key, default in DEFAULTS.items()
    ]
    return render(request, "system/policies.html", {"rows": rows, "can_manage": can_manage})


@rule("policy.view")
def workdays(request: HttpRequest) -> HttpResponse:
    """工作日设置: the province's overrides of the national calendar, and 日历查询 (start + N working days)."""

    can_manage = has_capability(request.user, "workday.manage")
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("工作日由省级统一设置，本级只能查看。")
    form = WorkingDayOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            override = services.set_working_day_override(
                actor=request.user, day=data["date"], is_working_day=data["kind"] == "work", note=data["note"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            kind = "工作日" if override.is_working_day else "休息日"
            messages.success(request, f"已将 {override.date:%Y-%m-%d} 设为{kind}。")
            return redirect("system:workdays")

    query = CalendarQueryForm(request.GET if "start" in request.GET else None)
    result = None
    if query.is_valid():
        start, count = query.cleaned_data["start"], query.cleaned_data["count"]
        end = add_working_days(start, count)
        unknown = [y for y in range(start.year, end.year + 1) if not has_national_schedule(y)]
        result = {"start": start, "count": count, "end": end, "unknown_years": unknown}

    return render(
        request,
        "system/workdays.html",
        {
            "can_manage": can_manage,
            "form": form,
            "query": query,
            "result": result,
            "page": paginate(request, WorkingDayOverride.objects.order_by("-date"), per_page=50),
            "query_string": query_without_page(request),
        },
    )


@rule("workday.manage")
@require_POST
@guards("workday_override", "manage")
def workday_delete(request: HttpRequest, pk: int) -> HttpResponse:

    try:
        services.remove_working_day_override(actor=request.user, override_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除该日的调整，恢复按国家安排计算。")
    return redirect("system:workdays")


@rule("backup.manage")
def backup_list(request: HttpRequest) -> HttpResponse:
    """备份与恢复: the archives in the backup directory, the recent backup jobs, and 立即备份."""
    jobs = list(services.backup_jobs()[:10])
    return render(
        request,
        "system/backups.html",
        {
            "archives": [
                {**described, "size_mb": described["size"] / 1024 / 1024}
                for described in map(backups.describe, backups.archives())
            ],
            "directory": backups.default_directory(),
            "keep": services.backup_keep_count(),
            "jobs": jobs,
            "running": any(job.status in services.ACTIVE for job in jobs),
        },
    )


@rule("backup.manage")
@require_POST
def backup_start(request: HttpRequest) -> HttpResponse:
    try:
        services.start_backup(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已开始备份，完成后备份文件会出现在下面的列表中。")
    return redirect("system:backups")
