"""站内信 through the API: the same selectors and services as the inbox page."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from title_review.api.base import AccessRuleAPIView

from . import services
from .models import Message
from .selectors import messages_for


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField(source="safe_link", help_text="站内相对路径；为空时无链接")
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    is_read = serializers.BooleanField()


class NotificationListApi(AccessRuleAPIView, ListAPIView):
    access_rule = "authenticated"
    serializer_class = NotificationOutput

    def get_queryset(self) -> QuerySet[Message]:
        unread = self.request.query_params.get("unread", "").lower() in ("1", "true")
        return messages_for(self.request.user, unread_only=unread)

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="只列未读")],
        summary="我的站内信（最新在前）",
        operation_id="notifications_list",
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationReadApi(AccessRuleAPIView):
    access_rule = "authenticated"
    object_policy = ("message", "own")

    @extend_schema(
        request=None, responses=NotificationOutput, summary="标为已读", operation_id="notifications_mark_read"
    )
    def post(self, request: Request, pk: int) -> Response:
        message = services.mark_read(user=request.user, message_id=pk)
        return Response(NotificationOutput(message).data)
