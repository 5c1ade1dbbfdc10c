"""Pages of 单位信息 (基本信息, 单位更名, 更名记录) and the 归口部门's 批准 / 退回 of a rename."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from title_review.access.decorators import guards, rule
from title_review.access.policies import can, employer_of
from title_review.core.errors import DomainError
from title_review.core.kept import take

from . import basic_info
from .basic_info_forms import BasicInfoForm, RenameForm
from .employer_forms import MoveForm
from .models import NameChangeStatus, OrganisationNameChange
from .selectors import name_change_panel


def _info_page(
    request: HttpRequest, employer: Any, profile: Any, *, form: BasicInfoForm, rename: RenameForm
) -> HttpResponse:
    # A refused 修改归口部门 (employer_views.move) comes back with what was chosen and typed (core.kept). Read here,
    # once, for the form's initial values, and handed on to the template as the context processor would.
    kept = take(request)
    moved = {"parent": kept.value("move-parent", "move"), "reason": kept.value("move-reason", "move")}
    context = {
        "employer": employer,
        "profile": profile,
        "form": form,
        "rename": rename,
        "needs_approval": basic_info.rename_needs_approval(),
        "move": MoveForm(prefix="move", initial=moved if kept.form == "move" else None),
        "kept": kept,
        **name_change_panel(request.user, employer),
    }
    return render(request, "organisations/employer_info.html", context)


@rule("employer.manage")
def info(request: HttpRequest) -> HttpResponse:
    """单位信息: 基本信息 (takes effect at once), 单位更名 and 更名记录, 修改归口部门."""
    employer = employer_of(request.user, "employer.manage")
    profile = basic_info.profile_of(employer)
    form = BasicInfoForm(request.POST or None, initial=basic_info.basic_info_of(employer, profile))
    if request.method == "POST" and form.is_valid():
        try:
            basic_info.update_basic_info(
                actor=request.user, employer_id=employer.pk, info=basic_info.BasicInfo(**form.info_values())
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "单位基本信息已保存。")
            return redirect("organisations:employer_info")
    return _info_page(request, employer, profile, form=form, rename=RenameForm())


@rule("employer.manage")
@require_POST
def rename(request: HttpRequest) -> HttpResponse:
    """单位更名: at once, or as a request to the 归口部门 (policy employer.rename_needs_approval)."""
    employer = employer_of(request.user, "employer.manage")
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            change = basic_info.request_rename(
                actor=request.user,
                employer_id=employer.pk,
                new_name=form.cleaned_data["new_name"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if change.status == NameChangeStatus.APPLIED:
                messages.success(request, f"单位名称已改为“{change.new_name}”，已记入更名记录。")
            else:
                messages.success(
                    request,
                    f"更名申请已提交，等待归口部门“{employer.parent.name if employer.parent else '上级机构'}”审核。",
                )
            return redirect("organisations:employer_info")
    profile = basic_info.profile_of(employer)
    initial = basic_info.basic_info_of(employer, profile)
    return _info_page(request, employer, profile, form=BasicInfoForm(initial=initial), rename=form)


@rule("employer.manage")
@require_POST
@guards("name_change", "withdraw")
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        change = basic_info.withdraw_rename(actor=request.user, change_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已撤回更名为“{change.new_name}”的申请。")
    return redirect("organisations:employer_info")


def _after_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the unit's page when the decider may open it, else to the 机构树 (a 人才服务局 sees no unit)."""
    change = OrganisationNameChange.objects.select_related("organisation").filter(pk=pk).first()
    if change is not None and can(request.user, "organisation.view", change.organisation):
        return redirect("organisations:detail", pk=change.organisation_id)
    return redirect("organisations:tree")


@rule("employer.rename_decide")
@require_POST
@guards("name_change", "decide")
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """批准 (the 归口部门): the new name takes effect."""
    try:
        change = basic_info.approve_rename(actor=request.user, change_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已批准“{change.old_name}”更名为“{change.new_name}”。")
    return _after_decision(request, pk)


@rule("employer.rename_decide")
@require_POST
@guards("name_change", "decide")
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    """退回 (the 归口部门), with a reason the unit reads in 更名记录."""
    try:
        change = basic_info.refuse_rename(actor=request.user, change_id=pk, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已退回“{change.old_name}”更名为“{change.new_name}”的申请。")
    return _after_decision(request, pk)
