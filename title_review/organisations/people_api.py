"""API for people: 本级人员授权, the level below's administrators, 职改办 resets, 个人申报账号 — through the
same services and the same access.people policies as the pages. Refusals (DomainError) reach the
API's error handler: 400 with a Chinese message and, where it concerns an input, its field."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access import people as policy
from title_review.access.kinds import POLICIES
from title_review.access.policies import employer_of
from title_review.access.roles import Role
from title_review.accounts.models import FilingPermission, User
from title_review.api.base import AccessRuleAPIView
from title_review.core.identity import mask_identity

from . import filing, people


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    real_name = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id")
    roles = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    must_change_password = serializers.BooleanField()

    def get_roles(self, user: User) -> list[str]:
        return sorted(g.role for g in user.grants.all() if g.organisation_id == user.organisation_id)


class OneTimePasswordOutput(PersonOutput):
    one_time_password = serializers.CharField()


def _with_password(user: User, password: str) -> dict[str, Any]:
    return {**PersonOutput(user).data, "one_time_password": password}


class PeopleListApi(AccessRuleAPIView):
    access_rule = "people.manage"

    class PersonInput(serializers.Serializer):
        username = serializers.CharField(max_length=30)
        real_name = serializers.CharField(max_length=50)
        phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
        roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=True)

    @extend_schema(responses=PersonOutput(many=True), summary="本级人员授权：本机构人员列表")
    def get(self, request: Request) -> Response:
        organisation = policy.people_home(request.user)
        return Response(PersonOutput(people.people_of(organisation), many=True).data)

    @extend_schema(request=PersonInput, responses={201: OneTimePasswordOutput}, summary="本级人员授权：添加人员")
    def post(self, request: Request) -> Response:
        organisation = policy.people_home(request.user)
        data = self.PersonInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user, password = people.add_person(
            actor=request.user,
            organisation_id=organisation.pk,
            username=v["username"],
            real_name=v["real_name"],
            phone=v["phone"],
            roles=v["roles"],
        )
        return Response(_with_password(user, password), status=status.HTTP_201_CREATED)


class PersonApi(AccessRuleAPIView):
    access_rule = "people.manage"
    object_policy = ("account", "manage")

    class RolesInput(serializers.Serializer):
        roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), allow_empty=True)
        real_name = serializers.CharField(max_length=50, required=False)

    class ActionInput(serializers.Serializer):
        action = serializers.ChoiceField(
            choices=[("enable", "启用"), ("disable", "停用"), ("reset_password", "密码重置")]
        )

    @extend_schema(request=RolesInput, responses=PersonOutput, summary="本级人员授权：分配角色")
    def patch(self, request: Request, pk: int) -> Response:
        user = policy.accounts.get(request.user, pk, "manage")
        data = self.RolesInput(data=request.data)
        data.is_valid(raise_exception=True)
        people.change_roles(
            actor=request.user,
            user_id=user.pk,
            roles=data.validated_data["roles"],
            real_name=data.validated_data.get("real_name"),
        )
        return Response(PersonOutput(User.objects.get(pk=user.pk)).data)

    @extend_schema(
        request=ActionInput,
        responses=OneTimePasswordOutput,
        summary="本级人员授权：启用、停用或密码重置",
        operation_id="v1_people_action",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = policy.accounts.get(request.user, pk, "manage")
        data = self.ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        action = data.validated_data["action"]
        if action == "reset_password":
            user, password = people.reset_person_password(actor=request.user, user_id=user.pk)
            return Response(_with_password(user, password))
        user = people.set_person_active(actor=request.user, user_id=user.pk, active=action == "enable")
        return Response(PersonOutput(user).data)


class ChildAdminApi(AccessRuleAPIView):
    access_rule = "people.child_admin"
    object_policy = ("account", "child_admin")

    class ChildAdminInput(serializers.Serializer):
        action = serializers.ChoiceField(
            choices=[("reset_password", "密码重置"), ("enable", "启用"), ("disable", "停用"), ("cancel", "注销")]
        )
        reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    @extend_schema(
        request=ChildAdminInput, responses=OneTimePasswordOutput, summary="下级机构管理员：密码重置、停用、启用、注销"
    )
    def post(self, request: Request, pk: int) -> Response:
        user = policy.accounts.get(request.user, pk, "child_admin")
        data = self.ChildAdminInput(data=request.data)
        data.is_valid(raise_exception=True)
        action = data.validated_data["action"]
        if action == "reset_password":
            user, password = people.reset_child_admin(actor=request.user, user_id=user.pk)
            return Response(_with_password(user, password))
        if action == "cancel":
            user = people.cancel_child_admin(actor=request.user, user_id=user.pk, reason=data.validated_data["reason"])
        else:
            user = people.set_child_admin_active(actor=request.user, user_id=user.pk, active=action == "enable")
        return Response(PersonOutput(user).data)


class RecreateAdminApi(AccessRuleAPIView):
    access_rule = "people.child_admin"
    object_policy = ("organisation", "view")

    class RecreateInput(serializers.Serializer):
        username = serializers.CharField(max_length=30)
        real_name = serializers.CharField(max_length=50)
        phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)

    @extend_schema(request=RecreateInput, responses={201: OneTimePasswordOutput}, summary="下级机构：重建管理员")
    def post(self, request: Request, pk: int) -> Response:
        organisation = POLICIES["organisation"].get(request.user, pk, "view")
        if not policy.manages_child_admins(request.user, organisation):
            raise Http404
        data = self.RecreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user, password = people.recreate_child_admin(
            actor=request.user,
            organisation_id=organisation.pk,
            username=v["username"],
            real_name=v["real_name"],
            phone=v["phone"],
        )
        return Response(_with_password(user, password), status=status.HTTP_201_CREATED)


class EmployerResetApi(AccessRuleAPIView):
    access_rule = "people.reset_employer"
    object_policy = ("account", "reset_employer")

    @extend_schema(request=None, responses=OneTimePasswordOutput, summary="职改办重置单位密码")
    def post(self, request: Request, pk: int) -> Response:
        user = policy.accounts.get(request.user, pk, "reset_employer")
        user, password = people.reset_employer_admin(actor=request.user, user_id=user.pk)
        return Response(_with_password(user, password))


# ---- 个人申报账号 ---------------------------------------------------------------------------------


class FilingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())
    person_name = serializers.CharField(source="person.real_name", default="")
    person_id_number = serializers.SerializerMethodField(help_text="申报人证件号码（脱敏）")
    is_active = serializers.BooleanField()
    must_change_password = serializers.BooleanField()

    def get_person_id_number(self, user: User) -> str:
        return mask_identity(user.person.id_number) if user.person else ""


class CreatedFiling(FilingOutput):
    one_time_password = serializers.CharField()


def _filing_created(pairs: list[tuple[User, str]]) -> list[dict[str, Any]]:
    return [{**FilingOutput(u).data, "one_time_password": p} for u, p in pairs]


class FilingListApi(AccessRuleAPIView):
    access_rule = "employer.manage"

    class FilingInput(serializers.Serializer):
        username = serializers.CharField(max_length=30, required=False)
        count = serializers.IntegerField(required=False, help_text="批量新增的数量（1 到 200）；给出时忽略 username")
        permissions = serializers.ListField(child=serializers.ChoiceField(choices=FilingPermission.choices))
        real_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
        id_type = serializers.CharField(max_length=4, required=False, default="01")
        id_number = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)

    @extend_schema(responses=FilingOutput(many=True), summary="工作账号管理：个人申报账号列表")
    def get(self, request: Request) -> Response:
        employer = employer_of(request.user, "employer.manage")
        return Response(FilingOutput(filing.filing_accounts_of(employer), many=True).data)

    @extend_schema(
        request=FilingInput,
        responses={201: CreatedFiling(many=True)},
        summary="工作账号管理：添加或批量新增个人申报账号",
    )
    def post(self, request: Request) -> Response:
        employer = employer_of(request.user, "employer.manage")
        data = self.FilingInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v.get("count") is not None:
            pairs = filing.batch_create_filing_accounts(
                actor=request.user, employer_id=employer.pk, count=v["count"], permissions=v["permissions"]
            )
        else:
            pairs = [
                filing.create_filing_account(
                    actor=request.user,
                    employer_id=employer.pk,
                    username=v.get("username", ""),
                    permissions=v["permissions"],
                    real_name=v["real_name"],
                    id_type=v["id_type"],
                    id_number=v["id_number"],
                )
            ]
        return Response(_filing_created(pairs), status=status.HTTP_201_CREATED)


class FilingApi(AccessRuleAPIView):
    access_rule = "employer.manage"
    object_policy = ("filing_account", "manage")

    class FilingActionInput(serializers.Serializer):
        action = serializers.ChoiceField(
            choices=[("enable", "开通"), ("disable", "禁用"), ("reset_password", "密码重置")]
        )

    class FilingChangeInput(serializers.Serializer):
        permissions = serializers.ListField(child=serializers.ChoiceField(choices=FilingPermission.choices))
        real_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
        id_type = serializers.CharField(max_length=4, required=False, default="01")
        id_number = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)

    @extend_schema(request=FilingChangeInput, responses=FilingOutput, summary="修改个人申报账号")
    def patch(self, request: Request, pk: int) -> Response:
        user = policy.filing_accounts.get(request.user, pk, "manage")
        data = self.FilingChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = filing.update_filing_account(actor=request.user, user_id=user.pk, **data.validated_data)
        return Response(FilingOutput(user).data)

    @extend_schema(
        request=FilingActionInput,
        responses=CreatedFiling,
        summary="审核（开通、禁用）或密码重置个人申报账号",
        operation_id="v1_employer_filing_account_action",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = policy.filing_accounts.get(request.user, pk, "manage")
        data = self.FilingActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        action = data.validated_data["action"]
        if action == "reset_password":
            return Response(_filing_created([filing.reset_filing_password(actor=request.user, user_id=user.pk)])[0])
        user = filing.set_filing_account_active(actor=request.user, user_id=user.pk, active=action == "enable")
        return Response(FilingOutput(user).data)

    @extend_schema(responses={204: None}, summary="删除个人申报账号（有申报记录的不可删除）")
    def delete(self, request: Request, pk: int) -> Response:
        user = policy.filing_accounts.get(request.user, pk, "manage")
        filing.delete_filing_account(actor=request.user, user_id=user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
