from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from title_review.access.decorators import guards, rule
from title_review.core.errors import DomainError
from title_review.core.params import to_id
from title_review.dictionaries.models import Entry

from . import services
from .forms import FORMS, SECTION_LABELS
from .selectors import RECORD_MODELS, paper_verified, pending_upload, proofs_of, records_visible_to

_FIELD_HINTS = {
    "graduated_on": ("毕业时间",),
    "ended_on": ("结束时间",),
    "started_on": ("开始时间",),
    "hours": ("学时",),
    "year": ("年度",),
    "author_rank": ("排名",),
    "date": ("时间",),
    "referee": ("证明人",),
    "education": ("学历",),
    "lesson_level": ("公开课级别",),
    "title": ("不属于公开课",),
}


def _proof_id(request: HttpRequest) -> int | None:
    value = request.POST.get("proof", "")
    return to_id(value)


def _section(section: str) -> str:
    if section not in RECORD_MODELS:
        raise Http404
    return section


@rule("achievement.manage")
def record_page(request: HttpRequest, section: str = "education") -> HttpResponse:
    """业绩档案: one tab per section, the rows, and a form to add one."""
    section = _section(section)
    form = FORMS[section](request.POST or None, prefix="add")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_record(
                actor=request.user, section=section, values=form.cleaned_data, proof_id=_proof_id(request)
            )
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, f"已保存到“{SECTION_LABELS[section]}”。")
            return redirect("achievements:section", section=section)
    rows = list(records_visible_to(request.user, RECORD_MODELS[section]))
    proofs = proofs_of(rows) if section == "achievement" else {}
    names = (
        dict(
            Entry.objects.filter(type__code__in=["education", "degree", "appraisal_result"]).values_list("code", "name")
        )
        if section in ("education", "appraisal")
        else {}
    )
    return render(
        request,
        "achievements/records.html",
        {
            "section": section,
            "sections": SECTION_LABELS,
            "form": form,
            "rows": [
                {
                    "row": row,
                    "proof": proofs.get(row.pk),
                    "verified": section == "achievement" and paper_verified(row, proofs),
                }
                for row in rows
            ],
            "names": names,
            "open_form": request.method == "POST",
            "pending_proof": pending_upload(request.user, request.POST.get("proof")),
            "not_open_lesson_note": services.NOT_OPEN_LESSON_NOTE,
        },
    )


def _attach(form, exc: DomainError) -> None:  # type: ignore[no-untyped-def]  # a ModelForm
    """The refusal at the field it names (the service's `field`, else the hints), or above the form."""
    message = exc.message
    if exc.field in form.fields:
        form.add_error(exc.field, message)
        return
    for field, words in _FIELD_HINTS.items():
        if field in form.fields and any(w in message for w in words):
            form.add_error(field, message)
            return
    form.add_error(None, message)


@rule("achievement.manage")
@guards("record", "own")
def edit_record(request: HttpRequest, section: str, pk: int) -> HttpResponse:
    section = _section(section)
    row = get_object_or_404(records_visible_to(request.user, RECORD_MODELS[section]), pk=pk)
    form = FORMS[section](request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_record(
                actor=request.user,
                section=section,
                values=form.cleaned_data,
                record_id=row.pk,
                proof_id=_proof_id(request),
            )
        except DomainError as exc:
            _attach(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("achievements:section", section=section)
    return render(
        request,
        "achievements/edit.html",
        {
            "section": section,
            "label": SECTION_LABELS[section],
            "form": form,
            "row": row,
            "pending_proof": pending_upload(request.user, request.POST.get("proof")),
            "not_open_lesson_note": services.NOT_OPEN_LESSON_NOTE,
        },
    )


@rule("achievement.manage")
@require_POST
@guards("record", "own")
def delete_record(request: HttpRequest, section: str, pk: int) -> HttpResponse:
    section = _section(section)
    row = get_object_or_404(records_visible_to(request.user, RECORD_MODELS[section]), pk=pk)
    try:
        services.delete_record(actor=request.user, section=section, record_id=row.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除。")
    return redirect("achievements:section", section=section)
