"""业绩档案 through the API: list and add rows of one's own record, with the page's rules."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.api.base import AccessRuleAPIView
from title_review.api.errors import domain_error_response
from title_review.core.errors import DomainError
from title_review.core.params import to_id

from . import services
from .selectors import RECORD_MODELS, records_visible_to
from .views import _FIELD_HINTS


def _serializer_for(section: str) -> type[serializers.ModelSerializer]:
    model = RECORD_MODELS[section]

    class RecordSerializer(serializers.ModelSerializer):
        class Meta:
            ref_name = f"Achievement{section.title()}"
            exclude = ["owner", "created_at", "updated_at"]

    RecordSerializer.Meta.model = model  # type: ignore[attr-defined]  # set after class creation
    return RecordSerializer


SERIALIZERS = {section: _serializer_for(section) for section in RECORD_MODELS}
SECTION = OpenApiParameter(
    "section", str, OpenApiParameter.PATH, enum=list(RECORD_MODELS), description="业绩档案的类别"
)


class RecordListApi(AccessRuleAPIView):
    access_rule = "achievement.manage"

    @extend_schema(
        parameters=[SECTION],
        responses={200: {"type": "array", "items": {"type": "object"}}},
        summary="业绩档案：某一类记录（education / work / training / appraisal / achievement）",
    )
    def get(self, request: Request, section: str) -> Response:
        serializer = SERIALIZERS.get(section)
        if serializer is None:
            return Response({"code": "not_found", "message": "没有这一类业绩。"}, status=status.HTTP_404_NOT_FOUND)
        rows = records_visible_to(request.user, RECORD_MODELS[section])
        return Response(serializer(rows, many=True).data)

    @extend_schema(
        parameters=[SECTION],
        request=OpenApiTypes.OBJECT,
        responses={201: OpenApiTypes.OBJECT},
        summary="业绩档案：新增一条记录（公开课须带 proof_id：先上传的证明材料）",
    )
    def post(self, request: Request, section: str) -> Response:
        serializer = SERIALIZERS.get(section)
        if serializer is None:
            return Response({"code": "not_found", "message": "没有这一类业绩。"}, status=status.HTTP_404_NOT_FOUND)
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "id"}
        # proof_id: a 证明材料 uploaded beforehand through the upload block (attachments:upload), required for a
        # 公开课; the API has no upload of its own.
        proof = request.data.get("proof_id") if hasattr(request.data, "get") else None
        try:
            row = services.save_record(
                actor=request.user,
                section=section,
                values=values,
                proof_id=to_id(proof),
            )
        except DomainError as exc:
            return domain_error_response(exc, _FIELD_HINTS)
        return Response(serializer(row).data, status=status.HTTP_201_CREATED)
