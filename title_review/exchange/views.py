"""交换数据包 pages: export a round's accepted declarations, import a package, the received declarations."""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from title_review.access.decorators import guards, rule
from title_review.core.errors import DomainError
from title_review.core.pagination import paginate, query_without_page
from title_review.core.params import to_id, to_ids
from title_review.declarations.selectors import for_list
from title_review.rounds.models import Round, RoundKind

from . import selectors, services
from .forms import ImportForm
from .package import snapshot_digest

# Bigger packages go through `manage.py import_package`, which reads the file where it lies.
MAX_UPLOAD_BYTES = 2 * 1024**3


@rule("exchange.manage")
def index(request: HttpRequest) -> HttpResponse:
    """交换数据包: the rounds with accepted declarations to export, and the way to import."""
    context = {
        "rounds": selectors.exportable_rounds(request.user),
        "received_count": selectors.received_visible_to(request.user).count(),
    }
    return render(request, "exchange/index.html", context)


@rule("exchange.manage")
@guards("round", "view")
def select(request: HttpRequest, pk: int) -> HttpResponse:
    """选择导出: the accepted declarations of one round, to export a selection of them."""
    queryset = for_list(selectors.exportable_to(request.user).filter(round_id=pk), "applicant", "employer").order_by(
        "round_id", "employer_id", "applicant_name", "pk"
    )
    page = paginate(request, queryset, per_page=200)
    if not page.object_list:
        raise Http404
    round_ = get_object_or_404(Round, pk=pk)
    return render(
        request,
        "exchange/select.html",
        {"round": round_, "declarations": page.object_list, "page": page, "query": query_without_page(request)},
    )


@rule("exchange.manage")
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    round_id = to_id(request.POST.get("round"))
    selection = bool(request.POST.get("selection"))
    ids = to_ids(request.POST.getlist("pick")) if selection else None
    if round_id is None:
        messages.error(request, "请选择要导出的评审活动。")
        return redirect("exchange:index")
    try:
        job = services.start_export(actor=request.user, round_id=round_id, declaration_ids=ids)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("exchange:select", pk=int(round_id)) if selection else redirect("exchange:index")
    messages.success(request, f"已开始“{job.title}”，完成后可在“我的下载”中下载；可以离开本页，稍后再来。")
    return redirect("jobs:downloads")


@rule("exchange.manage")
def import_page(request: HttpRequest) -> HttpResponse:
    """导入数据包: upload, verify every file, then receive the declarations not yet received."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", "数据包超过 2 GB，请由系统管理员用命令 import_package 导入。")
        else:
            try:
                result = services.import_package(actor=request.user, source=upload, package_name=upload.name)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, result.message)
                return redirect("exchange:received")
    return render(request, "exchange/import.html", {"form": form})


def _round_filter(value: str) -> dict[str, Any]:
    installation, _sep, round_value = value.rpartition(":")
    round_id = to_id(round_value)
    if not installation or round_id is None:
        return {}
    return {"source_installation": installation, "source_round_id": round_id}


@rule("exchange.manage")
def received(request: HttpRequest) -> HttpResponse:
    """已接收的申报材料: search by applicant and round."""
    queryset = selectors.received_visible_to(request.user).select_related("received_by")
    name = request.GET.get("q", "").strip()
    if name:
        queryset = queryset.filter(applicant_name__contains=name)
    if request.GET.get("round"):
        queryset = queryset.filter(**_round_filter(request.GET["round"]))
    page = paginate(request, queryset.order_by("-received_at", "-pk"), per_page=50)
    context = {
        "page": page,
        "rounds": selectors.received_rounds(request.user),
        "params": request.GET,
        "query": query_without_page(request),
    }
    return render(request, "exchange/received.html", context)


@rule("exchange.manage")
@guards("received_declaration", "manage")
def received_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        selectors.received_visible_to(request.user).select_related("received_by", "organisation"), pk=pk
    )
    kind = RoundKind(item.round_kind).label if item.round_kind in RoundKind.values else item.round_kind
    context = {
        "item": item,
        "data": item.snapshot,
        "files": list(item.files.all()),
        "intact": snapshot_digest(item.snapshot) == item.snapshot_hash,
        "local": item.source_installation == selectors.local_installation(),
        "round_kind": kind,
    }
    return render(request, "exchange/detail.html", context)


@rule("exchange.manage")
@require_GET
@guards("received_file", "manage")
def received_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A received file, as a download, to whoever may see the received declaration (else 404)."""
    row = get_object_or_404(
        selectors.received_files_visible_to(request.user).select_related("declaration"), pk=file_pk, declaration_id=pk
    )
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    services.record_file_download(actor=request.user, received_file=row)
    response = FileResponse(handle, content_type=row.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(row.name, safe='')}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
