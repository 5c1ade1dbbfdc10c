"""Employer-side import pages (经办账号管理 → 导入经办账号, 单位工作人员 → 导入工作人员), on core.importing."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from title_review.access.decorators import rule
from title_review.core import importing
from title_review.jobs.imports import import_view

from .imports import STAFF, SUB_ACCOUNTS


@rule("employer.manage")
def sub_account_template(request: HttpRequest) -> HttpResponse:
    return importing.template_response(SUB_ACCOUNTS)


@rule("employer.manage")
def sub_account_import(request: HttpRequest) -> HttpResponse:
    """批量新增账号 from Excel: 登录名, 姓名 and the permission ticks, each row through create_sub_account."""
    return import_view(
        request,
        SUB_ACCOUNTS,
        template_url=reverse("organisations:sub_account_import_template"),
        breadcrumb=[("工作账号管理", reverse("organisations:sub_accounts"))],
        intro="每行一个工作账号；权限各列填“是”即勾选。导入成功后显示一次性密码，只显示一次。",
        done_link=("返回工作账号管理", reverse("organisations:sub_accounts")),
    )


@rule("employer.manage")
def staff_template(request: HttpRequest) -> HttpResponse:
    return importing.template_response(STAFF)


@rule("employer.manage")
def staff_import(request: HttpRequest) -> HttpResponse:
    """单位工作人员 from Excel by 证件类型 + 证件号码 + 姓名, each row through add_staff."""
    return import_view(
        request,
        STAFF,
        template_url=reverse("organisations:staff_import_template"),
        breadcrumb=[("单位工作人员", reverse("organisations:employer_staff"))],
        intro="工作人员须先在个人申报系统注册个人账号；姓名须与注册的姓名一致。",
        done_link=("返回单位工作人员", reverse("organisations:employer_staff")),
    )
