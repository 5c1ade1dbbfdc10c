"""Pages for people: 本级人员授权, the level below's administrators, 工作账号管理 (个人申报账号)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from title_review.access import people as policy
from title_review.access.decorators import guards, rule
from title_review.access.policies import employer_of
from title_review.accounts.models import FilingPermission
from title_review.core.errors import DomainError
from title_review.core.identity import mask_identity
from title_review.core.pagination import registry_page

from . import filing, membership, people
from .employers import recovery_employers
from .models import Organisation
from .one_time import show_once, shown
from .people_forms import (
    ChildAdminForm,
    FilingAccountForm,
    FilingBatchForm,
    FilingEditForm,
    JoinUnitForm,
    PersonForm,
    RolesForm,
)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


def _put_error(form: forms.Form, exc: DomainError) -> None:
    field = getattr(exc, "field", "") or None
    form.add_error(field if field in form.fields else None, exc.message)


# ---- 本级人员授权 ------------------------------------------------------------------------------


@rule("people.manage")
def people_page(request: HttpRequest) -> HttpResponse:
    """本级人员授权: the organisation's own people, their roles, 添加, 启用/停用, 密码重置."""
    organisation = policy.people_home(request.user)
    roles = policy.grantable_roles(organisation)
    form = PersonForm(request.POST or None, roles=roles)
    if request.method == "POST":
        action = request.POST.get("action", "add")
        try:
            if action == "add":
                if form.is_valid():
                    data = form.cleaned_data
                    pair = people.add_person(
                        actor=request.user,
                        organisation_id=organisation.pk,
                        username=data["username"],
                        real_name=data["real_name"],
                        phone=data["phone"],
                        roles=data["roles"],
                    )
                    messages.success(request, f"已添加 {pair[0].username}。")
                    return show_once(request, [pair], "organisations:people")
            elif action == "reset":
                pair = people.reset_person_password(actor=request.user, user_id=_int(request.POST.get("user")))
                messages.success(request, f"已重置 {pair[0].username} 的密码，原密码立即失效。")
                return show_once(request, [pair], "organisations:people")
            elif action in ("enable", "disable"):
                user = people.set_person_active(
                    actor=request.user, user_id=_int(request.POST.get("user")), active=action == "enable"
                )
                messages.success(request, f"已{'启用' if action == 'enable' else '停用'} {user.username}。")
                return redirect("organisations:people")
        except DomainError as exc:
            if action == "add":
                _put_error(form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("organisations:people")
    rows = [{"user": u, "roles": people.role_labels(u, organisation)} for u in people.people_of(organisation)]
    return render(
        request,
        "organisations/people.html",
        {"organisation": organisation, "form": form, "rows": rows, "created": shown(request)},
    )


@rule("people.manage")
@guards("account", "manage")
def person_roles(request: HttpRequest, pk: int) -> HttpResponse:
    """分配角色 (and the name) of one of the organisation's people."""
    user = policy.accounts.get(request.user, pk, "manage")
    organisation = user.organisation
    if organisation is None:  # organisation accounts always belong somewhere
        raise Http404
    held = [g.role for g in user.grants.filter(organisation=organisation)]
    form = RolesForm(
        request.POST or None,
        roles=policy.grantable_roles(organisation),
        initial={"real_name": user.real_name, "roles": held},
    )
    if request.method == "POST" and form.is_valid():
        try:
            people.change_roles(
                actor=request.user,
                user_id=user.pk,
                roles=form.cleaned_data["roles"],
                real_name=form.cleaned_data["real_name"],
            )
        except DomainError as exc:
            _put_error(form, exc)
        else:
            messages.success(request, f"已保存 {user.username} 的角色。")
            return redirect("organisations:people")
    return render(request, "organisations/person_roles.html", {"account": user, "form": form})


# ---- The level below ---------------------------------------------------------------------------


@rule("organisation.view")
@require_POST
@guards("account", "child_admin")
def child_admin_action(request: HttpRequest, pk: int) -> HttpResponse:
    """On a direct child's administrator: 密码重置, 停用, 启用, 注销."""
    user = policy.accounts.get(request.user, pk, "child_admin")
    organisation_id = user.organisation_id
    action = request.POST.get("action", "")
    try:
        if action == "reset":
            pair = people.reset_child_admin(actor=request.user, user_id=user.pk)
            messages.success(request, f"已重置 {user.username} 的密码，原密码立即失效。")
            return show_once(request, [pair], "organisations:detail", pk=organisation_id)
        if action in ("enable", "disable"):
            people.set_child_admin_active(actor=request.user, user_id=user.pk, active=action == "enable")
            messages.success(request, f"已{'启用' if action == 'enable' else '停用'} {user.username}。")
        elif action == "cancel":
            people.cancel_child_admin(actor=request.user, user_id=user.pk, reason=request.POST.get("reason", ""))
            messages.success(request, f"已注销管理员 {user.username}。")
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("organisations:detail", pk=organisation_id)


@rule("organisation.view")
@require_POST
@guards("account", "reset_employer")
def reset_employer(request: HttpRequest, pk: int) -> HttpResponse:
    """职改办重置单位密码."""
    user = policy.accounts.get(request.user, pk, "reset_employer")
    pair = people.reset_employer_admin(actor=request.user, user_id=user.pk)
    messages.success(request, f"已重置单位账号 {user.username} 的密码，原密码立即失效。")
    return show_once(request, [pair], "organisations:detail", pk=user.organisation_id)


@rule("organisation.view")
@guards("organisation", "view")
def recreate_admin(request: HttpRequest, pk: int) -> HttpResponse:
    """重建: a new administrator for a direct child organisation."""
    organisation = Organisation.objects.filter(pk=pk).select_related("parent").first()
    if organisation is None or not policy.manages_child_admins(request.user, organisation):
        raise Http404
    form = ChildAdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pair = people.recreate_child_admin(
                actor=request.user,
                organisation_id=organisation.pk,
                username=form.cleaned_data["username"],
                real_name=form.cleaned_data["real_name"],
                phone=form.cleaned_data["phone"],
            )
        except DomainError as exc:
            _put_error(form, exc)
        else:
            messages.success(request, f"已为“{organisation.name}”创建管理员 {pair[0].username}。")
            return show_once(request, [pair], "organisations:detail", pk=organisation.pk)
    return render(request, "organisations/recreate_admin.html", {"org": organisation, "form": form})


# ---- 工作账号管理: 个人申报账号 ----------------------------------------------------------------------


@rule("employer.manage")
def filing_accounts(request: HttpRequest) -> HttpResponse:
    """工作账号管理 (Hangzhou unit manual 2.1): 添加, 批量新增账号, 修改, 删除, 审核, 密码重置."""
    employer = employer_of(request.user, "employer.manage")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = FilingAccountForm(request.POST if action == "add" else None, prefix="one")
    batch = FilingBatchForm(request.POST if action == "batch" else None, prefix="batch")
    if request.method == "POST":
        try:
            if action == "add" and form.is_valid():
                data = form.cleaned_data
                pair = filing.create_filing_account(
                    actor=request.user,
                    employer_id=employer.pk,
                    username=data["username"],
                    permissions=data["permissions"],
                    real_name=data["real_name"],
                    id_type=data["id_type"] or "01",
                    id_number=data["id_number"],
                )
                return show_once(request, [pair], "organisations:filing_accounts")
            if action == "batch" and batch.is_valid():
                pairs = filing.batch_create_filing_accounts(
                    actor=request.user,
                    employer_id=employer.pk,
                    count=batch.cleaned_data["count"],
                    permissions=batch.cleaned_data["permissions"],
                )
                messages.success(request, f"已批量新增 {len(pairs)} 个个人申报账号。")
                return show_once(request, pairs, "organisations:filing_accounts")
            if action in ("enable", "disable", "reset", "delete", "approve", "refuse"):
                return _filing_action(request, action)
        except DomainError as exc:
            _put_error(form if action == "add" else batch, exc)
    listing = registry_page(
        request, filing.filing_accounts_of(employer), "username__icontains", "person__real_name__contains"
    )
    labels = dict(FilingPermission.choices)
    rows = [
        {
            "user": u,
            "permissions": "、".join(str(labels.get(p, p)) for p in u.permissions),
            "id_number": mask_identity(u.person.id_number) if u.person else "",
        }
        for u in listing["page"].object_list
    ]
    asked = membership.pending_requests(employer)
    requests = [
        {"person": p, "id_number": mask_identity(p.id_number), "asked": asked.get(p.pk)}
        for p in filing.join_requests_for(employer)
    ]
    return render(
        request,
        "organisations/filing_accounts.html",
        {
            "employer": employer,
            "form": form,
            "batch": batch,
            "rows": rows,
            "requests": requests,
            "created": shown(request),
            **listing,
        },
    )


def _filing_action(request: HttpRequest, action: str) -> HttpResponse:
    target = _int(request.POST.get("user"))
    try:
        if action == "reset":
            pair = filing.reset_filing_password(actor=request.user, user_id=target)
            messages.success(request, f"已重置 {pair[0].username} 的密码，原密码立即失效。")
            return show_once(request, [pair], "organisations:filing_accounts")
        if action == "delete":
            filing.delete_filing_account(actor=request.user, user_id=target)
            messages.success(request, "已删除。")
        elif action in ("approve", "refuse"):
            person = filing.review_join_request(
                actor=request.user,
                person_id=target,
                approve=action == "approve",
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, f"已{'开通' if action == 'approve' else '禁用'}：{person.real_name}。")
        else:
            user = filing.set_filing_account_active(actor=request.user, user_id=target, active=action == "enable")
            messages.success(request, f"已{'开通' if action == 'enable' else '禁用'} {user.username}。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("organisations:filing_accounts")


@rule("employer.manage")
@guards("filing_account", "manage")
def edit_filing_account(request: HttpRequest, pk: int) -> HttpResponse:
    """修改个人申报账号: permissions and the person (the user name stays)."""
    user = policy.filing_accounts.get(request.user, pk, "manage")
    person = user.person
    form = FilingEditForm(
        request.POST or None,
        initial={
            "permissions": user.permissions,
            "real_name": person.real_name if person else "",
            "id_type": person.id_type if person else "01",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filing.update_filing_account(
                actor=request.user,
                user_id=user.pk,
                permissions=data["permissions"],
                real_name=data["real_name"],
                id_type=data["id_type"] or "01",
                id_number=data["id_number"],
            )
        except DomainError as exc:
            _put_error(form, exc)
        else:
            messages.success(request, f"已保存 {user.username}。")
            return redirect("organisations:filing_accounts")
    return render(
        request,
        "organisations/filing_account_edit.html",
        {"account": user, "form": form, "id_number": mask_identity(person.id_number) if person else ""},
    )


@rule("declaration.declare")
def join_unit(request: HttpRequest) -> HttpResponse:
    """申请加入单位: a self-registered person asks a unit to take them on (the unit's 审核 decides)."""
    user: Any = request.user
    if getattr(user, "kind", "") != "personal":
        raise Http404
    query = (request.POST.get("credit_code") or request.GET.get("credit_code") or "").strip()
    employers = recovery_employers(query.upper())
    by_name = not employers and bool(query) and not query.isascii()
    refusal = ""
    if by_name:
        try:
            employers = membership.employers_named(query)
        except DomainError as exc:
            refusal = exc.message
    form = JoinUnitForm(request.POST or None, employers=employers)
    if request.method == "POST" and form.is_valid():
        if refusal:
            form.add_error("credit_code", refusal)
        elif not employers:
            form.add_error(
                "credit_code",
                f"没有找到{'名称含该文字' if by_name else '该统一社会信用代码'}的单位，请核对或联系单位先注册。",
            )
        else:
            chosen = form.cleaned_data.get("employer") or (employers[0].pk if len(employers) == 1 else None)
            if chosen is None:
                form.add_error("employer", "找到多个单位（或该信用代码在多个归口部门下注册），请选择您所在的单位。")
            else:
                try:
                    person = filing.request_to_join(person=user, employer_id=chosen)
                except DomainError as exc:
                    _put_error(form, exc)
                else:
                    unit = person.requested_unit.name if person.requested_unit else ""
                    messages.success(request, f"已向“{unit}”提交加入申请，请等待单位审核。")
                    return redirect("accounts:profile")
    return render(
        request,
        "organisations/join_unit.html",
        {
            "form": form,
            "employers": employers,
            "history": membership.history_of(user),
            "last_request": membership.latest_request(user),
        },
    )
