"""证书信息 (list and search) and 接收原系统数据 (证书信息, 主管单位代码 / 单位代码) imports."""

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from rest_framework import throttling

from title_review.access import scoped
from title_review.access.decorators import authenticated, guards, public, rule
from title_review.access.policies import has_capability
from title_review.api.throttling import CacheUnavailable, ClientIpThrottle
from title_review.core import importing
from title_review.core.cachesafe import CACHE_DOWN_MESSAGE
from title_review.core.errors import DomainError
from title_review.core.forms import attach_error
from title_review.core.identity import mask_identity
from title_review.core.pagination import paginate, query_without_page
from title_review.core.params import to_ids
from title_review.core.policies import get_policy
from title_review.jobs.imports import import_view

from .ecert import ecert_pdf
from .forms import CertificateSearchForm, NumberingFilterForm, NumberingForm, RevokeForm, VerifyForm
from .imports import CERTIFICATES, LEGACY_CODES
from .models import Certificate
from .numbering import number_certificates
from .selectors import (
    certificate_for_verification,
    certificates_to_number,
    certificates_visible_to,
    lookups_of,
    my_certificates,
    pending_batches,
    search_certificates,
    unit_certificates,
)
from .services import mask_name, record_lookup, revoke_certificate
from .tokens import number_from_token, verification_token


@rule("certificate.view")
def certificate_list(request: HttpRequest) -> HttpResponse:
    """证书信息: the certificates in the user's subtree, identity numbers masked."""
    form = CertificateSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = search_certificates(
        certificates_visible_to(request.user).select_related("organisation"),
        q=filters.get("q", ""),
        source=filters.get("source", ""),
    )
    page = paginate(request, queryset.order_by("-obtained_on", "-id"), per_page=50)
    rows = [{"certificate": c, "masked_id": mask_identity(c.id_number)} for c in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query_without_page(request),
        "can_import": has_capability(request.user, "certificate.import"),
        "can_number": has_capability(request.user, "certificate.number"),
        "can_revoke": has_capability(request.user, "certificate.revoke"),
    }
    response = render(request, "certificates/list.html", context)
    response["Cache-Control"] = "no-store"
    return response


@rule("certificate.import")
def certificate_template(request: HttpRequest) -> HttpResponse:
    return importing.template_response(CERTIFICATES)


@rule("certificate.import")
def certificate_import(request: HttpRequest) -> HttpResponse:
    """接收原系统数据 — 证书信息: who, qualification, date, number, issuing body."""
    return import_view(
        request,
        CERTIFICATES,
        template_url=reverse("certificates:import_template"),
        breadcrumb=[("证书信息", reverse("certificates:list"))],
        intro="接收原系统的证书信息，使系统知道每个人已取得的职称。同一发证机构的证书编号只能登记一次。",
        done_link=("查看证书信息", reverse("certificates:list")),
    )


@rule("organisation.import")
def legacy_code_template(request: HttpRequest) -> HttpResponse:
    return importing.template_response(LEGACY_CODES)


@rule("organisation.import")
def legacy_code_import(request: HttpRequest) -> HttpResponse:
    """接收原系统数据 — 主管单位代码 / 单位代码, matched to (or creating) organisations under a parent."""
    return import_view(
        request,
        LEGACY_CODES,
        template_url=reverse("certificates:legacy_codes_template"),
        breadcrumb=[("机构树", reverse("organisations:tree"))],
        intro="把原系统的主管单位代码、单位代码对应到本系统的机构：上级机构下已有的机构直接对应，没有的新建。",
        done_link=("查看机构树", reverse("organisations:tree")),
    )


# 证书编号 -----------------------------------------------------------------------------------------------------

NUMBERING_ERROR_FIELDS: dict[str, tuple[str, ...]] = {
    "agency_code": ("机关代字",),
    "review_year": ("评审年度",),
    "document_year": ("发文年份",),
    "region_code": ("地区代码",),
    "committee_code": ("评委会代码",),
    "issuing_body": ("发证单位",),
}
NUMBERING_PAGE_ROWS = 500
REVOKE_ERROR_FIELDS: dict[str, tuple[str, ...]] = {"reason": ("原因",), "basis": ("依据",)}


@rule("certificate.number")
def numbering(request: HttpRequest) -> HttpResponse:
    """证书编号: the 待编号 certificates in the actor's scope, by batch; the ticked ones get their numbers."""
    batches = pending_batches(request.user)
    filters = NumberingFilterForm(request.GET or None, batches=batches)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    pending = certificates_to_number(
        request.user, document_number=chosen.get("document_number", ""), q=chosen.get("q", "")
    )
    own = getattr(request.user, "organisation", None)
    rows = list(pending[: NUMBERING_PAGE_ROWS + 1])
    # The 发文 already named the batch's 发证单位 and 评审年度: offered as given, else the office and this year.
    first = rows[0] if rows else None
    form = NumberingForm(
        request.POST or None,
        initial={
            "review_year": (first.review_year if first else None) or timezone.localdate().year,
            "document_year": timezone.localdate().year,
            "issuing_body": (first.issuing_body if first else "") or (own.name if own else ""),
        },
    )
    if request.POST.get("all"):  # the whole filtered batch (the form posts to this URL, filters included)
        ticked = list(pending.values_list("pk", flat=True))
    else:
        ticked = to_ids(request.POST.getlist("ids"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = number_certificates(
                actor=request.user,
                certificate_ids=ticked,
                review_year=data["review_year"],
                issuing_body=data["issuing_body"],
                agency_code=data["agency_code"],
                region_code=data["region_code"],
                committee_code=data["committee_code"],
                document_year=data["document_year"],
            )
        except DomainError as exc:
            attach_error(form, exc.message, NUMBERING_ERROR_FIELDS)
        else:
            numbers = [c.number for c in batch.certificates]
            messages.success(
                request,
                f"已为 {len(numbers)} 本证书编号（{numbers[0]} 至 {numbers[-1]}），发文字号 {batch.document_number}。",
            )
            return redirect("certificates:numbering")
    context = {
        "filters": filters,
        "form": form,
        "rows": [{"certificate": c, "masked_id": mask_identity(c.id_number)} for c in rows[:NUMBERING_PAGE_ROWS]],
        "more": len(rows) > NUMBERING_PAGE_ROWS,
        "ticked": set(ticked),
        "pattern": get_policy("certificate.number_pattern"),
    }
    response = render(request, "certificates/numbering.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response


# 撤销 -----------------------------------------------------------------------------------------------------------


@rule("certificate.revoke")
@guards("certificate", "revoke")
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销证书 with a reason and a basis (依据); the holder goes into the 诚信档案."""
    certificate = scoped.certificates.get(request.user, pk, "revoke", Certificate.objects.select_related("revoked_by"))
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_certificate(
                actor=request.user,
                certificate_id=certificate.pk,
                reason=form.cleaned_data["reason"],
                basis=form.cleaned_data["basis"],
            )
        except DomainError as exc:
            attach_error(form, exc.message, REVOKE_ERROR_FIELDS)
        else:
            messages.success(
                request, f"已撤销{certificate.person_name}的证书（{certificate.number}），并记入诚信档案。"
            )
            return redirect("certificates:list")
    context = {"certificate": certificate, "masked_id": mask_identity(certificate.id_number), "form": form}
    return render(request, "certificates/revoke.html", context, status=400 if form.errors else 200)


# 电子证书 ---------------------------------------------------------------------------------------------------------


def verify_url(request: HttpRequest, certificate: Certificate) -> str:
    return request.build_absolute_uri(
        reverse("certificates:verify_token", kwargs={"token": verification_token(certificate.number)})
    )


@authenticated
@guards("certificate", "download")
def ecert_download(request: HttpRequest, pk: int) -> HttpResponse:
    """电子证书 PDF: the office (证书信息), the holder's unit and the holder (我的证书)."""
    certificate = scoped.certificates.get(request.user, pk, "download")
    if not certificate.number:
        raise Http404
    pdf = ecert_pdf(certificate, verify_url=verify_url(request, certificate))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = quote(f"电子证书-{certificate.number}.pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    response["Cache-Control"] = "no-store"
    return response


@rule("certificate.mine")
def mine(request: HttpRequest) -> HttpResponse:
    """我的证书: the holder's certificates (by their identity number), each PDF, and who looked them up."""
    certificates = list(my_certificates(request.user).order_by("-obtained_on", "-pk"))
    context = {
        "rows": [{"certificate": c, "masked_id": mask_identity(c.id_number)} for c in certificates],
        "lookups": lookups_of([c.pk for c in certificates]),
    }
    response = render(request, "certificates/mine.html", context)
    response["Cache-Control"] = "no-store"
    return response


@rule("certificate.unit")
def unit(request: HttpRequest) -> HttpResponse:
    """本单位证书: the numbered certificates of the unit's people, each PDF."""
    queryset = unit_certificates(request.user).exclude(number="").order_by("-obtained_on", "-pk")
    page = paginate(request, queryset, per_page=50)
    rows = [{"certificate": c, "masked_id": mask_identity(c.id_number)} for c in page.object_list]
    context = {"page": page, "rows": rows, "query": query_without_page(request)}
    response = render(request, "certificates/unit.html", context)
    response["Cache-Control"] = "no-store"
    return response


# 证书查验 (public) --------------------------------------------------------------------------------------------


class VerifyThrottle(ClientIpThrottle, throttling.SimpleRateThrottle):
    """Lookups per client address (the project's one client-IP rule), settings.CERTIFICATE_VERIFY_RATE."""

    scope = "certificate_verify"

    def get_rate(self) -> str:
        return str(settings.CERTIFICATE_VERIFY_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _throttled(request: HttpRequest) -> HttpResponse | None:
    throttle = VerifyThrottle()
    try:
        allowed = throttle.allow_request(request, None)
    except CacheUnavailable:
        return render(request, "certificates/verify_busy.html", {"message": CACHE_DOWN_MESSAGE}, status=503)
    if allowed:
        return None
    wait = max(1, int(throttle.wait() or 60))
    response = render(request, "certificates/verify_busy.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _verification(request: HttpRequest, certificate: Certificate | None, form: VerifyForm | None) -> HttpResponse:
    if certificate is not None:
        record_lookup(certificate=certificate, viewer=request.user)
    context = {
        "form": form,
        "searched": certificate is not None or form is None or form.is_bound,
        "certificate": certificate,
        "masked_name": mask_name(certificate.person_name) if certificate else "",
        "masked_id": mask_identity(certificate.id_number) if certificate else "",
    }
    response = render(request, "certificates/verify.html", context, status=200 if certificate or form else 404)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@public
def verify(request: HttpRequest) -> HttpResponse:
    """证书查验: 证书编号 + 姓名 (no login); each lookup counts against the address's rate. Posted, so that the
    name never lands in an address bar, a proxy log or a Referer header."""
    form = VerifyForm(request.POST or None)
    if not form.is_bound:
        return _verification(request, None, form)
    limited = _throttled(request)
    if limited is not None:
        return limited
    certificate = None
    if form.is_valid():
        certificate = certificate_for_verification(number=form.cleaned_data["number"], name=form.cleaned_data["name"])
    return _verification(request, certificate, form)


@public
def verify_token(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code's page: the number bound by its HMAC; a changed or forged token answers as not found."""
    limited = _throttled(request)
    if limited is not None:
        return limited
    number = number_from_token(token)
    certificate = certificate_for_verification(number=number) if number else None
    return _verification(request, certificate, None)
