import json

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from title_review.access.decorators import rule
from title_review.core.excel import write_table, xlsx_response
from title_review.core.pagination import paginate, query_without_page

from .actions import ACTION_LABELS, LOGIN_EVENT_LABELS
from .forms import EventFilterForm, LoginFilterForm
from .selectors import audit_events_visible_to, login_events_visible_to
from .services import record_event

EXPORT_LIMIT = 100_000


def _local(dt: object) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[arg-type]  # aware datetimes


@rule("audit.view")
def events(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = audit_events_visible_to(request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        return _export_events(request, qs)
    page = paginate(request, qs, per_page=30)
    return render(
        request,
        "audit/events.html",
        {"form": form, "page": page, "labels": ACTION_LABELS, "query": query_without_page(request)},
    )


@rule("audit.view")
def logins(request: HttpRequest) -> HttpResponse:
    form = LoginFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = login_events_visible_to(request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        return _export_logins(request, qs)
    page = paginate(request, qs, per_page=30)
    return render(
        request,
        "audit/logins.html",
        {"form": form, "page": page, "labels": LOGIN_EVENT_LABELS, "query": query_without_page(request)},
    )


def _export_events(request: HttpRequest, qs: object) -> HttpResponse:
    rows = (
        (
            _local(e.occurred_at),
            e.actor_name,
            e.organisation_name,
            ACTION_LABELS.get(e.action, e.action),
            e.object_repr,
            json.dumps(e.before, ensure_ascii=False) if e.before else "",
            json.dumps(e.after, ensure_ascii=False) if e.after else "",
            e.reason,
            e.ip or "",
        )
        for e in qs[:EXPORT_LIMIT].iterator()  # type: ignore[index]  # a queryset
    )
    content = write_table(
        ["时间", "操作人", "机构", "操作", "对象", "变更前", "变更后", "原因", "IP"], rows, sheet="操作日志"
    )
    with transaction.atomic():
        record_event(
            actor=request.user, action="audit.export", after={"log": "操作日志", "filters": request.GET.urlencode()}
        )
    return xlsx_response(f"操作日志_{timezone.localdate():%Y%m%d}.xlsx", content)


def _export_logins(request: HttpRequest, qs: object) -> HttpResponse:
    rows = (
        (
            _local(e.occurred_at),
            e.username,
            e.organisation_name,
            LOGIN_EVENT_LABELS.get(e.event, e.event),
            "成功" if e.success else "失败",
            e.ip or "",
            e.user_agent,
        )
        for e in qs[:EXPORT_LIMIT].iterator()  # type: ignore[index]  # a queryset
    )
    content = write_table(["时间", "登录名", "机构", "事件", "结果", "IP", "浏览器"], rows, sheet="登录日志")
    with transaction.atomic():
        record_event(
            actor=request.user, action="audit.export", after={"log": "登录日志", "filters": request.GET.urlencode()}
        )
    return xlsx_response(f"登录日志_{timezone.localdate():%Y%m%d}.xlsx", content)
