"""诚信档案 pages: the list (search, masked numbers, status), 新增诚信记录, 解除."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from title_review.access.decorators import authenticated, guards, rule
from title_review.access.policies import can, has_capability, organisations_visible_to
from title_review.core.errors import DomainError
from title_review.core.forms import attach_error
from title_review.core.identity import mask_identity
from title_review.core.pagination import paginate
from title_review.core.policies import get_policy
from title_review.organisations.models import OrganisationKind

from . import explain, services
from .forms import IntegrityRecordForm, IntegritySearchForm, LiftForm
from .models import IntegrityKind, IntegrityStatus
from .policy import current_policy
from .selectors import integrity_records_visible_to, search_integrity_records

# The search may be an identity number, which must never appear in a URL (quality bar: personal
# data never in URLs or logs): it is posted, kept in the session, and the list is shown by GET.
SEARCH_KEY = "integrity_search"

RECORD_ERROR_FIELDS = {
    "organisation": ("记录机构", "职改办"),
    "kind": ("记录类别",),
    "id_type": ("证件类型",),
    "id_number": ("证件号码", "身份证号码"),
    "name": ("姓名",),
    "reason": ("记录事由",),
    "basis": ("文件依据",),
    "ban_until": ("截止日期",),
    "starts_on": ("开始日期",),
}


@rule("integrity.view")
def integrity_list(request: HttpRequest) -> HttpResponse:
    """诚信档案: records made by the offices in the viewer's subtree, identity numbers masked."""
    if request.method == "POST":
        search = IntegritySearchForm(request.POST)
        if request.POST.get("action") == "reset" or not search.is_valid():
            request.session.pop(SEARCH_KEY, None)
        else:
            request.session[SEARCH_KEY] = search.cleaned_data["keyword"].strip()
        return redirect("eligibility:integrity")
    keyword = request.session.get(SEARCH_KEY, "")
    page = paginate(request, search_integrity_records(request.user, keyword=keyword))
    today = timezone.localdate()
    rows = []
    for record in page.object_list:
        status = record.status_on(today)
        rows.append(
            {
                "record": record,
                "masked_id": mask_identity(record.id_number),
                "status": status,
                "can_lift": status in (IntegrityStatus.ACTIVE, IntegrityStatus.PENDING)
                and can(request.user, "integrity.manage", record),
            }
        )
    return render(
        request,
        "eligibility/integrity_list.html",
        {
            "search": IntegritySearchForm(initial={"keyword": keyword}),
            "keyword": keyword,
            "page": page,
            "rows": rows,
            "query": "",
            "can_add": has_capability(request.user, "integrity.manage"),
        },
    )


@rule("integrity.manage")
def integrity_new(request: HttpRequest) -> HttpResponse:
    """新增诚信记录, for one of the title offices in the manager's subtree."""
    offices = (
        organisations_visible_to(request.user, "integrity.manage")
        .filter(kind=OrganisationKind.TITLE_OFFICE, is_active=True)
        .order_by("path")
    )
    own = getattr(request.user, "organisation", None)
    form = IntegrityRecordForm(
        request.POST or None,
        organisations=offices,
        ban_years=get_policy(services.BAN_YEARS_POLICY),
        initial={"organisation": own.pk if own else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.record_integrity_ban(
                actor=request.user,
                organisation_id=data["organisation"].pk,
                id_type=data["id_type"],
                id_number=data["id_number"],
                name=data["name"],
                reason=data["reason"],
                basis=data["basis"],
                starts_on=data["starts_on"],
                ban_until=data["ban_until"],
                kind=data["kind"] or IntegrityKind.BAN,
            )
        except DomainError as exc:
            attach_error(form, exc.message, RECORD_ERROR_FIELDS)
        else:
            until = record.ban_until
            messages.success(
                request, f"已新增{record.name}的诚信记录，禁止申报至 {until.year}年{until.month}月{until.day}日。"
            )
            return redirect("eligibility:integrity")
    return render(request, "eligibility/integrity_new.html", {"form": form})


@rule("integrity.manage")
@guards("integrity_record", "manage")
def integrity_lift(request: HttpRequest, pk: int) -> HttpResponse:
    """解除: end a ban early, with a reason; the record stays in the list as 已解除."""
    record = get_object_or_404(
        integrity_records_visible_to(request.user).select_related("organisation", "recorded_by"), pk=pk
    )
    if not can(request.user, "integrity.manage", record):
        raise Http404
    form = LiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lift_integrity_ban(actor=request.user, record_id=record.pk, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error("reason" if "解除原因" in exc.message else None, exc.message)
        else:
            messages.success(request, f"已解除{record.name}的诚信记录。")
            return redirect("eligibility:integrity")
    return render(
        request,
        "eligibility/integrity_lift.html",
        {
            "record": record,
            "masked_id": mask_identity(record.id_number),
            "status": record.status_on(timezone.localdate()),
            "form": form,
        },
    )


@authenticated
def conditions(request: HttpRequest) -> HttpResponse:
    """申报条件: the rules the 资格预审 checks in every series, and the series tables with their sources."""
    return render(
        request,
        "eligibility/conditions.html",
        {"universal": explain.universal_rules(current_policy()), "tables": explain.series_tables()},
    )
