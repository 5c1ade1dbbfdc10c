from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.access.policies import has_capability, organisations_visible_to
from title_review.api.base import AccessRuleAPIView


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


class OrganisationListApi(AccessRuleAPIView):
    access_rule = "organisation.view"

    @extend_schema(responses=OrganisationOutput(many=True), summary="机构列表（本人可见范围）")
    def get(self, request: Request) -> Response:
        from rest_framework.pagination import PageNumberPagination

        qs = _visible(request).order_by("path")
        q = request.query_params.get("q", "").strip()
        if q:
            qs = qs.filter(name__icontains=q) | qs.filter(code__startswith=q)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(OrganisationOutput(page, many=True).data)


class OrganisationDetailApi(AccessRuleAPIView):
    access_rule = "organisation.view"

    @extend_schema(responses=OrganisationOutput, summary="机构详情")
    def get(self, request: Request, pk: int) -> Response:
        org = get_object_or_404(_visible(request), pk=pk)
        return Response(OrganisationOutput(org).data)
