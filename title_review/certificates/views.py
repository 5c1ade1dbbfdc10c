"""证书信息 (list and search) and 接收原系统数据 (证书信息, 主管单位代码 / 单位代码) imports."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from title_review.access.decorators import rule
from title_review.access.policies import has_capability
from title_review.core import importing
from title_review.core.identity import mask_identity
from title_review.core.pagination import paginate, query_without_page
from title_review.jobs.imports import import_view

from .forms import CertificateSearchForm
from .imports import CERTIFICATES, LEGACY_CODES
from .selectors import certificates_visible_to, search_certificates


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
