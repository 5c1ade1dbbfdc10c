"""Upload, download and delete attachments.

The upload and delete endpoints answer htmx with the upload block (attachments/_upload.html). A
refusal the user can act on (wrong format, too large, locked) comes back as HTTP 200 with the
Chinese message inside the block, because htmx swaps only 2xx responses; only a malformed request
(an attachment type that does not exist) gets 400. Downloads are always attachments, never shown
inline, and answer 404 to anyone who may not see the file.
"""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from title_review.access.attachments import DOWNLOAD, MANAGE, resolve_target
from title_review.access.attachments import policy as attachment_policy
from title_review.access.decorators import authenticated, guards
from title_review.core.errors import DomainError

from . import services
from .blocks import block_context
from .types import AttachmentType, format_size_limit, get_type, largest_limit

TEMPLATE = "attachments/_upload.html"


class _StopAtLimit(FileUploadHandler):
    """Drops a file part as soon as it passes `limit` bytes: the rest of it is read and discarded,
    never written to a temporary file. The exact limit of the type is checked afterwards."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_big = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _block(request: HttpRequest, attachment_type: AttachmentType, **kwargs: Any) -> HttpResponse:
    response = render(request, TEMPLATE, block_context(attachment_type, **kwargs))
    response["Cache-Control"] = "no-store"
    return response


@authenticated
@csrf_exempt  # only so the size cap below is in place before the body is parsed; _upload checks CSRF
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Store one file (fields attachment_kind, attachment_file, optional attachment_target and
    attachment_field) and answer with the block showing it, or the block with the refusal."""
    cap = _StopAtLimit(request, largest_limit())
    request.upload_handlers = [cap, *request.upload_handlers]
    return _upload(request, cap)


@csrf_protect
def _upload(request: HttpRequest, cap: _StopAtLimit) -> HttpResponse:
    kind = request.POST.get("attachment_kind", "")
    try:
        attachment_type = get_type(kind)
    except DomainError as exc:
        return HttpResponseBadRequest(exc.message)
    field = request.POST.get("attachment_field", "")
    target_value = request.POST.get("attachment_target", "")
    upload_file = request.FILES.get("attachment_file")
    try:
        if upload_file is None and cap.too_big:
            raise DomainError(f"{attachment_type.label}不能超过 {format_size_limit(attachment_type.max_bytes)}。")
        target = resolve_target(request.user, target_value) if target_value else None
        attachment = services.upload_attachment(
            actor=request.user,
            owner=getattr(request.user, "acts_for", None) or request.user,
            kind=kind,
            upload=upload_file,
            target=target,
        )
    except DomainError as exc:
        return _block(request, attachment_type, field=field, target=target_value, error=exc.message)
    return _block(request, attachment_type, attachment=attachment, field=field, target=target_value)


@authenticated
@require_GET
@guards("attachment", "download")
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file as a download, to its owner and to whoever may see what it is attached to."""
    attachment = attachment_policy.get(request.user, pk, DOWNLOAD)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    services.record_download(actor=request.user, attachment=attachment)
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.original_name, safe='')}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@authenticated
@require_POST
@guards("attachment", "manage")
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete the user's own (or own upload) attachment; htmx gets the empty block back."""
    attachment = attachment_policy.get(request.user, pk, MANAGE)
    field = request.POST.get("attachment_field", "")
    target_value = request.POST.get("attachment_target", "")
    try:
        attachment_type = get_type(attachment.kind)
    except DomainError:
        attachment_type = get_type("other")
    htmx = bool(getattr(request, "htmx", False))
    try:
        services.delete_attachment(actor=request.user, attachment_id=attachment.pk)
    except DomainError as exc:
        if not htmx:
            raise  # DomainErrorMiddleware shows it on the page the user came from
        return _block(
            request, attachment_type, attachment=attachment, field=field, target=target_value, error=exc.message
        )
    if htmx:
        return _block(request, attachment_type, field=field, target=target_value)
    messages.success(request, f"附件“{attachment.original_name}”已删除。")
    back = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("system:home")
