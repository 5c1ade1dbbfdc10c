"""The answer to a 导出 button, for the exports app's own views and for a list of an app above it (评后管理's
本单位评审结果): the file at once, or — for a long list — a message and 我的下载, where the job leaves it."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from title_review.core.excel import xlsx_response

from . import services


def export_response(request: HttpRequest, list_key: str, filters: Any, *, full: bool = False) -> HttpResponse:
    outcome = services.export_list(actor=request.user, list_key=list_key, filters=filters, full=full)
    if isinstance(outcome, services.Queued):
        messages.success(
            request,
            f"共 {outcome.rows} 行，数据较多，已转入后台导出。可以离开本页，完成后在“我的下载”中下载。",
        )
        return redirect("jobs:downloads")
    return xlsx_response(outcome.name, outcome.content)
