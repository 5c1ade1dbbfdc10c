"""PDF forms for download (打印). Views only find the object in the viewer's scope and send the file;
printing.services decides what the form shows. Anything outside the viewer's scope is a 404."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from title_review.access.decorators import guards, rule
from title_review.core.errors import DomainError

from . import meeting_record, selectors, services
from .documents import BLANKS_ACTION, DECLARATION_FORMS, FORMS, ROUND_KIND_OF_FORM


def _pdf(request: HttpRequest, printed: services.Printed) -> HttpResponse:
    """The PDF as a download (or shown in the browser with ?inline=1), never cached."""
    response = HttpResponse(printed.content, content_type="application/pdf")
    inline = request.GET.get("inline") == "1"
    response["Content-Disposition"] = content_disposition_header(not inline, printed.filename) or "attachment"
    response["Cache-Control"] = "no-store"
    return response


def _declaration(request: HttpRequest, pk: int, form: str) -> Any:
    declaration = selectors.printable_declaration(request.user, pk)
    # A form that does not exist, a declaration outside the viewer's scope or never submitted: 404 alike.
    if declaration is None or form not in DECLARATION_FORMS or not declaration.snapshot:
        raise Http404
    if form == "check" and not selectors.may_print_checks(request.user, declaration):
        raise Http404
    if form in ROUND_KIND_OF_FORM and declaration.round.kind != ROUND_KIND_OF_FORM[form]:
        raise Http404
    return declaration


@rule("declaration.print")
@guards("declaration", "print")
def declaration_form(request: HttpRequest, pk: int, form: str) -> HttpResponse:
    """评审表, 评审简表, 资格审查表, 初定表, 认定表 of one declaration, as submitted."""
    declaration = _declaration(request, pk, form)
    return _pdf(request, services.print_declaration(viewer=request.user, declaration=declaration, form_key=form))


@rule("declaration.print")
@guards("publicity", "print")
def publicity_form(request: HttpRequest, pk: int) -> HttpResponse:
    """公示表 of an employer's 单位内部公示."""
    publicity = selectors.printable_publicity(request.user, pk)
    if publicity is None:
        raise Http404
    return _pdf(request, services.print_publicity(viewer=request.user, publicity=publicity))


@rule("declaration.print")
@guards("round", "print")
def round_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """汇总表 of a round: the submitted declarations the viewer may print (landscape)."""
    round_ = selectors.printable_round(request.user, pk)
    if round_ is None:
        raise Http404
    try:
        printed = services.print_round_summary(viewer=request.user, round_=round_)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('reviews:tracking')}?round={round_.pk}")
    return _pdf(request, printed)


@rule("declaration.print")
@require_POST
@guards("round", "print")
def round_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """批量打印评审表: starts the background job; the zip lands in 我的下载."""
    if selectors.printable_round(request.user, pk) is None:
        raise Http404
    try:
        services.start_round_batch(actor=request.user, round_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        back = request.POST.get("back", "")
        safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False)
        return redirect(back if back and safe else "reviews:tracking")
    messages.success(request, "已开始批量打印评审表，完成后可在“我的下载”中下载压缩包。")
    return redirect("jobs:downloads")


@rule(BLANKS_ACTION)
def blanks(request: HttpRequest) -> HttpResponse:
    """打印有关空白表格: each form without data, to fill in by hand."""
    return render(request, "printing/blanks.html", {"forms": list(FORMS.values())})


@rule(BLANKS_ACTION)
def blank_form(request: HttpRequest, form: str) -> HttpResponse:
    if form not in FORMS:
        raise Http404
    return _pdf(request, services.print_blank(form_key=form))


@rule("meeting.manage")
@guards("meeting", "manage")
@require_POST
def sign_meeting_record(request: HttpRequest, pk: int) -> HttpResponse:
    """签署会议记录 of a closed meeting: rendered, sealed by its SHA-256, kept."""
    try:
        record = meeting_record.sign_meeting_record(actor=request.user, meeting_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"会议记录已签署，摘要 {record.sha256[:16]}…")
    return redirect("committees:meeting", pk=pk)


@rule("meeting.manage")
@guards("meeting", "manage")
def meeting_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed 会议记录, as kept."""
    record = meeting_record.kept_record(actor=request.user, meeting_id=pk)
    with record.file.open("rb") as stored:
        content = stored.read()
    return _pdf(request, services.Printed(f"会议记录-{record.meeting_id}.pdf", content))
