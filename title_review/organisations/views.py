from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from title_review.access.decorators import rule
from title_review.access.policies import can
from title_review.core.errors import DomainError
from title_review.core.excel import build_template, xlsx_response
from title_review.core.pagination import paginate, query_without_page
from title_review.core.stash import drop_stash, open_stash, stash
from title_review.dictionaries.selectors import region_choices

from . import services
from .forms import ChildOrganisationForm, ImportForm, TreeSearchForm
from .models import OrganisationKind
from .selectors import organisation_tree, visible_organisation


@rule("organisation.view")
def tree(request: HttpRequest) -> HttpResponse:
    form = TreeSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(
        request,
        organisation_tree(
            request.user, q=filters.get("q", ""), kind=filters.get("kind", ""), status=filters.get("status", "")
        ),
        per_page=50,
    )
    # Indent relative to the shallowest organisation shown, so every user's tree starts at the margin.
    base_depth = min((org.depth for org in page.object_list), default=1)
    rows = [
        {
            "org": org,
            "indent": min(org.depth - base_depth, 5),
            "can_add": can(request.user, "organisation.create_child", org)
            and org.is_active
            and bool(services.ALLOWED_CHILDREN[org.kind]),
            "can_disable": can(request.user, "organisation.disable", org),
            "can_remove": can(request.user, "organisation.remove", org),
        }
        for org in page.object_list
    ]
    context = {"form": form, "page": page, "rows": rows, "query": query_without_page(request)}
    template = "organisations/_tree_table.html" if request.htmx else "organisations/tree.html"  # type: ignore[attr-defined]  # django-htmx
    return render(request, template, context)


@rule("organisation.view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = visible_organisation(request.user, pk)
    context = {
        "org": org,
        "children_count": org.children.count(),
        "accounts": org.accounts.order_by("username")[:50],
        "can_add": can(request.user, "organisation.create_child", org),
        "can_disable": can(request.user, "organisation.disable", org),
        "can_remove": can(request.user, "organisation.remove", org),
    }
    return render(request, "organisations/detail.html", context)


@rule("organisation.create_child")
def create_child(request: HttpRequest, pk: int) -> HttpResponse:
    parent = visible_organisation(request.user, pk)
    if not can(request.user, "organisation.create_child", parent):
        raise Http404
    form = ChildOrganisationForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org, admin, password = services.create_organisation_with_admin(
                actor=request.user,
                parent_id=parent.pk,
                name=data["name"],
                kind=data["kind"],
                region=data["region"],
                admin_username=data["admin_username"],
                admin_real_name=data["admin_real_name"],
                credit_code=data["credit_code"],
                contact_person=data["contact_person"],
                contact_phone=data["contact_phone"],
                address=data["address"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            # The one-time password is rendered once, never stored in clear nor sent by redirect.
            return render(request, "organisations/created.html", {"org": org, "admin": admin, "password": password})
    return render(request, "organisations/create_child.html", {"form": form, "parent": parent})


def _status_change(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    org = visible_organisation(request.user, pk)
    try:
        if change == "disable":
            services.disable_organisation(
                actor=request.user, organisation_id=org.pk, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"已停用“{org.name}”,其账号不能再登录。")
        elif change == "enable":
            services.enable_organisation(actor=request.user, organisation_id=org.pk)
            messages.success(request, f"已启用“{org.name}”。")
        else:
            parent_id = org.parent_id
            services.remove_organisation(actor=request.user, organisation_id=org.pk)
            messages.success(request, f"已删除“{org.name}”。")
            return redirect("organisations:detail", pk=parent_id) if parent_id else redirect("organisations:tree")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("organisations:detail", pk=org.pk)


@rule("organisation.disable")
@require_POST
def disable(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, "disable")


@rule("organisation.disable")
@require_POST
def enable(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, "enable")


@rule("organisation.remove")
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, "remove")


@rule("organisation.import")
def import_template(request: HttpRequest) -> HttpResponse:
    regions = [f"{r.code} {r.name}" for r in region_choices()]
    content = build_template(
        sheet="机构",
        headers=services.IMPORT_HEADERS,
        required=services.IMPORT_REQUIRED,
        choices={"机构类型": [str(label) for _v, label in OrganisationKind.choices], "所在地代码": regions},
        notes=[
            "带 * 的列必须填写；不要修改表头。",
            "上级机构代码：已在系统中的机构代码，或本文件前面行新增的机构代码之外的已有机构。",
            "所在地代码：从下拉列表选择，或填写 6 位行政区划代码。",
            "管理员登录名：字母和数字，4 到 30 位；导入成功后页面显示各管理员的一次性密码，只显示一次。",
            "导入先预检：有任何一行错误，则全部不导入。",
        ],
    )
    return xlsx_response("机构导入模板.xlsx", content)


@rule("organisation.import")
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    if request.method == "POST":
        token = request.POST.get("token", "")
        if token:
            return _import_commit(request, token)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.import_organisations(actor=request.user, upload=upload, commit=False)
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                context["result"] = result
                if not result.has_errors:
                    upload.seek(0)
                    context["token"] = stash(request.user, upload.read(), suffix=".xlsx")
    return render(request, "organisations/import.html", context)


def _import_commit(request: HttpRequest, token: str) -> HttpResponse:
    stored = open_stash(request.user, token, suffix=".xlsx")
    if stored is None:
        messages.error(request, "预检结果已失效，请重新上传文件。")
        return redirect("organisations:import")
    with stored:
        try:
            result = services.import_organisations(actor=request.user, upload=stored, commit=True)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("organisations:import")
    drop_stash(request.user, token, suffix=".xlsx")
    if result.committed:
        messages.success(
            request, f"已导入 {len(result.rows)} 个机构。请把下表中的一次性密码交给各管理员，本页关闭后不再显示。"
        )
    return render(request, "organisations/import.html", {"form": ImportForm(), "result": result})
