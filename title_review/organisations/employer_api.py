"""Employer API: 单位注册 (public) and 工作账号管理, through the same services as the pages."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access.policies import employer_of
from title_review.accounts.api import PublicApiView
from title_review.accounts.models import AccountKind, SubAccountPermission, User
from title_review.api.base import AccessRuleAPIView
from title_review.api.errors import domain_error_response
from title_review.core.errors import DomainError
from title_review.dictionaries.models import Entry

from . import employers
from .employer_views import _REGISTRATION_HINTS
from .models import Organisation


def _entry(type_code: str, code: str) -> Entry | None:
    return Entry.objects.filter(type__code=type_code, code=code, is_active=True).first()


class EmployerRegisterApi(PublicApiView):
    parser_classes = [MultiPartParser, FormParser]

    class EmployerRegisterInput(serializers.Serializer):
        credit_code = serializers.CharField(max_length=20, help_text="18 位统一社会信用代码；没有的填 9 位组织机构代码")
        credit_code_confirmed = serializers.BooleanField(default=False)
        name = serializers.CharField(max_length=200)
        legal_representative = serializers.CharField(max_length=50)
        nature_code = serializers.CharField(help_text="单位性质代码")
        industry_code = serializers.CharField(help_text="单位行业代码（GB/T 4754 门类）")
        region_code = serializers.CharField(help_text="行政区划代码")
        address = serializers.CharField(max_length=200)
        parent_code = serializers.CharField(help_text="归口部门的机构代码")
        username = serializers.CharField(max_length=30)
        password = serializers.CharField(max_length=128)
        email = serializers.EmailField(required=False, allow_blank=True, default="")
        contact_person = serializers.CharField(max_length=50)
        contact_phone = serializers.CharField(max_length=30)
        licence = serializers.FileField()
        seal = serializers.FileField(required=False)

    class EmployerRegisterOutput(serializers.Serializer):
        id = serializers.IntegerField()
        code = serializers.CharField()
        name = serializers.CharField()

    @extend_schema(request=EmployerRegisterInput, responses={201: EmployerRegisterOutput}, summary="单位帐户注册")
    def post(self, request: Request) -> Response:
        data = self.EmployerRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        parent = Organisation.objects.filter(code=v["parent_code"]).first()
        try:
            org, _admin = employers.register_employer(
                credit_code=v["credit_code"],
                credit_code_confirmed=v["credit_code_confirmed"],
                name=v["name"],
                legal_representative=v["legal_representative"],
                nature=_entry("employer_nature", v["nature_code"]),
                industry=_entry("industry", v["industry_code"]),
                region=_entry("region", v["region_code"]),
                address=v["address"],
                parent_id=parent.pk if parent else 0,
                username=v["username"],
                password=v["password"],
                email=v["email"],
                contact_person=v["contact_person"],
                contact_phone=v["contact_phone"],
                licence=v["licence"],
                seal=v.get("seal"),
            )
        except DomainError as exc:
            return domain_error_response(exc, _REGISTRATION_HINTS)
        return Response(self.EmployerRegisterOutput(org).data, status=status.HTTP_201_CREATED)


class SubAccountOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    real_name = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    must_change_password = serializers.BooleanField()


class CreatedSubAccount(SubAccountOutput):
    one_time_password = serializers.CharField()


def _created(pairs: list[tuple[User, str]]) -> list[dict]:
    return [{**SubAccountOutput(u).data, "one_time_password": p} for u, p in pairs]


class SubAccountListApi(AccessRuleAPIView):
    access_rule = "employer.manage"

    class SubAccountInput(serializers.Serializer):
        username = serializers.CharField(max_length=30, required=False)
        real_name = serializers.CharField(max_length=50, required=False, default="")
        count = serializers.IntegerField(required=False, help_text="批量新增的个数；给出时忽略 username")
        permissions = serializers.ListField(child=serializers.ChoiceField(choices=SubAccountPermission.choices))

    @extend_schema(responses=SubAccountOutput(many=True), summary="工作账号列表")
    def get(self, request: Request) -> Response:
        accounts = User.objects.filter(
            organisation=employer_of(request.user, "employer.manage"), kind=AccountKind.SUB_ACCOUNT
        )
        return Response(SubAccountOutput(accounts.order_by("username"), many=True).data)

    @extend_schema(
        request=SubAccountInput, responses={201: CreatedSubAccount(many=True)}, summary="新增（或批量新增）工作账号"
    )
    def post(self, request: Request) -> Response:
        employer = employer_of(request.user, "employer.manage")
        data = self.SubAccountInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            if v.get("count"):
                pairs = employers.batch_create_sub_accounts(
                    actor=request.user, employer_id=employer.pk, count=v["count"], permissions=v["permissions"]
                )
            else:
                pairs = [
                    employers.create_sub_account(
                        actor=request.user,
                        employer_id=employer.pk,
                        username=v.get("username", ""),
                        real_name=v["real_name"],
                        permissions=v["permissions"],
                    )
                ]
        except DomainError as exc:
            return domain_error_response(exc, {"username": ("登录名",), "permissions": ("权限",), "count": ("个",)})
        return Response(_created(pairs), status=status.HTTP_201_CREATED)


class SubAccountActionApi(AccessRuleAPIView):
    access_rule = "employer.manage"
    object_policy = ("sub_account", "manage")

    class SubAccountActionInput(serializers.Serializer):
        action = serializers.ChoiceField(
            choices=[("enable", "开通"), ("disable", "禁用"), ("reset_password", "重置密码")]
        )

    @extend_schema(
        request=SubAccountActionInput,
        responses={200: CreatedSubAccount},
        summary="开通、禁用或重置工作账号密码",
        operation_id="v1_employer_sub_account_action",
    )
    def post(self, request: Request, pk: int) -> Response:
        employer = employer_of(request.user, "employer.manage")
        if not User.objects.filter(pk=pk, organisation=employer, kind=AccountKind.SUB_ACCOUNT).exists():
            raise Http404
        data = self.SubAccountActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        action = data.validated_data["action"]
        if action == "reset_password":
            user, password = employers.reset_sub_account_password(actor=request.user, user_id=pk)
            return Response(_created([(user, password)])[0])
        user = employers.set_sub_account_active(actor=request.user, user_id=pk, active=action == "enable")
        return Response(SubAccountOutput(user).data)

    @extend_schema(responses={204: None}, summary="删除工作账号")
    def delete(self, request: Request, pk: int) -> Response:
        employer = employer_of(request.user, "employer.manage")
        if not User.objects.filter(pk=pk, organisation=employer, kind=AccountKind.SUB_ACCOUNT).exists():
            raise Http404
        try:
            employers.delete_sub_account(actor=request.user, user_id=pk)
        except DomainError as exc:
            return domain_error_response(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)
