from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from title_review.access.declarations import Purpose
from title_review.access.declarations import policy as declaration_policy
from title_review.access.decorators import guards, rule
from title_review.access.policies import employer_of, person_pk
from title_review.accounts.models import User
from title_review.accounts.selectors import basic_information_of
from title_review.achievements.selectors import RECORD_MODELS
from title_review.achievements.teacher import teacher_rows
from title_review.attachments.services import attachments_of
from title_review.core.errors import DomainError
from title_review.core.kept import keep
from title_review.core.params import to_id, to_ids, to_int
from title_review.organisations.models import EmployerStaff
from title_review.rounds.selectors import rounds_visible_to

from . import precheck, services
from .forms import BasicInfoForm, TeacherSectionForm
from .models import PLEDGE_VERSION, Declaration
from .workflow import EDITABLE

PICK_SECTIONS = (
    ("education", "学历学位"),
    ("work", "工作经历"),
    ("training", "继续教育"),
    ("appraisal", "年度考核"),
    ("achievement", "业绩成果"),
)


@rule("declaration.declare")
def my_declarations(request: HttpRequest) -> HttpResponse:
    rows = (
        declaration_policy.visible(request.user, Purpose.FILL)
        .filter(applicant_id=person_pk(request.user))
        .select_related("round", "employer")
    )
    return render(request, "declarations/mine.html", {"rows": rows})


@rule("declaration.declare")
@guards("round", "view")
def start(request: HttpRequest, round_id: int) -> HttpResponse:
    """真实性承诺, then a draft."""
    round_ = get_object_or_404(rounds_visible_to(request.user), pk=round_id)
    if request.method == "POST":
        try:
            declaration = services.start_declaration(
                actor=request.user,
                round_id=round_.pk,
                pledge_version=PLEDGE_VERSION if request.POST.get("pledge") == "on" else "",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect("declarations:dossier", pk=declaration.pk)
    return render(request, "declarations/pledge.html", {"round": round_, "version": PLEDGE_VERSION})


def _picks_from(request: HttpRequest) -> dict[str, list[int]]:
    picks = {}
    for section, _label in PICK_SECTIONS:
        picks[section] = to_ids(request.POST.getlist(f"pick_{section}"))
    return picks


def _fillable(request: HttpRequest, pk: int) -> Any:
    """A declaration the user may fill: their own, or a colleague's through 填写材料; else 404."""
    return declaration_policy.get(
        request.user,
        pk,
        Purpose.FILL,
        Declaration.objects.select_related("round__series", "employer", "applicant"),
    )


def _dossier_row(request: HttpRequest, pk: int) -> Any:
    """The row the 申报材料 page shows (opened and saved many times over at a deadline, issue 12): with its
    round and series, and its applicant taken from the signed-in user when they are the same person (the
    usual case) rather than joined again; a colleague's draft (填写材料) loads its applicant when read."""
    declaration = declaration_policy.get(
        request.user, pk, Purpose.FILL, Declaration.objects.select_related("round__series")
    )
    if declaration.applicant_id == request.user.pk:
        declaration.applicant = request.user
    return declaration


@rule("declaration.edit")
@guards("declaration", "fill")
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """申报材料: every tab on one page, one 保存, the completeness list, 提交."""
    declaration = _dossier_row(request, pk)
    round_ = declaration.round
    editable = declaration.status in EDITABLE
    basic = BasicInfoForm(
        request.POST or None,
        round_=round_,
        initial={
            f: getattr(declaration, f)
            for f in (
                "route",
                "target_qualification",
                "specialty",
                "current_qualification",
                "current_qualification_date",
            )
        }
        | {"recommenders": "，".join(declaration.recommenders)},
    )
    teacher = TeacherSectionForm(request.POST or None, prefix="teacher", initial=declaration.section_data)
    if request.method == "POST" and editable and basic.is_valid() and teacher.is_valid():
        try:
            services.save_declaration(
                actor=request.user,
                declaration_id=declaration.pk,
                version=to_int(request.POST.get("version")) or 0,
                values=basic.cleaned_data,
                picks=_picks_from(request),
                section_data=teacher.cleaned_data,
            )
        except DomainError as exc:
            form = teacher if exc.field in teacher.fields else basic
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "已保存。")
            # ?saved=1 tells the page's script that the browser's unsaved copy can go.
            return redirect(reverse("declarations:dossier", args=[declaration.pk]) + "?saved=1")
    records, loaded = _records(request, declaration)
    # The precheck and the completeness list read the picked rows from those the page shows: no query each.
    precheck_results, precheck_passed = precheck.run(declaration, loaded=loaded)
    # Every attachment in one query, newest first (Attachment.Meta.ordering): the newest of each kind is shown.
    files = list(attachments_of(declaration))
    newest: dict[str, Any] = {}
    for attachment in files:
        newest.setdefault(attachment.kind, attachment)
    return render(
        request,
        "declarations/dossier.html",
        {
            "declaration": declaration,
            "round": round_,
            "basic": basic,
            "teacher": teacher,
            "teacher_rows": teacher_rows(loaded) if round_.series_section == "teacher" else None,
            "applicant_basic": basic_information_of(declaration.applicant),
            "editable": editable,
            # The applicant's own dossier, or a colleague's opened through 填写材料: the links to 我的申报, 业绩档案 and
            # 个人信息 are the signed-in user's own pages, so only the applicant is sent there.
            "own": declaration.applicant_id == person_pk(request.user),
            "records": records,
            "missing": (
                services.completeness(declaration, attachment_kinds=set(newest), loaded=loaded) if editable else []
            ),
            "review_form": newest.get("review_form"),
            "photo": newest.get("photo"),
            "id_card": newest.get("id_card"),
            "submitted_attachments": [] if editable else files,
            "precheck": precheck_results,
            "precheck_passed": precheck_passed,
            "last_return": (
                declaration.records.filter(action="return").select_related("organisation").order_by("-pk").first()
                if declaration.status == "returned"
                else None
            ),
        },
    )


def _records(request: HttpRequest, declaration: Any) -> tuple[list[dict[str, Any]], dict[str, list[Any]]]:
    """The 业绩档案 tabs (each row with its tick), and the applicant's rows by section."""
    posted = _picks_from(request) if request.method == "POST" else None
    result = []
    loaded: dict[str, list[Any]] = {}
    for section, label in PICK_SECTIONS:
        chosen = set(posted[section] if posted is not None else declaration.picks.get(section, []))
        rows = loaded[section] = list(RECORD_MODELS[section]._default_manager.filter(owner_id=declaration.applicant_id))
        result.append({"section": section, "label": label, "rows": [(r, r.pk in chosen) for r in rows]})
    return result, loaded


@rule("declaration.edit")
@guards("declaration", "fill")
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _fillable(request, pk)
    try:
        submitted = services.submit_declaration(actor=request.user, declaration_id=declaration.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已提交至单位审核。提交后材料不能再修改。")
        if declaration.snapshot_hash and declaration.snapshot_hash != submitted.snapshot_hash:
            messages.warning(request, "材料内容与上次提交时不同：已打印的评审表等表格须重新打印。")
    return redirect("declarations:dossier", pk=declaration.pk)


@rule("declaration.edit")
@guards("declaration", "fill")
@require_POST
def take_back(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _fillable(request, pk)
    try:
        services.take_back(actor=request.user, declaration_id=declaration.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤回提交，材料回到“填写中”，修改后可重新提交。")
    return redirect("declarations:dossier", pk=declaration.pk)


@rule("declaration.edit")
@guards("declaration", "fill")
def print_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """评审表 print preview: what was submitted (the snapshot), or the draft as it stands."""
    declaration = _fillable(request, pk)
    data = declaration.snapshot or services.preview(declaration)
    return render(
        request,
        "declarations/print.html",
        {"declaration": declaration, "data": data, "is_snapshot": bool(declaration.snapshot)},
    )


@rule("declaration.fill")
def manage(request: HttpRequest) -> HttpResponse:
    """管理材料 moved to the staff lists (reviews:manage: search, sort, 列设置); old links and bookmarks follow."""
    employer_of(request.user, "declaration.fill")
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("reviews:manage") + (f"?{query}" if query else ""))


@rule("declaration.fill")
@require_POST
def fill_for(request: HttpRequest) -> HttpResponse:
    """填写材料: open a draft for a colleague in a round (the filler accepts the 真实性承诺 on the form)."""
    employer_of(request.user, "declaration.fill")
    person_id, round_value = request.POST.get("person", ""), request.POST.get("round", "")
    person_pk_posted = to_id(person_id)
    person = User.objects.filter(pk=person_pk_posted).first() if person_pk_posted is not None else None
    id_number = request.POST.get("id_number", "").strip().upper()
    if person is None and id_number:
        # A big unit names the colleague by 证件号码 (start_declaration still checks the staff list).
        staff = EmployerStaff.objects.filter(
            employer=employer_of(request.user, "declaration.fill"), is_active=True, person__id_number=id_number
        )
        person = User.objects.filter(pk__in=staff.values("person_id")).first()
        if person is None:
            messages.error(request, "本单位工作人员中没有这个证件号码，请先在“单位工作人员”中登记。")
            return _fill_refused(request)
    round_id = to_id(round_value) or 0
    try:
        declaration = services.start_declaration(
            actor=request.user,
            round_id=round_id,
            applicant=person,
            pledge_version=PLEDGE_VERSION if request.POST.get("pledge") == "on" else "",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _fill_refused(request)
    return redirect("declarations:dossier", pk=declaration.pk)


def _fill_refused(request: HttpRequest) -> HttpResponse:
    """Back to 管理材料 with the 填写材料 form as it was posted (core.kept), kept for reviews:manage, where the
    redirect through declarations:manage lands; the list as it was (the form carries its query: the list reads
    the filters it knows and ignores the rest)."""
    keep(request, form="fill", to=reverse("reviews:manage"))
    query = QueryDict(request.POST.get("query", "")).urlencode()
    return redirect(reverse("declarations:manage") + (f"?{query}" if query else ""))


@rule("declaration.fill")
@require_POST
@guards("declaration", "fill")
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    declaration_policy.get(request.user, pk, Purpose.FILL)  # someone else's: 404, as for an unknown id
    try:
        services.delete_draft(actor=request.user, declaration_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除。")
    return redirect("declarations:manage")
