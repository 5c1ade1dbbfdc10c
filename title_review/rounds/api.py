"""Rounds through the API: the same selectors as the pages (published rounds, drafts for managers)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.api.base import AccessRuleAPIView
from title_review.core.params import to_int

from .selectors import rounds_visible_to, search_rounds


class RoundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    publisher = serializers.CharField(source="publisher.name")
    committee = serializers.CharField(source="committee.name", allow_null=True, default=None)
    series_code = serializers.CharField(source="series.code")
    levels = serializers.ListField(child=serializers.CharField())
    qualifications = serializers.ListField(child=serializers.CharField())
    specialties = serializers.ListField(child=serializers.CharField())
    routes = serializers.ListField(child=serializers.CharField())
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    notice = serializers.CharField()
    scope = serializers.SerializerMethodField()

    def get_scope(self, obj) -> list[str]:  # type: ignore[no-untyped-def]  # a Round
        return [o.code for o in obj.scope.all()]


class RoundListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "round.view"
    serializer_class = RoundOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of Round
        params = self.request.query_params
        year = params.get("year", "")
        return search_rounds(
            self.request.user,
            keyword=params.get("keyword", "").strip(),
            publisher=params.get("publisher", "").strip(),
            year=to_int(year) if len(year) == 4 else None,
        ).prefetch_related("scope")

    @extend_schema(
        parameters=[
            OpenApiParameter("keyword", str),
            OpenApiParameter("publisher", str),
            OpenApiParameter("year", int),
        ],
        summary="评审活动列表（关键字、发布单位、年度；分页）",
        operation_id="v1_rounds_list",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class RoundDetailApi(AccessRuleAPIView):
    access_rule = "round.view"
    object_policy = ("round", "view")

    @extend_schema(responses=RoundOutput, summary="评审活动详情")
    def get(self, request: Request, pk: int) -> Response:
        round_ = get_object_or_404(
            rounds_visible_to(request.user).select_related("publisher", "committee", "series"), pk=pk
        )
        return Response(RoundOutput(round_).data)
