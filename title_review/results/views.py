"""评后管理 pages (thin: services write, selectors read, access decides)."""

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from title_review.access import results as policies
from title_review.access import rounds as round_policy
from title_review.access.decorators import guards, public, rule
from title_review.core import importing, pagination
from title_review.core.clientip import client_ip
from title_review.core.errors import DomainError
from title_review.core.kept import keep, posted
from title_review.core.pagination import paginate, posted_page, query_without_page
from title_review.core.params import to_ids
from title_review.exports.responses import export_response
from title_review.jobs.imports import import_view
from title_review.verification.captcha import captcha_context, validate_captcha

from . import selectors, services
from .exports import UNIT_RESULTS
from .imports import RESULTS
from .models import BatchStatus


def _date(raw: str, label: str) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise DomainError(f"{label}“{raw}”不是有效日期，请按 2026-12-07 的格式填写。") from None


def _back_to_batch(request: HttpRequest, pk: int, *, refused: str = "") -> HttpResponse:
    """Back to the batch page after one of its forms, on the page of its list the form was posted from (the
    forms send `page`: an objection's form is on that page only). `refused`: the form's name when it was
    refused, so that the page shows it again with what was typed and chosen (core.kept)."""
    path = reverse("results:batch", args=[pk])
    if refused:
        keep(request, form=refused, to=path)
    number = posted_page(request)
    if number and number != "1":
        return redirect(f"{path}?page={number}")
    return redirect(path)


# ---- the title office ---------------------------------------------------------------------------------


@rule("result.manage")
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """评后管理: batches, closed meetings whose results wait to be received, 初定 / 认定 rounds to decide."""
    page = paginate(request, selectors.batches_of(request.user))
    page.object_list = selectors.with_counts(list(page.object_list))
    return render(
        request,
        "results/index.html",
        {
            "page": page,
            "query": query_without_page(request),
            "meetings": selectors.meetings_to_receive(request.user)[:100],
            "approval_rounds": selectors.with_waiting(list(selectors.approval_rounds(request.user)[:100])),
        },
    )


@rule("result.manage")
@guards("meeting", "results")
@require_POST
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        batch = services.receive_meeting(actor=request.user, meeting_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("results:index")
    messages.success(request, f"已接收评审情况：共 {batch.entries.count()} 人。")
    return redirect("results:batch", pk=batch.pk)


@rule("result.manage")
@guards("result_batch", "view")
@require_GET
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.batch_for_page(request.user, pk)
    page = paginate(request, selectors.batch_entries(found))
    page.object_list = selectors.with_objections(list(page.object_list))
    held, held_count = selectors.held(found) if found.status == BatchStatus.PUBLICISING else ([], 0)
    starts = timezone.localdate()
    return render(
        request,
        "results/batch.html",
        {
            "batch": found,
            "page": page,
            "query": query_without_page(request),
            "held": held,
            "held_more": pagination.capped_label(held_count) if held_count > len(held) else "",
            "default_start": starts,
            "default_end": services.earliest_end(starts) if found.status == BatchStatus.RECEIVED else None,
            "days": services.publicity_days(),
            "publicity_over": found.publicity_ends is not None and timezone.localdate() > found.publicity_ends,
        },
    )


@rule("result.publicise")
@guards("result_batch", "publicise")
@require_POST
def publicise(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        starts = _date(request.POST.get("starts_on", ""), "公示开始日期")
        ends = _date(request.POST.get("ends_on", ""), "公示截止日期")
        found = services.start_publicity(actor=request.user, batch_id=pk, starts_on=starts, ends_on=ends)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back_to_batch(request, pk, refused="publicise")
    messages.success(
        request,
        f"已开始公示：{found.publicity_starts:%Y年%m月%d日}至{found.publicity_ends:%Y年%m月%d日}"
        f"（不少于 {found.publicity_days} 个工作日）。",
    )
    return _back_to_batch(request, pk)


@rule("result.manage")
@guards("result_batch", "manage")
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = services.confirm_batch(
            actor=request.user,
            batch_id=pk,
            agency_code=request.POST.get("agency_code", ""),
            issuing_body=request.POST.get("issuing_body", ""),
            title=request.POST.get("title", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back_to_batch(request, pk, refused="confirm")
    messages.success(request, f"已确认发文：{found.document_number}，证书待编号。")
    return _back_to_batch(request, pk)


@rule("result.manage")
@guards("result_batch", "view")
@require_GET
def document(request: HttpRequest, pk: int) -> FileResponse:
    found = policies.batches.get(request.user, pk, "view")
    if not found.document:
        raise Http404
    return FileResponse(
        found.document.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{found.document_number}.pdf",
    )


@rule("objection.handle")
@guards("result_objection", "handle")
@require_POST
def handle(request: HttpRequest, pk: int) -> HttpResponse:
    objection = policies.objections.get(request.user, pk, "handle")
    batch_id = objection.entry.batch_id
    outcome = request.POST.get("outcome", "")
    try:
        if outcome not in ("upheld", "dismissed"):
            raise DomainError("请选择处理结果：成立或不成立。")
        services.handle_objection(
            actor=request.user,
            objection_id=pk,
            upheld=outcome == "upheld",
            explanation=request.POST.get("explanation", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        # One form per objection on the page: the refused one comes back with its 处理说明 and 处理结果.
        return _back_to_batch(request, batch_id, refused=f"handle:{pk}")
    messages.success(request, "异议已处理。" + ("该人员不予通过。" if outcome == "upheld" else ""))
    return _back_to_batch(request, batch_id)


@rule("result.manage")
@guards("round", "manage")
@require_http_methods(["GET", "POST"])
def approvals(request: HttpRequest, pk: int) -> HttpResponse:
    """初定 / 认定 审批: the round's accepted declarations, approved or not (with a reason) in one go."""
    round_ = round_policy.policy.get(request.user, pk, round_policy.MANAGE)
    refused = None
    if request.method == "POST":
        try:
            ids = to_ids(request.POST.getlist("declaration"))
            made = services.decide_approval(
                actor=request.user,
                round_id=round_.pk,
                declaration_ids=ids,
                approve=request.POST.get("decision") == "approve",
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            # Shown again at once (the form posts to this page, its ?page kept): the ticks and the 理由 as posted.
            refused = posted(request, "approvals")
        else:
            messages.success(request, f"已审批 {len(ids)} 人，结果已进入批次，请公示后确认发文。")
            return redirect("results:batch", pk=made.pk)
    context = {
        "round": round_,
        "page": paginate(request, selectors.waiting_for_approval(round_)),
        "query": query_without_page(request),
    }
    if refused is not None:
        context["kept"] = refused  # over the context processor's (nothing is kept for a POST)
    return render(request, "results/approvals.html", context, status=400 if refused is not None else 200)


@rule("result.manage")
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return importing.template_response(RESULTS)


@rule("result.manage")
def import_results(request: HttpRequest) -> HttpResponse:
    """接收评审情况 of committees outside the system, from Excel: 申报编号, 评委会名称, 通过 / 未通过."""
    return import_view(
        request,
        RESULTS,
        template_url=reverse("results:import_template"),
        breadcrumb=[("评后管理", reverse("results:index"))],
        intro="接收系统外评委会的评审情况：按申报编号填写评审结果，同一评委会的结果归入一个批次，导入后公示。",
        done_link=("返回评后管理", reverse("results:index")),
    )


# ---- results back ---------------------------------------------------------------------------------------


@rule("result.unit")
@require_GET
def unit(request: HttpRequest) -> HttpResponse:
    """评审结果 of the unit's own people (公示 started or 发文 done), a page at a time."""
    return render(
        request,
        "results/unit.html",
        {
            "page": paginate(request, selectors.unit_page_results(request.user)),
            "query": query_without_page(request),
        },
    )


@rule("result.unit")
@require_POST
def unit_export(request: HttpRequest) -> HttpResponse:
    """导出: the list as the page shows it (its columns, newest batch first), at once or — when long — as a
    background export in 我的下载; audited as every export (the exports app's list `unit_results`)."""
    return export_response(request, UNIT_RESULTS, {})


@rule("result.own")
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "results/mine.html", {"entries": selectors.own_results(request.user)})


# ---- public 公示 (no login) --------------------------------------------------------------------------------


@public
@require_GET
def publicity(request: HttpRequest) -> HttpResponse:
    """评审结果公示: the batches in their 公示 period, by committee, and one batch's passed people (?batch=…, the
    first by default) a page at a time; name, employer, series, title, level."""
    batches = selectors.public_batches()
    more = len(batches) > selectors.PUBLIC_BATCHES
    batches = batches[: selectors.PUBLIC_BATCHES]
    wanted = request.GET.get("batch", "")
    shown = next((b for b in batches if str(b.pk) == wanted), batches[0] if batches else None)
    page = paginate(request, selectors.published_entries(shown)) if shown is not None else None
    return render(
        request,
        "results/publicity.html",
        {
            "batches": batches,
            "more_batches": more,
            "shown": shown,
            "page": page,
            "query": f"batch={shown.pk}" if shown is not None else "",
        },
    )


@public
@require_http_methods(["GET", "POST"])
def objection(request: HttpRequest) -> HttpResponse:
    """Real-name 异议 on one published result (?entry=…), during its 公示 only; captcha and a per-address limit."""
    entry = selectors.public_entry(request.GET.get("entry") or request.POST.get("entry"))
    values = {key: (request.POST.get(key) or "").strip() for key in ("name", "mobile", "content")}
    if request.method == "POST":
        try:
            if entry is None:
                raise DomainError("该公示已结束或不存在，不再受理异议。", code="ended")
            validate_captcha(request, request.POST)
            services.submit_objection(
                entry_id=entry.pk,
                evidence=request.FILES.get("evidence"),
                ip=client_ip(request),
                **values,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "异议已提交。我们将依规核实处理，并通过您留下的联系电话反馈。")
            return redirect("results:publicity")
    elif entry is None:
        messages.error(request, "该公示已结束或不存在，不再受理异议。")
        return redirect("results:publicity")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "results/objection.html",
        {"entry": entry, "values": values, **captcha_context(request)},
        status=status,
    )
