from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from title_review.access.decorators import guards, rule
from title_review.access.policies import can, has_capability, organisations_visible_to
from title_review.attachments.services import attachments_of
from title_review.core.errors import DomainError
from title_review.core.pagination import paginate, query_without_page
from title_review.dictionaries.models import Entry
from title_review.organisations.models import Organisation

from . import services
from .forms import CommitteeForm, FilingForm, NewRoundForm, PanelForm, RoundDetailsForm, SearchForm
from .models import Round, RoundStatus
from .selectors import committees_visible_to, rounds_visible_to, search_rounds


def _hosts(request: HttpRequest):  # type: ignore[no-untyped-def]  # organisations queryset
    return (
        organisations_visible_to(request.user, "round.manage")
        .filter(kind__in=["title_office", "department"])
        .order_by("path")
    )


@rule("round.view")
def round_list(request: HttpRequest) -> HttpResponse:
    """评审活动: find rounds by keyword, publisher and year."""
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(
        request,
        search_rounds(
            request.user,
            keyword=filters.get("keyword") or "",
            publisher=filters.get("publisher") or "",
            year=filters.get("year"),
        ),
    )
    return render(
        request,
        "rounds/list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "now": timezone.now(),
            "can_manage": bool(_hosts(request).exists()),
        },
    )


@rule("round.view")
@guards("round", "view")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(
        rounds_visible_to(request.user).select_related("publisher", "committee", "panel", "series"), pk=pk
    )
    names: dict[str, dict[str, str]] = {}
    for type_code, code, name in Entry.objects.filter(
        type__code__in=["level", "specialty", "declaration_route", "qualification"]
    ).values_list("type__code", "code", "name"):
        names.setdefault(type_code, {})[code] = name

    def labels(type_code: str, codes: list[str]) -> list[str]:
        return [names.get(type_code, {}).get(c, c) for c in codes]

    org = getattr(request.user, "organisation", None)
    return render(
        request,
        "rounds/detail.html",
        {
            "round": round_,
            "levels": labels("level", round_.levels),
            "specialties": labels("specialty", round_.specialties),
            "routes": labels("declaration_route", round_.routes),
            "qualifications": labels("qualification", round_.qualifications),
            "scope": list(round_.scope.all()),
            "can_manage": can(request.user, "round.manage", round_.publisher),
            "notice_files": list(attachments_of(round_, kind="notice")),
            "refusal": services.accepts(round_, org) if org else "",
            "can_declare": bool(org)
            and not services.accepts(round_, org)
            and has_capability(request.user, "declaration.declare"),
        },
    )


@rule("round.manage")
def round_new(request: HttpRequest) -> HttpResponse:
    form = NewRoundForm(
        request.POST or None,
        publishers=organisations_visible_to(request.user, "round.manage").filter(kind="title_office").order_by("path")
        | _hosts(request),
        committees=committees_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.create_round(actor=request.user, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已新建评审活动，请完善申报级别、受理专业、受理范围等内容后发布。")
            return redirect("rounds:edit", pk=round_.pk)
    return render(request, "rounds/new.html", {"form": form})


@rule("round.manage")
@guards("round", "manage")
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(rounds_visible_to(request.user).select_related("publisher", "series"), pk=pk)
    if not can(request.user, "round.manage", round_.publisher):
        raise Http404
    scope_choices = Organisation.objects.filter(
        path__startswith=round_.publisher.path, kind__in=["title_office", "department", "agency"]
    ).order_by("path")
    initial = {
        "closes_at": timezone.localtime(round_.closes_at).replace(tzinfo=None),
        "levels": round_.levels,
        "specialties": round_.specialties,
        "routes": round_.routes,
        "scope": list(round_.scope.all()),
        "series_section": round_.series_section,
        "precheck_mode": round_.precheck_mode,
        "notice": round_.notice,
        "required_sections": round_.required_sections,
        "attachment_types": round_.attachment_types,
        "pass_through": [str(pk) for pk in round_.pass_through],
    }
    form = RoundDetailsForm(request.POST or None, initial=initial, series=round_.series, scope_choices=scope_choices)
    if round_.status == RoundStatus.PUBLISHED:
        for name in (
            "levels",
            "specialties",
            "routes",
            "scope",
            "series_section",
            "required_sections",
            "attachment_types",
            "pass_through",
        ):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        scope = list(data.pop("scope"))
        data["pass_through"] = [int(pk) for pk in data.get("pass_through", [])]
        try:
            services.update_round(
                actor=request.user,
                round_id=round_.pk,
                changes=data,
                scope=None if round_.status == RoundStatus.PUBLISHED else scope,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("rounds:detail", pk=round_.pk)
    return render(
        request,
        "rounds/edit.html",
        {
            "round": round_,
            "form": form,
            "notice_files": list(attachments_of(round_, kind="notice")),
        },
    )


@rule("round.manage")
@require_POST
@guards("round", "manage")
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.select_related("publisher"), pk=pk)
    if not can(request.user, "round.manage", round_.publisher):
        raise Http404
    try:
        services.publish_round(actor=request.user, round_id=round_.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已发布。受理范围内的单位和个人现在可以看到该活动。")
    return redirect("rounds:detail", pk=round_.pk)


@rule("round.manage")
def committees(request: HttpRequest) -> HttpResponse:
    form = CommitteeForm(request.POST or None, hosts=_hosts(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            committee = services.create_committee(actor=request.user, specialties=[], **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已新增评委会“{committee.name}”。")
            return redirect("rounds:committee", pk=committee.pk)
    rows = committees_visible_to(request.user).select_related("host", "series").order_by("host__path", "name")
    today = timezone.localdate()
    return render(
        request,
        "rounds/committees.html",
        {"form": form, "committees": [(c, c.filing_state(today)) for c in rows[:200]]},
    )


@rule("round.manage")
@guards("committee", "manage")
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_object_or_404(committees_visible_to(request.user).select_related("host", "series"), pk=pk)
    may_file = services.by_province(request.user)
    filing = FilingForm(
        request.POST if request.POST.get("action") == "filing" else None,
        initial={
            "filing_number": committee.filing_number,
            "filed_on": committee.filed_on,
            "valid_until": committee.valid_until,
        },
        prefix="filing",
    )
    if may_file and filing.is_bound and filing.is_valid():
        try:
            services.record_filing(actor=request.user, committee_id=committee.pk, **filing.cleaned_data)
        except DomainError as exc:
            filing.add_error(None, exc.message)
        else:
            messages.success(request, "已登记备案。")
            return redirect("rounds:committee", pk=committee.pk)
    form = PanelForm((request.POST or None) if request.POST.get("action") != "filing" else None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            services.add_panel(
                actor=request.user, committee_id=committee.pk, name=form.cleaned_data["name"], specialties=[]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已新增学科组。")
            return redirect("rounds:committee", pk=committee.pk)
    levels = dict(Entry.objects.filter(type__code="level").values_list("code", "name"))
    return render(
        request,
        "rounds/committee.html",
        {
            "committee": committee,
            "form": form,
            "panels": committee.panels.all(),
            "levels": [levels.get(c, c) for c in committee.levels],
            "filing_state": committee.filing_state(timezone.localdate()),
            "filing": filing if may_file else None,
        },
    )
