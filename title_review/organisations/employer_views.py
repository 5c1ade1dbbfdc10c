"""Pages of the employer: 单位注册, 单位忘记密码 (public) and 单位信息 / 工作人员 / 工作账号管理."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from title_review.access.decorators import guards, public, rule
from title_review.access.policies import employer_of
from title_review.accounts.models import AccountKind, SubAccountPermission, User
from title_review.core.clientip import client_ip
from title_review.core.errors import DomainError
from title_review.core.forms import attach_error
from title_review.core.identity import mask_identity, mask_phone
from title_review.core.kept import keep
from title_review.core.pagination import registry_page
from title_review.verification.captcha import check_captcha, new_captcha

from . import employers
from .employer_forms import (
    BatchSubAccountForm,
    EmployerRegistrationForm,
    MoveForm,
    RecoveryForm,
    RecoveryStartForm,
    StaffSearchForm,
    SubAccountEditForm,
    SubAccountForm,
)
from .models import EmployerProfile, EmployerStaff

_REGISTRATION_HINTS = {
    "credit_code": ("信用代码",),
    "username": ("登录名",),
    "password": ("密码",),
    "licence": ("营业执照",),
    "seal": ("签章", "印章"),
    "name": ("名为", "机构名称"),
    "legal_representative": ("法定代表人",),
    "contact_person": ("联系人",),
    "contact_phone": ("联系电话",),
    "parent": ("归口部门",),
}


@public
def register(request: HttpRequest) -> HttpResponse:
    """单位帐户注册."""
    form = EmployerRegistrationForm(request.POST or None, request.FILES or None)
    needs_confirmation = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org, admin = employers.register_employer(
                credit_code=data["credit_code"],
                credit_code_confirmed=data["credit_code_confirmed"],
                name=data["name"],
                legal_representative=data["legal_representative"],
                nature=data["nature"],
                industry=data["industry"],
                region=data["region"],
                address=data["address"],
                parent_id=data["parent"].pk,
                username=data["username"],
                password=data["password"],
                email=data["email"],
                contact_person=data["contact_person"],
                contact_phone=data["contact_phone"],
                licence=data["licence"],
                seal=data["seal"],
            )
        except employers.CreditCodeNeedsConfirmation as exc:
            needs_confirmation = True
            form.add_error("credit_code", exc.message)
        except DomainError as exc:
            attach_error(form, exc.message, _REGISTRATION_HINTS)
        else:
            messages.success(request, f"“{org.name}”注册成功，机构代码 {org.code}。请用登录名 {admin.username} 登录。")
            return redirect("accounts:login")
    if form.is_bound and form.errors and request.FILES:
        form.add_error(None, "提交未成功，已填写的内容已保留；出于安全原因，请重新选择要上传的文件。")
    return render(
        request, "organisations/employer_register.html", {"form": form, "needs_confirmation": needs_confirmation}
    )


@public
def name_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the name already known for a credit code, filled into the 单位名称 field."""
    name = employers.known_employer_name(request.GET.get("credit_code", ""))
    return render(
        request, "organisations/_name_field.html", {"name": name or request.GET.get("name", ""), "found": bool(name)}
    )


@public
def password_reset(request: HttpRequest) -> HttpResponse:
    """单位忘记密码: choose the employer, a staff member, that person's identity number, an SMS code."""
    start = RecoveryStartForm(request.GET or None)
    context: dict[str, Any] = {"start": start}
    if not start.is_valid():
        return render(request, "organisations/employer_password_reset.html", context)
    candidates = employers.recovery_employers(start.cleaned_data["credit_code"])
    context["candidates"] = candidates
    if not candidates:
        context["not_found"] = True
        return render(request, "organisations/employer_password_reset.html", context)
    employer_id = _int(request.POST.get("employer") or request.GET.get("employer") or str(candidates[0].pk))
    if employer_id not in {c.pk for c in candidates}:
        raise Http404
    staff = employers.recovery_staff(employer_id)
    form = RecoveryForm(request.POST or None, initial={"employer": employer_id})
    form.fields["employer"].choices = [(c.pk, f"{c.name}（{c.parent.name if c.parent else ''}）") for c in candidates]  # type: ignore[attr-defined]  # a ChoiceField
    form.fields["staff"].choices = [(s.pk, _masked_name(s.person.real_name)) for s in staff]  # type: ignore[attr-defined]  # a ChoiceField
    context.update(form=form, staff=staff, employer_id=employer_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("step") == "send":
                if not check_captcha(
                    request, request.POST.get("captcha_key", ""), request.POST.get("captcha_answer", "")
                ):
                    raise DomainError("图形验证码不正确，请重新输入。")
                masked = employers.send_employer_reset_code(
                    employer_id=data["employer"],
                    staff_id=data["staff"],
                    id_number=data["id_number"],
                    ip=client_ip(request),
                )
                context["sent_to"] = masked
            else:
                if not data.get("sms_code") or not data.get("new_password"):
                    raise DomainError("请填写短信验证码和新密码。")
                admin = employers.reset_employer_password(
                    employer_id=data["employer"],
                    staff_id=data["staff"],
                    id_number=data["id_number"],
                    sms_code=data["sms_code"],
                    new_password=data["new_password"],
                )
                messages.success(request, f"单位密码已重置，请用登录名 {admin.username} 和新密码登录。")
                return redirect("accounts:login")
        except DomainError as exc:
            attach_error(
                form, exc.message, {"id_number": ("证件号码",), "sms_code": ("验证码",), "new_password": ("密码",)}
            )
            context["sent_to"] = request.POST.get("sent_to", "")
    context["captcha_key"] = new_captcha(request)
    return render(request, "organisations/employer_password_reset.html", context)


def _int(value: str | None) -> int:
    """An id from a form field; anything else is a request for nothing that exists."""
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


_SHOWN_KEY = "employers.one_time_passwords"


def _show_once(request: HttpRequest, pairs: list[tuple[User, str]]) -> HttpResponse:
    """Keep new one-time passwords in the server-side session for the next page view only, then redirect,
    so a reload neither repeats the action nor shows them again."""
    request.session[_SHOWN_KEY] = [(user.username, password) for user, password in pairs]
    return redirect("organisations:sub_accounts")


def _masked_name(name: str) -> str:
    if len(name) <= 1:
        return name + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"


@rule("employer.manage")
@require_POST
def move(request: HttpRequest) -> HttpResponse:
    employer = employer_of(request.user, "employer.manage")
    form = MoveForm(request.POST, prefix="move")
    if form.is_valid():
        try:
            employers.move_employer(
                actor=request.user,
                employer_id=employer.pk,
                new_parent_id=form.cleaned_data["parent"].pk,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"归口部门已改为“{form.cleaned_data['parent'].name}”。")
            return redirect("organisations:employer_info")
    else:
        messages.error(request, "请选择新的归口部门。")
    # Refused: 单位信息 shows the form again with the department chosen and the reason typed (core.kept).
    keep(request, form="move", to=reverse("organisations:employer_info"))
    return redirect("organisations:employer_info")


@rule("employer.manage")
def seal_image(request: HttpRequest) -> HttpResponse:
    employer = employer_of(request.user, "employer.manage")
    profile = get_object_or_404(EmployerProfile, organisation=employer)
    if not profile.seal_stamp:
        raise Http404
    response = HttpResponse(profile.seal_stamp.read(), content_type="image/png")
    response["Content-Disposition"] = "inline; filename=seal.png"
    response["Cache-Control"] = "no-store"
    return response


@rule("employer.manage")
def staff(request: HttpRequest) -> HttpResponse:
    """单位工作人员: search by identity number, confirm, add; enable, disable, remove."""
    employer = employer_of(request.user, "employer.manage")
    search = StaffSearchForm(request.GET or None)
    found = None
    if search.is_valid():
        found = employers.find_person(search.cleaned_data["id_number"])
        if found is None:
            search.add_error("id_number", "没有找到该证件号码的个人账号：工作人员须先在个人申报系统注册。")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                added = employers.add_staff(
                    actor=request.user, employer_id=employer.pk, id_number=request.POST.get("id_number", "")
                )
                messages.success(request, f"已添加工作人员 {added.person.real_name}。")
            else:
                member = get_object_or_404(EmployerStaff, pk=_int(request.POST.get("staff")), employer=employer)
                if action == "remove":
                    employers.remove_staff(actor=request.user, staff_id=member.pk)
                    messages.success(request, "已删除。")
                else:
                    employers.set_staff_active(actor=request.user, staff_id=member.pk, active=action == "enable")
                    messages.success(request, "已启用。" if action == "enable" else "已停用。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("organisations:employer_staff")
    listing = registry_page(
        request,
        EmployerStaff.objects.filter(employer=employer).select_related("person").order_by("pk"),
        "person__real_name__contains",
    )
    members = [
        {"staff": m, "masked_id": mask_identity(m.person.id_number), "masked_phone": mask_phone(m.person.phone)}
        for m in listing["page"].object_list
    ]
    found_view = None
    if found is not None:
        found_view = {
            "name": found.real_name,
            "masked_id": mask_identity(found.id_number),
            "masked_phone": mask_phone(found.phone),
            "id_number": found.id_number,
        }
    return render(
        request,
        "organisations/employer_staff.html",
        {
            "employer": employer,
            "search": search,
            "found": found_view,
            "members": members,
            **listing,
        },
    )


@rule("employer.manage")
def sub_accounts(request: HttpRequest) -> HttpResponse:
    """工作账号管理: list, add one, batch add, and the row actions."""
    employer = employer_of(request.user, "employer.manage")
    form = SubAccountForm(request.POST or None, prefix="one")
    batch = BatchSubAccountForm(request.POST or None, prefix="batch")
    created = request.session.pop(_SHOWN_KEY, []) if request.method == "GET" else []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add" and form.is_valid():
                data = form.cleaned_data
                pair = employers.create_sub_account(
                    actor=request.user,
                    employer_id=employer.pk,
                    username=data["username"],
                    real_name=data["real_name"],
                    permissions=data["permissions"],
                )
                return _show_once(request, [pair])
            elif action == "batch" and batch.is_valid():
                pairs = employers.batch_create_sub_accounts(
                    actor=request.user,
                    employer_id=employer.pk,
                    count=batch.cleaned_data["count"],
                    permissions=batch.cleaned_data["permissions"],
                )
                return _show_once(request, pairs)
            elif action == "reset":
                pair = employers.reset_sub_account_password(actor=request.user, user_id=_int(request.POST.get("user")))
                return _show_once(request, [pair])
            elif action in ("enable", "disable", "delete"):
                return _sub_account_action(request, action)
        except DomainError as exc:
            (form if action == "add" else batch).add_error(None, exc.message)
        if action == "add":
            batch = BatchSubAccountForm(prefix="batch")
        elif action == "batch":
            form = SubAccountForm(prefix="one")
    listing = registry_page(
        request,
        User.objects.filter(organisation=employer, kind=AccountKind.SUB_ACCOUNT).order_by("username"),
        "username__icontains",
        "real_name__contains",
    )
    labels = dict(SubAccountPermission.choices)
    rows = [
        {"user": u, "permissions": "、".join(str(labels.get(p, p)) for p in u.permissions)}
        for u in listing["page"].object_list
    ]
    return render(
        request,
        "organisations/sub_accounts.html",
        {
            "employer": employer,
            "form": form,
            "batch": batch,
            "rows": rows,
            "created": created,
            **listing,
        },
    )


def _sub_account_action(request: HttpRequest, action: str) -> HttpResponse:
    user_id = _int(request.POST.get("user"))
    if action == "delete":
        try:
            employers.delete_sub_account(actor=request.user, user_id=user_id)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已删除。")
    else:
        user = employers.set_sub_account_active(actor=request.user, user_id=user_id, active=action == "enable")
        messages.success(request, f"已{'开通' if action == 'enable' else '禁用'} {user.username}。")
    return redirect("organisations:sub_accounts")


@rule("employer.manage")
@guards("sub_account", "manage")
def edit_sub_account(request: HttpRequest, pk: int) -> HttpResponse:
    employer = employer_of(request.user, "employer.manage")
    user = get_object_or_404(User, pk=pk, organisation=employer, kind=AccountKind.SUB_ACCOUNT)
    form = SubAccountEditForm(
        request.POST or None, initial={"real_name": user.real_name, "permissions": user.permissions}
    )
    if request.method == "POST" and form.is_valid():
        try:
            employers.update_sub_account(
                actor=request.user,
                user_id=user.pk,
                real_name=form.cleaned_data["real_name"],
                permissions=form.cleaned_data["permissions"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("organisations:sub_accounts")
    return render(request, "organisations/sub_account_edit.html", {"account": user, "form": form})
