"""Declarations through the API: the same services and checks as the dossier page."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access.declarations import Purpose
from title_review.access.declarations import policy as declaration_policy
from title_review.api.base import AccessRuleAPIView
from title_review.api.errors import domain_error_response
from title_review.api.schema import MAX_ID
from title_review.core.errors import DomainError
from title_review.rounds.selectors import rounds_visible_to

from . import services
from .models import Declaration


class DeclarationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="申报编号：年度-活动-序号")
    round = serializers.IntegerField(source="round_id")
    applicant = serializers.IntegerField(source="applicant_id")
    employer = serializers.IntegerField(source="employer_id")
    status = serializers.CharField()
    version = serializers.IntegerField()
    route = serializers.CharField()
    target_qualification = serializers.CharField()
    specialty = serializers.CharField()
    current_qualification = serializers.CharField()
    current_qualification_date = serializers.DateField(allow_null=True)
    section_data = serializers.DictField()
    picks = serializers.DictField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    snapshot_hash = serializers.CharField()


class DeclarationStartInput(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="评审活动（GET /api/v1/rounds/）")
    pledge_version = serializers.CharField(help_text="须为当前《真实性承诺》版本")

    def validate_round(self, round_id: int) -> int:
        # A round the caller cannot see is refused like one that does not exist (no hint that it does).
        if not rounds_visible_to(self.context["user"]).filter(pk=round_id).exists():
            raise serializers.ValidationError("没有找到该评审活动，请从评审活动列表中选择。")
        return round_id


def _no_nul(value: Any) -> None:
    """Free-form JSON is stored as it is; a NUL character cannot be (PostgreSQL refuses it in jsonb)."""
    if isinstance(value, str) and "\x00" in value:
        raise serializers.ValidationError("内容不能包含空字符（\\u0000）。")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    if isinstance(value, list):
        for item in value:
            _no_nul(item)


class DeclarationSaveInput(serializers.Serializer):
    version = serializers.IntegerField(help_text="读取时的版本号；他人已保存新版本时返回 stale")
    route = serializers.CharField(required=False, allow_blank=True, default="")
    target_qualification = serializers.CharField(required=False, allow_blank=True, default="")
    specialty = serializers.CharField(required=False, allow_blank=True, default="")
    current_qualification = serializers.CharField(required=False, allow_blank=True, default="")
    current_qualification_date = serializers.DateField(required=False, allow_null=True, default=None)
    picks = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID)), default=dict
    )
    section_data = serializers.DictField(default=dict)

    def validate_section_data(self, value: dict[str, Any]) -> dict[str, Any]:
        _no_nul(value)
        return value


def _fillable(request: Request, pk: int) -> Declaration:
    return declaration_policy.get(request.user, pk, Purpose.FILL, Declaration.objects.select_related("employer"))


class DeclarationListApi(AccessRuleAPIView):
    access_rule = "declaration.edit"

    @extend_schema(responses=DeclarationOutput(many=True), summary="我的申报 / 我可填写的申报材料")
    def get(self, request: Request) -> Response:
        # Newest first by id (creation order): a walk of the primary key that stops after 500, where the model's
        # -created_at sorted every declaration in scope (issue 12).
        rows = declaration_policy.visible(request.user, Purpose.FILL).order_by("-pk")[:500]
        return Response(DeclarationOutput(rows, many=True).data)

    @extend_schema(request=DeclarationStartInput, responses={201: DeclarationOutput}, summary="开始申报")
    def post(self, request: Request) -> Response:
        data = DeclarationStartInput(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        try:
            declaration = services.start_declaration(
                actor=request.user,
                round_id=data.validated_data["round"],
                pledge_version=data.validated_data["pledge_version"],
            )
        except DomainError as exc:
            return domain_error_response(exc)
        return Response(DeclarationOutput(declaration).data, status=status.HTTP_201_CREATED)


class DeclarationDetailApi(AccessRuleAPIView):
    access_rule = "declaration.edit"
    object_policy = ("declaration", "fill")

    @extend_schema(responses=DeclarationOutput, summary="申报材料")
    def get(self, request: Request, pk: int) -> Response:
        return Response(DeclarationOutput(_fillable(request, pk)).data)

    @extend_schema(request=DeclarationSaveInput, responses=DeclarationOutput, summary="保存申报材料（全部栏目）")
    def put(self, request: Request, pk: int) -> Response:
        declaration = _fillable(request, pk)
        data = DeclarationSaveInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        version, picks, section_data = v.pop("version"), v.pop("picks"), v.pop("section_data")
        try:
            saved = services.save_declaration(
                actor=request.user,
                declaration_id=declaration.pk,
                version=version,
                values=v,
                picks=picks,
                section_data=section_data,
            )
        except DomainError as exc:
            return domain_error_response(exc)
        return Response(DeclarationOutput(saved).data)


class DeclarationSubmitApi(AccessRuleAPIView):
    access_rule = "declaration.edit"
    object_policy = ("declaration", "fill")

    @extend_schema(request=None, responses=DeclarationOutput, summary="提交申报材料")
    def post(self, request: Request, pk: int) -> Response:
        declaration = _fillable(request, pk)
        try:
            submitted = services.submit_declaration(actor=request.user, declaration_id=declaration.pk)
        except DomainError as exc:
            return domain_error_response(exc)
        return Response(DeclarationOutput(submitted).data)
