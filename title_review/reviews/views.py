"""Pages of the review chain. Every decision is one service call; these views only parse and show."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from title_review.access.declarations import Purpose
from title_review.access.declarations import policy as declaration_policy
from title_review.access.decorators import guards, rule
from title_review.access.policies import can, employer_of, person_pk
from title_review.core.errors import DomainError
from title_review.core.kept import keep
from title_review.core.pagination import (
    COUNT_CAP,
    CappedPaginator,
    capped_total,
    paginate,
    posted_page,
    query_without_page,
)
from title_review.declarations.selectors import RECENT_FIRST, employer_counts, for_list
from title_review.declarations.workflow import STAGE_FOR_APPLICANT, Status
from title_review.dictionaries.models import Entry
from title_review.organisations.models import EmployerProfile, EmployerStaff
from title_review.rounds.selectors import rounds_visible_to

from . import selectors, services
from .filters import FILTERS
from .lists import headers_for, row_cells
from .models import CheckItem, OpinionSlot, Publicity
from .serializers import (
    DecisionInput,
    ReviewAcceptInput,
    ReviewBatchPassInput,
    ReviewCheckItemInput,
    ReviewEmployerPassInput,
    ReviewEmployerReturnInput,
    ReviewForwardInput,
    ReviewObjectionHandleInput,
    ReviewObjectionInput,
    ReviewOpinionInput,
    ReviewPassInput,
    ReviewPublicityInput,
    ReviewRejectInput,
    ReviewReturnInput,
    decision_inputs,
    error_sentence,
)


def _inputs(request: HttpRequest, serializer_class: type[DecisionInput]) -> dict[str, Any] | None:
    """The decision's inputs from the posted form, validated by the same serializer as the API; None (with
    the reason shown) when they do not validate."""
    try:
        return decision_inputs(serializer_class, request.POST, request.user)
    except ValidationError as exc:
        _field, sentence = error_sentence(serializer_class, exc.detail)
        messages.error(request, sentence)
        return None


def _done(request: HttpRequest, call: Any, success: str, **kwargs: Any) -> bool:
    try:
        call(actor=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


# ---------------------------------------------------------------- employer


@rule("review.employer")
def employer_desk(request: HttpRequest) -> HttpResponse:
    """审核材料 / 单位内部公示 / 上报材料: the employer's declarations by stage, one tab each."""
    employer = employer_of(request.user, "review.employer")
    tab = request.GET.get("tab", "review")
    tabs = {
        "review": ("审核材料", (Status.WITH_EMPLOYER,)),
        "publicity": ("单位内部公示", (Status.EMPLOYER_PASSED, Status.IN_PUBLICITY)),
        "forward": ("上报材料", (Status.IN_PUBLICITY, Status.READY_TO_FORWARD)),
    }
    if tab not in tabs:
        tab = "review"
    base = selectors.employer_desk(request.user, employer)
    counts = selectors.employer_desk_counts(request.user, employer)
    # The tab's rows are the employer desk's in the tab's statuses: their total is the sum of those counts.
    tab_total = capped_total(counts.get(status, 0) for status in tabs[tab][1])
    page = paginate(request, base.filter(status__in=tabs[tab][1]), per_page=100, counted=tab_total)
    publicities = Publicity.objects.filter(employer=employer).select_related("round")[:20]
    required = services.required_slots(employer)
    return render(
        request,
        "reviews/employer_desk.html",
        {
            "employer": employer,
            "tab": tab,
            "tabs": [(key, label) for key, (label, _s) in tabs.items()],
            "title": "单位审核",
            "tab_label": tabs[tab][0],
            "rows": page.object_list,
            "page": page,
            "query": query_without_page(request),
            "counts": counts,
            "publicities": publicities,
            "today": services.today(),
            "slots": [(value, label, value in required) for value, label in OpinionSlot.choices],
            "can_manage": can(request.user, "employer.manage", employer),
        },
    )


@rule("employer.manage")
@require_POST
def opinion_settings(request: HttpRequest) -> HttpResponse:
    """内部审核意见设置: which opinions the employer collects before it passes a declaration."""
    employer = employer_of(request.user, "review.employer")
    _done(
        request,
        services.set_required_slots,
        "已保存内部审核意见设置。",
        employer_id=employer.pk,
        slots=request.POST.getlist("slots"),
    )
    return redirect("reviews:employer")


@rule("review.employer")
@require_POST
def start_publicity(request: HttpRequest) -> HttpResponse:
    employer = employer_of(request.user, "review.employer")
    # Refused: back to the page of the tab the rows were ticked on, the form as it was posted (core.kept).
    page = posted_page(request)
    back = "/reviews/employer/?tab=publicity" + (f"&page={page}" if page else "")
    inputs = _inputs(request, ReviewPublicityInput)
    if inputs is None:
        keep(request, form="publicity", to=reverse("reviews:employer"))
        return redirect(back)
    try:
        publicity = services.start_publicity(actor=request.user, employer_id=employer.pk, **inputs)
    except DomainError as exc:
        messages.error(request, exc.message)
        keep(request, form="publicity", to=reverse("reviews:employer"))
        return redirect(back)
    messages.success(
        request, f"已开始公示，公示截止 {publicity.ends_on:%Y年%m月%d日}（{publicity.working_days} 个工作日）。"
    )
    return redirect("reviews:publicity", pk=publicity.pk)


# 公示表: people per page (the sheet of a big unit's 公示 is printed page by page).
PUBLICITY_PAGE = 100


@rule("review.employer")
@guards("publicity", "manage")
def publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """公示表 (printable) with its objections and how they were handled: the people by name, a page of
    PUBLICITY_PAGE at a time (a unit of thousands publicises thousands; each page prints on its own)."""
    employer = employer_of(request.user, "review.employer")
    item = get_object_or_404(Publicity.objects.select_related("round", "employer"), pk=pk, employer=employer)
    # Every person of the 公示 must be reachable: an exact count (one publicity's rows, by its index), no cap.
    page = Paginator(selectors.publicity_rows(item), PUBLICITY_PAGE).get_page(request.GET.get("page"))
    objections = list(item.objections.select_related("declaration__applicant"))
    return render(
        request,
        "reviews/publicity.html",
        {
            "publicity": item,
            "declarations": page.object_list,
            "page": page,
            "query": query_without_page(request),
            "objections": objections,
            "today": services.today(),
        },
    )


@rule("review.employer")
@require_POST
@guards("publicity", "manage")
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    employer = employer_of(request.user, "review.employer")
    item = get_object_or_404(Publicity, pk=pk, employer=employer)
    inputs = _inputs(request, ReviewObjectionInput)
    if inputs is not None and _done(
        request, services.record_objection, "已登记异议；异议处理完毕前不能上报。", **inputs
    ):
        return redirect("reviews:publicity", pk=item.pk)
    # Refused: the sheet's page the person was chosen on, the form as it was posted (core.kept).
    page = posted_page(request)
    keep(request, form="objection", to=reverse("reviews:publicity", args=[item.pk]))
    return redirect(reverse("reviews:publicity", args=[item.pk]) + (f"?page={page}" if page else ""))


@rule("review.employer")
@require_POST
@guards("objection", "manage")
def handle_objection(request: HttpRequest, pk: int, objection_id: int) -> HttpResponse:
    employer = employer_of(request.user, "review.employer")
    item = get_object_or_404(Publicity, pk=pk, employer=employer)
    get_object_or_404(item.objections, pk=objection_id)
    inputs = _inputs(request, ReviewObjectionHandleInput)
    if inputs is not None and _done(
        request, services.handle_objection, "异议已处理。", objection_id=objection_id, **inputs
    ):
        return redirect("reviews:publicity", pk=item.pk)
    # Refused: the same page of the sheet, the 处理情况 as it was written (core.kept; one form per objection).
    page = posted_page(request)
    keep(request, form=f"handling:{objection_id}", to=reverse("reviews:publicity", args=[item.pk]))
    return redirect(reverse("reviews:publicity", args=[item.pk]) + (f"?page={page}" if page else ""))


@rule("review.employer")
@require_POST
def forward(request: HttpRequest) -> HttpResponse:
    employer = employer_of(request.user, "review.employer")
    # Refused: back to the page of the tab the rows were ticked on, the form as it was posted (core.kept).
    page = posted_page(request)
    back = "/reviews/employer/?tab=forward" + (f"&page={page}" if page else "")
    inputs = _inputs(request, ReviewForwardInput)
    if inputs is None:
        keep(request, form="forward", to=reverse("reviews:employer"))
        return redirect(back)
    try:
        done = services.forward(actor=request.user, employer_id=employer.pk, **inputs)
    except DomainError as exc:
        messages.error(request, exc.message)
        keep(request, form="forward", to=reverse("reviews:employer"))
        return redirect(back)
    messages.success(request, f"已上报 {len(done)} 份申报材料；上报后材料只读。")
    return redirect("/reviews/employer/?tab=forward")


# ---------------------------------------------------------------- one declaration, every level


def _visible(request: HttpRequest, pk: int) -> Any:
    declaration = get_object_or_404(
        selectors.tracked_by(request.user).select_related(
            "applicant", "employer", "round__series", "current_org", "publicity"
        ),
        pk=pk,
    )
    return declaration


@rule("declaration.track")
@guards("declaration", "view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One declaration as received (the snapshot), its 审核记录, and the decision the viewer may take here."""
    declaration = _visible(request, pk)
    user: Any = request.user
    desk = declaration.current_org
    status = declaration.status
    mine = declaration.applicant_id == person_pk(user)
    # A returned declaration's page sends to 申报材料 only those who may mend it there (the applicant, or a colleague
    # ticked 填写材料); a reviewer reads that it went back.
    may_fill = status == Status.RETURNED and declaration_policy.allows(user, declaration, Purpose.FILL)
    decide = {
        "employer": status == Status.WITH_EMPLOYER and can(user, "review.employer", desk),
        "opinion": status == Status.WITH_EMPLOYER and can(user, "review.opinion", desk),
        "department": status == Status.IN_REVIEW and can(user, "review.department", desk),
        "qualification": status == Status.QUALIFICATION_CHECK and can(user, "review.qualification", desk),
        "return": status == Status.QUALIFICATION_CHECK and can(user, "review.return", desk),
    }
    slots = []
    if decide["opinion"]:
        given = {o.slot: o for o in declaration.internal_opinions.select_related("author")}
        required = services.slots_for(declaration)
        slots = [
            {"slot": s, "label": OpinionSlot(s).label, "given": given.get(s), "mine": user.has_sub_permission(s)}
            for s in required
        ]
    checks = []
    if status in (Status.QUALIFICATION_CHECK, Status.ACCEPTED, Status.REJECTED) and (
        decide["qualification"] or decide["return"] or can(user, "review.inbox", declaration.employer)
    ):
        done = {c.key: c for c in CheckItem.objects.filter(declaration=declaration)}
        checks = [{"key": k, "label": label, "done": done.get(k)} for k, label in services.check_items_of(declaration)]
    return render(
        request,
        "reviews/detail.html",
        {
            "declaration": declaration,
            "data": declaration.snapshot or {},
            "records": list(selectors.records_of(declaration)),
            "stage": "已退回申报人修改"
            if status == Status.RETURNED and not may_fill
            else STAGE_FOR_APPLICANT.get(status, ""),
            "decide": decide,
            "slots": slots,
            "checks": checks,
            "sections": services.SECTIONS,
            "mine": mine,
            "may_fill": may_fill,
        },
    )


# Every decision the detail page posts to `decide`, by the form's `decision`: its inputs (declared once, in
# reviews.serializers, as the API validates them), its service and what the user is told when it is done.
DECISIONS: dict[str, tuple[type[DecisionInput], Any, str]] = {
    "employer_pass": (ReviewEmployerPassInput, services.employer_pass, "单位审核通过。"),
    "employer_return": (ReviewEmployerReturnInput, services.employer_return, "已退回申报人。"),
    "opinion": (ReviewOpinionInput, services.give_internal_opinion, "意见已保存。"),
    "pass": (ReviewPassInput, services.department_pass, "审核通过，已报送上级。"),
    "return": (ReviewReturnInput, services.return_declaration, "已退回。"),
    "check": (ReviewCheckItemInput, services.check_item, "审查结果已保存。"),
    "accept": (ReviewAcceptInput, services.accept, "已受理。"),
    "reject": (ReviewRejectInput, services.reject, "已不予受理。"),
}


@rule("declaration.track")
@guards("declaration", "view")
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Every decision on the detail page posts here with `decision` naming it."""
    _visible(request, pk)
    decision = DECISIONS.get(request.POST.get("decision", ""))
    if decision is None:
        messages.error(request, "未知的操作。")
        return redirect("reviews:detail", pk=pk)
    serializer_class, call, success = decision
    inputs = _inputs(request, serializer_class)
    if inputs is None or not _done(request, call, success, declaration_id=pk, **inputs):
        # Refused: the page shows the form again with what was typed and ticked (core.kept). A form of many on
        # the page (one 问题说明 per item, one 意见 per slot) is named with its item or slot.
        which = request.POST.get("key") or request.POST.get("slot") or ""
        form = f"{request.POST['decision']}:{which}" if which else request.POST["decision"]
        keep(request, form=form, to=reverse("reviews:detail", args=[pk]))
    return redirect("reviews:detail", pk=pk)


# ---------------------------------------------------------------- lists


def _filter_choices(request: HttpRequest) -> dict[str, Any]:
    return {
        "rounds": rounds_visible_to(request.user).exclude(status="draft").only("pk", "title")[:200],
        "series": Entry.objects.filter(type__code="series", is_active=True).only("pk", "name"),
        "levels": Entry.objects.filter(type__code="level", is_active=True).only("code", "name"),
        "params": request.GET,
        "query": query_without_page(request),
    }


def _staff_list(
    request: HttpRequest, list_key: str, per_page: int = 20, whole_count: int | None = None
) -> dict[str, Any]:
    """What a staff list page shows (issue 15 point 7): the page of rows with the user's columns (列设置), the
    search and sort as asked, headers that add a sort key on click, and the notes about the request.
    `whole_count`: the list's capped count before any filter or search, when the page has it already."""
    query = selectors.list_query(request.user, list_key, request.GET, whole_count=whole_count)
    paginator = CappedPaginator(selectors.list_rows(query), per_page)
    if query.count is not None:
        paginator.__dict__["count"] = query.count  # counted once already, with the same filters (cached_property)
    page = paginator.get_page(request.GET.get("page"))
    notes = list(query.notes)
    if query.search.kind == "name" and paginator.capped:
        notes.append(
            f"姓名“{query.search.value}”匹配超过 {COUNT_CAP:,} 条，只列出前 {COUNT_CAP:,} 条；"
            "请改用证件号码查找，或加上评审活动、申报单位等条件缩小范围。"
        )
    columns = selectors.columns_for(request.user, list_key)
    base = request.GET.copy()
    base.pop("page", None)
    unsorted = base.copy()
    unsorted.pop("sort", None)
    shown = {c.key for c in columns}
    labels = {c.key: c.label for c in query.definition.columns}
    stages = STAGE_FOR_APPLICANT if list_key == "tracking" else {}
    rows = [
        (d, row_cells(d, columns, serial=page.start_index() + i, stage=stages.get(d.status, "")))
        for i, d in enumerate(page.object_list)
    ]
    return {
        "page": page,
        "rows": rows,
        "headers": headers_for(columns, query.sort, base),
        "list_key": list_key,
        "search": query.search,
        "sort_summary": [(labels[key], desc) for key, desc in query.sort.keys],
        "unsorted_url": "?" + unsorted.urlencode(),
        "notes": notes,
        "column_choices": [(c, c.key in shown) for c in query.definition.columns],
        **_filter_choices(request),
    }


# 填写材料 on 管理材料 offers a list of colleagues up to this many; a bigger unit types the 证件号码 instead (the list
# pattern, issue 12: never every staff row in the page).
COLLEAGUE_CHOICES = 200


@rule("declaration.fill")
def manage(request: HttpRequest) -> HttpResponse:
    """管理材料: the employer's declarations (search, sort, 列设置 like the other staff lists), the counts per
    round, and 填写材料 for a colleague."""
    employer = employer_of(request.user, "declaration.fill")
    # In the unique (employer, person) index order, one row more than offered (a big unit types the number).
    colleagues = list(
        EmployerStaff.objects.filter(employer=employer, is_active=True)
        .select_related("person")
        .only("person", "person__real_name")
        .order_by("employer_id", "person_id")[: COLLEAGUE_CHOICES + 1]
    )
    many_colleagues = len(colleagues) > COLLEAGUE_CHOICES
    colleagues = [] if many_colleagues else sorted(colleagues, key=lambda c: (c.person.real_name, c.person.pk))
    open_rounds = rounds_visible_to(request.user).filter(status="published", scope__isnull=False).distinct()
    return render(
        request,
        "reviews/manage.html",
        {
            "employer": employer,
            "summary": employer_counts(request.user, employer),
            "colleagues": colleagues,
            "many_colleagues": many_colleagues,
            "open_rounds": open_rounds[:100],
            "statuses": Status.choices,
            **_staff_list(request, "manage", per_page=50),
        },
    )


@rule("review.inbox")
def inbox(request: HttpRequest) -> HttpResponse:
    """待审核材料: declarations at the user's desk, with filters, search, sort, 列设置 and 批量审核通过."""
    return render(request, "reviews/inbox.html", _staff_list(request, "inbox"))


def _save_columns(request: HttpRequest, list_key: str, page: str) -> HttpResponse:
    """列设置 / 恢复默认 of one list, then back to the list with its query."""
    if request.POST.get("reset") == "1":
        _done(request, services.reset_columns, "已恢复默认列。", list_key=list_key)
    else:
        _done(
            request, services.save_columns, "已保存列设置。", list_key=list_key, columns=request.POST.getlist("columns")
        )
    back = _list_as_it_was(request)
    return redirect(reverse(page) + (f"?{back.urlencode()}" if back else ""))


def _list_as_it_was(request: HttpRequest) -> QueryDict:
    """The query a list's form posted back (its hidden ``query``), with only the list's own filters in it."""
    asked = QueryDict(request.POST.get("query", ""))
    back = QueryDict(mutable=True)
    for key in FILTERS:
        values = [v for v in asked.getlist(key) if v]
        if values:
            back.setlist(key, values)
    return back


@rule("review.inbox")
@require_POST
def inbox_columns(request: HttpRequest) -> HttpResponse:
    return _save_columns(request, "inbox", "reviews:inbox")


@rule("declaration.track")
@require_POST
def tracking_columns(request: HttpRequest) -> HttpResponse:
    return _save_columns(request, "tracking", "reviews:tracking")


@rule("review.inbox")
@require_POST
def accepted_columns(request: HttpRequest) -> HttpResponse:
    return _save_columns(request, "accepted", "reviews:accepted")


@rule("declaration.fill")
@require_POST
def manage_columns(request: HttpRequest) -> HttpResponse:
    return _save_columns(request, "manage", "reviews:manage")


@rule("review.inbox")
@require_POST
def batch_pass(request: HttpRequest) -> HttpResponse:
    inputs = _inputs(request, ReviewBatchPassInput)
    if inputs is not None and _done(request, services.batch_pass, "已批量审核通过。", **inputs):
        return redirect("reviews:inbox")
    # Refused: back to the list as it was (its filters and page, as 列设置 carries them), the ticks and the
    # 审核意见 as they were posted (core.kept).
    keep(request, form="batch_pass", to=reverse("reviews:inbox"))
    back = _list_as_it_was(request)
    page = posted_page(request)
    if page:
        back["page"] = page
    return redirect(reverse("reviews:inbox") + (f"?{back.urlencode()}" if back else ""))


@rule("declaration.track")
def returned(request: HttpRequest) -> HttpResponse:
    """被退回的材料: the applicant's own, or the employer's, with the latest 审核记录 of the return."""
    queryset = selectors.tracked_by(request.user).filter(status=Status.RETURNED)
    employer = getattr(request.user, "organisation", None)
    if not can(request.user, "declaration.fill", employer):
        queryset = queryset.filter(applicant_id=person_pk(request.user))
    else:
        queryset = queryset.filter(employer=employer)
    page = paginate(request, for_list(queryset, "applicant", "round").order_by(*RECENT_FIRST))
    latest = selectors.last_returns(list(page.object_list))
    rows = [(d, latest.get(d.pk)) for d in page.object_list]
    return render(request, "reviews/returned.html", {"page": page, "rows": rows})


@rule("declaration.track")
def tracking(request: HttpRequest) -> HttpResponse:
    """上报材料跟踪: where every declaration is — organisation, step, since when."""
    counts = selectors.status_counts(request.user)
    # Unfiltered, the list holds VIEW's rows of every status: the counts per status add up to its total.
    whole = capped_total(counts.values())
    return render(
        request,
        "reviews/tracking.html",
        {"counts": counts, "statuses": Status.choices, **_staff_list(request, "tracking", whole_count=whole)},
    )


def _seal_url(declaration: Any) -> str | None:
    from django.urls import reverse

    has_seal = EmployerProfile.objects.filter(organisation_id=declaration.employer_id).exclude(seal_stamp="").exists()
    return reverse("reviews:seal", args=[declaration.pk]) if has_seal else None


@rule("declaration.track")
@guards("declaration", "view")
def print_form(request: HttpRequest, pk: int) -> HttpResponse:
    """评审表 as the reviewer received it: the snapshot, with the 单位意见 and the employer's seal."""
    from django.urls import reverse

    declaration = _visible(request, pk)
    if not declaration.snapshot:
        raise Http404
    return render(
        request,
        "declarations/print.html",
        {
            "declaration": declaration,
            "data": declaration.snapshot,
            "is_snapshot": True,
            "seal_url": _seal_url(declaration) if declaration.employer_opinion else None,
            "back_url": reverse("reviews:detail", args=[declaration.pk]),
        },
    )


@rule("declaration.track")
@guards("declaration", "view")
def seal(request: HttpRequest, pk: int) -> HttpResponse:
    """The employer's 电子签章 image, for whoever may see the declaration it is stamped on."""
    declaration = _visible(request, pk)
    profile = EmployerProfile.objects.filter(organisation_id=declaration.employer_id).first()
    if profile is None or not profile.seal_stamp or not declaration.employer_opinion:
        raise Http404
    with profile.seal_stamp.open("rb") as stamp:
        response = HttpResponse(stamp.read(), content_type="image/png")
    response["Content-Disposition"] = "inline; filename=seal.png"
    response["Cache-Control"] = "no-store"
    return response


@rule("review.inbox")
def accepted(request: HttpRequest) -> HttpResponse:
    """已受理名单: per round, the declarations accepted in the user's subtree — the list for the committee."""
    return render(request, "reviews/accepted.html", _staff_list(request, "accepted", per_page=50))
