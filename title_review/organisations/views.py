from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from title_review.access.decorators import guards, rule
from title_review.access.policies import can
from title_review.core import importing
from title_review.core.errors import DomainError
from title_review.core.pagination import paginate, query_without_page
from title_review.jobs.imports import import_view

from . import people, services
from .forms import ChildOrganisationForm, TreeSearchForm
from .imports import ORGANISATIONS
from .one_time import shown
from .selectors import former_names, name_change_panel, organisation_tree, renames_to_decide, visible_organisation


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
    # A unit found by a former name (更名记录) says so, or the row would not seem to match.
    q = filters.get("q", "").strip()
    former = former_names([org.pk for org in page.object_list], q) if q else {}
    rows = [
        {
            "org": org,
            "indent": min(org.depth - base_depth, 5),
            "can_add": can(request.user, "organisation.create_child", org)
            and org.is_active
            and bool(services.ALLOWED_CHILDREN[org.kind]),
            "can_disable": can(request.user, "organisation.disable", org),
            "can_remove": can(request.user, "organisation.remove", org),
            "former_names": "、".join(former.get(org.pk, [])),
        }
        for org in page.object_list
    ]
    context = {"form": form, "page": page, "rows": rows, "query": query_without_page(request)}
    if not request.htmx:  # type: ignore[attr-defined]  # django-htmx
        context["renames"] = list(renames_to_decide(request.user)[:20])
    template = "organisations/_tree_table.html" if request.htmx else "organisations/tree.html"  # type: ignore[attr-defined]  # django-htmx
    return render(request, template, context)


@rule("organisation.view")
@guards("organisation", "view")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = visible_organisation(request.user, pk)
    context = {
        "org": org,
        "children_count": org.children.count(),
        **people.account_rows(request.user, org),
        "created": shown(request),
        "can_add": can(request.user, "organisation.create_child", org),
        "can_disable": can(request.user, "organisation.disable", org),
        "can_remove": can(request.user, "organisation.remove", org),
        **name_change_panel(request.user, org),
    }
    return render(request, "organisations/detail.html", context)


@rule("organisation.create_child")
@guards("organisation", "create_child")
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
@guards("organisation", "disable")
def disable(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, "disable")


@rule("organisation.disable")
@require_POST
@guards("organisation", "disable")
def enable(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, "enable")


@rule("organisation.remove")
@require_POST
@guards("organisation", "remove")
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, "remove")


@rule("organisation.import")
def import_template(request: HttpRequest) -> HttpResponse:
    return importing.template_response(ORGANISATIONS)


@rule("organisation.import")
def import_page(request: HttpRequest) -> HttpResponse:
    """导入机构 on the one import mechanism: template, dry run with per-row errors, all-or-nothing commit."""
    return import_view(
        request,
        ORGANISATIONS,
        template_url=reverse("organisations:import_template"),
        breadcrumb=[("机构树", reverse("organisations:tree"))],
        done_link=("返回机构树", reverse("organisations:tree")),
    )
