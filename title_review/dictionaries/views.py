from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from title_review.access.decorators import guards, rule
from title_review.access.policies import has_capability
from title_review.core import importing
from title_review.core.errors import DomainError
from title_review.core.excel import xlsx_response
from title_review.core.pagination import paginate, query_without_page
from title_review.core.stash import drop_stash, open_stash, stash
from title_review.jobs.imports import import_view

from . import codeset, services
from .forms import CodeSetUploadForm, EntryForm, EntrySearchForm
from .imports import ENTRIES
from .models import DictionaryType, Entry


@rule("dictionary.view")
def types(request: HttpRequest) -> HttpResponse:
    rows = DictionaryType.objects.annotate(
        active_count=Count("entries", filter=Q(entries__is_active=True)), total=Count("entries")
    ).order_by("sort_order", "code")
    return render(
        request,
        "dictionaries/types.html",
        {"types": rows, "can_manage": has_capability(request.user, "dictionary.manage")},
    )


@rule("dictionary.view")
def entries(request: HttpRequest, code: str) -> HttpResponse:
    dictionary_type = get_object_or_404(DictionaryType.objects.select_related("parent_type"), code=code)
    search = EntrySearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    qs = Entry.objects.filter(type=dictionary_type).select_related("parent")
    if not filters.get("show_disabled"):
        qs = qs.filter(is_active=True)
    if filters.get("q"):
        qs = qs.filter(Q(code__startswith=filters["q"]) | Q(name__icontains=filters["q"]))
    can_manage = has_capability(request.user, "dictionary.manage")
    form = EntryForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            messages.error(request, "字典由省级统一维护，您只能查看，不能修改。")
        elif form.is_valid():
            try:
                entry = services.create_entry(
                    actor=request.user,
                    type_id=dictionary_type.pk,
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    parent_code=form.cleaned_data["parent_code"],
                    sort_order=form.cleaned_data["sort_order"] or 0,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已新增“{entry.name}”。")
                return redirect("dictionaries:entries", code=code)
    page = paginate(request, qs.order_by("sort_order", "code"), per_page=50)
    return render(
        request,
        "dictionaries/entries.html",
        {
            "type": dictionary_type,
            "page": page,
            "search": search,
            "form": form,
            "can_manage": can_manage,
            "query": query_without_page(request),
        },
    )


@rule("dictionary.manage")
@guards("dictionary_entry", "manage")
def edit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("type", "parent"), pk=pk)
    initial = {
        "code": entry.code,
        "name": entry.name,
        "parent_code": entry.parent.code if entry.parent else "",
        "sort_order": entry.sort_order,
    }
    form = EntryForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(
                actor=request.user,
                entry_id=entry.pk,
                name=form.cleaned_data["name"],
                parent_code=form.cleaned_data["parent_code"],
                sort_order=form.cleaned_data["sort_order"] or 0,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("dictionaries:entries", code=entry.type.code)
    return render(request, "dictionaries/edit_entry.html", {"entry": entry, "form": form})


@rule("dictionary.manage")
@require_POST
@guards("dictionary_entry", "manage")
def toggle_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("type"), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_entry_active(actor=request.user, entry_id=entry.pk, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'启用' if active else '停用'}“{entry.name}”。")
    return redirect("dictionaries:entries", code=entry.type.code)


@rule("dictionary.view")
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "json"):
        raise Http404
    stamp = timezone.localdate().strftime("%Y%m%d")
    services.record_export(actor=request.user, fmt=fmt)
    if fmt == "xlsx":
        return xlsx_response(f"基本代码_{stamp}.xlsx", codeset.export_xlsx())
    response = HttpResponse(codeset.export_json(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="codeset_{stamp}.json"'
    return response


@rule("dictionary.manage")
def import_codeset(request: HttpRequest) -> HttpResponse:
    form = CodeSetUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST" and request.POST.get("token"):
        return _apply(request, request.POST["token"])
    if request.method == "POST" and form.is_valid():
        try:
            document = codeset.parse_upload(form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            changes = codeset.diff(document)
            context["changes"] = changes
            context["previewed"] = True
            if changes:
                context["token"] = stash(request.user, codeset.document_bytes(document), suffix=".json")
    return render(request, "dictionaries/import.html", context)


def _apply(request: HttpRequest, token: str) -> HttpResponse:
    stored = open_stash(request.user, token, suffix=".json")
    if stored is None:
        messages.error(request, "预览已失效，请重新上传代码文件。")
        return redirect("dictionaries:import")
    with stored:
        document = codeset.document_from_bytes(stored.read())
    changes = services.apply_codeset(actor=request.user, document=document)
    drop_stash(request.user, token, suffix=".json")
    added = sum(len(c.added) for c in changes)
    changed = sum(len(c.changed) for c in changes)
    disabled = sum(len(c.disabled) for c in changes)
    messages.success(request, f"代码已更新：新增 {added} 条，修改 {changed} 条，停用 {disabled} 条。")
    return redirect("dictionaries:types")


@rule("dictionary.manage")
def entry_import_template(request: HttpRequest) -> HttpResponse:
    return importing.template_response(ENTRIES)


@rule("dictionary.manage")
def import_entries(request: HttpRequest) -> HttpResponse:
    """导入字典条目: new entries from Excel, each through create_entry (province only)."""
    return import_view(
        request,
        ENTRIES,
        template_url=reverse("dictionaries:entry_import_template"),
        breadcrumb=[("代码字典", reverse("dictionaries:types"))],
        intro="按字典类型新增条目；已有的代码不能重复使用。整套代码的更新请用“接收更新代码”。",
        done_link=("返回代码字典", reverse("dictionaries:types")),
    )
