from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access.policies import has_capability, organisations_visible_to
from title_review.api.base import AccessRuleAPIView

from .selectors import name_matches


class OrganisationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    region_code = serializers.CharField(source="region.code")
    credit_code = serializers.CharField()
    is_active = serializers.BooleanField()
    depth = serializers.IntegerField()


def _visible(request: Request):  # type: ignore[no-untyped-def]  # a queryset of organisations
    if not has_capability(request.user, "organisation.view"):
        return organisations_visible_to(request.user).none()
    return organisations_visible_to(request.user).select_related("region")


class OrganisationListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "organisation.view"
    serializer_class = OrganisationOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]  # a QuerySet of Organisation
        qs = _visible(self.request).order_by("path")
        q = self.request.query_params.get("q", "").strip()
        if q:
            qs = qs.filter(name_matches(q) | Q(code__startswith=q))
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="名称（含曾用名）或机构代码开头")],
        summary="机构列表（本人可见范围；分页）",
        operation_id="v1_organisations_list",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class OrganisationDetailApi(AccessRuleAPIView):
    access_rule = "organisation.view"
    object_policy = ("organisation", "view")

    @extend_schema(responses=OrganisationOutput, summary="机构详情")
    def get(self, request: Request, pk: int) -> Response:
        org = get_object_or_404(_visible(request), pk=pk)
        return Response(OrganisationOutput(org).data)
