"""Captcha pictures, the SMS "send code" endpoint and the development outbox.

The public endpoints answer with HTML fragments for htmx. The send endpoint always answers
HTTP 200 (htmx swaps only 2xx responses): success or the Chinese refusal, each with a fresh
captcha, so the user can try again at once.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from title_review.access.decorators import public, rule
from title_review.core.clientip import client_ip
from title_review.core.errors import DomainError
from title_review.core.pagination import paginate, query_without_page

from . import policies, services
from .backends import outbox_may_be_read
from .captcha import captcha_text, discard_captcha, new_captcha, render_png, validate_captcha
from .forms import OutboxSearchForm
from .models import SmsMessage, SmsPurpose


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@public
@require_GET
def captcha_new(request: HttpRequest) -> HttpResponse:
    """A fresh captcha fragment (the "换一张" button); the previous key, if sent, is discarded."""
    old_key = request.GET.get("captcha_key", "")
    if old_key:
        discard_captcha(request, old_key)
    return _no_store(render(request, "verification/_captcha.html", {"captcha_key": new_captcha(request)}))


@public
@require_GET
def captcha_image(request: HttpRequest, key: str) -> HttpResponse:
    text = captcha_text(request, key)
    if text is None:
        raise Http404
    return _no_store(HttpResponse(render_png(text), content_type="image/png"))


@public
@require_POST
def sms_send(request: HttpRequest) -> HttpResponse:
    """Send an SMS code after a captcha. Says the same thing whether or not an account uses the number."""
    purpose = request.POST.get("purpose", "")
    ok = False
    try:
        validate_captcha(request, request.POST)
        services.send_sms_code(phone=request.POST.get("phone", ""), purpose=purpose, ip=client_ip(request))
    except DomainError as exc:
        message = exc.message
    else:
        ok = True
        message = f"验证码已发送，请查收短信（{policies.SMS_COOLDOWN_SECONDS}秒后可重新获取）。"
    context = {
        "purpose": purpose if purpose in SmsPurpose.values else "",
        "captcha_key": new_captcha(request),
        "sms_message": message,
        "sms_ok": ok,
    }
    return _no_store(render(request, "verification/_sms_send.html", context))


@rule("sms.outbox")
def outbox(request: HttpRequest) -> HttpResponse:
    # Outside development and tests the page does not exist: a page that shows codes is a takeover.
    if not outbox_may_be_read():
        raise Http404
    form = OutboxSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = SmsMessage.objects.order_by("-created_at", "-id")
    if filters.get("phone"):
        qs = qs.filter(phone__contains=filters["phone"].strip())
    if filters.get("purpose"):
        qs = qs.filter(purpose=filters["purpose"])
    page = paginate(request, qs, per_page=30)
    return render(
        request,
        "verification/outbox.html",
        {"form": form, "page": page, "query": query_without_page(request)},
    )
