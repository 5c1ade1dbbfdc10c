"""API of 单位基本信息 and 更名记录, through the same services as the pages (organisations.basic_info)."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access import scoped
from title_review.access.policies import employer_of
from title_review.api.base import AccessRuleAPIView
from title_review.core.params import to_id

from . import basic_info
from .models import NameChangeStatus, OrganisationNameChange


def _person(user: Any) -> str | None:
    return (user.real_name or user.username) if user is not None else None


class NameChangeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_id = serializers.IntegerField()
    old_name = serializers.CharField(help_text="原名称")
    new_name = serializers.CharField(help_text="新名称")
    reason = serializers.CharField(help_text="更名原因")
    status = serializers.ChoiceField(choices=NameChangeStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    requested_by = serializers.SerializerMethodField(help_text="申请人")
    requested_at = serializers.DateTimeField(source="created_at")
    decided_by = serializers.SerializerMethodField(help_text="审核人（无需审核时为空）")
    decided_at = serializers.DateTimeField(allow_null=True, help_text="生效、退回或撤回的时间")
    decision_reason = serializers.CharField(help_text="退回理由")

    def get_requested_by(self, obj: OrganisationNameChange) -> str:
        return _person(obj.requested_by) or ""

    def get_decided_by(self, obj: OrganisationNameChange) -> str | None:
        return _person(obj.decided_by)


class BasicInfoInput(serializers.Serializer):
    legal_representative = serializers.CharField(max_length=50, help_text="法定代表人")
    nature = serializers.CharField(max_length=40, help_text="单位性质代码")
    industry = serializers.CharField(max_length=40, help_text="单位行业代码（GB/T 4754 门类）")
    region = serializers.CharField(max_length=40, help_text="单位所在地（行政区划代码）")
    address = serializers.CharField(max_length=200, help_text="单位地址")
    contact_person = serializers.CharField(max_length=50, help_text="联系人")
    contact_phone = serializers.CharField(max_length=30, help_text="联系电话")
    email = serializers.EmailField(required=False, allow_blank=True, default="", help_text="电子邮箱")


class BasicInfoOutput(BasicInfoInput):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text="机构代码")
    name = serializers.CharField(help_text="单位名称")
    credit_code = serializers.CharField(help_text="统一社会信用代码")
    parent_name = serializers.CharField(help_text="归口部门")
    rename_needs_approval = serializers.BooleanField(help_text="更名是否须经归口部门审核（省级参数）")
    pending_name_change = NameChangeOutput(allow_null=True, help_text="等待审核的更名申请")


def _info(employer: Any) -> dict[str, Any]:
    pending = (
        OrganisationNameChange.objects.filter(organisation=employer, status=NameChangeStatus.PENDING)
        .select_related("requested_by", "decided_by")
        .first()
    )
    return {
        "id": employer.pk,
        "code": employer.code,
        "name": employer.name,
        "credit_code": employer.credit_code,
        "parent_name": employer.parent.name if employer.parent else "",
        "rename_needs_approval": basic_info.rename_needs_approval(),
        "pending_name_change": pending,
        **basic_info.basic_info_of(employer, basic_info.profile_of(employer)),
    }


class EmployerInfoApi(AccessRuleAPIView):
    access_rule = "employer.manage"

    @extend_schema(responses=BasicInfoOutput, summary="单位基本信息", operation_id="v1_employer_info")
    def get(self, request: Request) -> Response:
        return Response(BasicInfoOutput(_info(employer_of(request.user, "employer.manage"))).data)

    @extend_schema(
        request=BasicInfoInput,
        responses=BasicInfoOutput,
        summary="修改单位基本信息（名称除外，立即生效）",
        operation_id="v1_employer_info_update",
    )
    def put(self, request: Request) -> Response:
        employer = employer_of(request.user, "employer.manage")
        data = BasicInfoInput(data=request.data)
        data.is_valid(raise_exception=True)
        employer = basic_info.update_basic_info(
            actor=request.user, employer_id=employer.pk, info=basic_info.BasicInfo(**data.validated_data)
        )
        return Response(BasicInfoOutput(_info(employer)).data)


class RenameInput(serializers.Serializer):
    # Blank and space-only names reach the service, which refuses them in Chinese with field new_name.
    new_name = serializers.CharField(max_length=200, allow_blank=True, trim_whitespace=False, help_text="新的单位名称")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text="更名原因")


class EmployerRenameApi(AccessRuleAPIView):
    access_rule = "employer.manage"

    @extend_schema(
        request=RenameInput,
        responses={201: NameChangeOutput},
        summary="单位更名（立即生效，或按省级参数提交归口部门审核）",
        operation_id="v1_employer_rename",
    )
    def post(self, request: Request) -> Response:
        employer = employer_of(request.user, "employer.manage")
        data = RenameInput(data=request.data)
        data.is_valid(raise_exception=True)
        change = basic_info.request_rename(actor=request.user, employer_id=employer.pk, **data.validated_data)
        return Response(NameChangeOutput(change).data, status=status.HTTP_201_CREATED)


class NameChangeListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "organisation.view"
    serializer_class = NameChangeOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of OrganisationNameChange
        params = self.request.query_params
        purpose = "decide" if params.get("to_decide") in ("1", "true") else "view"
        qs = scoped.name_changes.visible(self.request.user, purpose).select_related("requested_by", "decided_by")
        if params.get("status") in NameChangeStatus.values:
            qs = qs.filter(status=params["status"])
        organisation = to_id(params.get("organisation"))
        if organisation is not None:
            qs = qs.filter(organisation_id=organisation)
        return qs.order_by("-created_at", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=NameChangeStatus.values, description="状态"),
            OpenApiParameter("organisation", int, description="单位 id"),
            OpenApiParameter("to_decide", bool, description="只列本人作为归口部门可审核的"),
        ],
        summary="更名记录（本人可见范围；分页）",
        operation_id="v1_name_changes_list",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class NameChangeApproveApi(AccessRuleAPIView):
    access_rule = "employer.rename_decide"
    object_policy = ("name_change", "decide")

    @extend_schema(
        request=None, responses=NameChangeOutput, summary="批准更名（归口部门）", operation_id="v1_name_change_approve"
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response(NameChangeOutput(basic_info.approve_rename(actor=request.user, change_id=pk)).data)


class RefuseInput(serializers.Serializer):
    # Missing or blank: the service refuses it in Chinese (field reason), after the object check.
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", help_text="退回理由")


class NameChangeRefuseApi(AccessRuleAPIView):
    access_rule = "employer.rename_decide"
    object_policy = ("name_change", "decide")

    @extend_schema(
        request=RefuseInput,
        responses=NameChangeOutput,
        summary="退回更名申请（归口部门，须写理由）",
        operation_id="v1_name_change_refuse",
    )
    def post(self, request: Request, pk: int) -> Response:
        data = RefuseInput(data=request.data)
        data.is_valid(raise_exception=True)
        change = basic_info.refuse_rename(actor=request.user, change_id=pk, reason=data.validated_data["reason"])
        return Response(NameChangeOutput(change).data)


class NameChangeWithdrawApi(AccessRuleAPIView):
    access_rule = "employer.manage"
    object_policy = ("name_change", "withdraw")

    @extend_schema(
        request=None, responses=NameChangeOutput, summary="撤回本单位的更名申请", operation_id="v1_name_change_withdraw"
    )
    def post(self, request: Request, pk: int) -> Response:
        return Response(NameChangeOutput(basic_info.withdraw_rename(actor=request.user, change_id=pk)).data)
