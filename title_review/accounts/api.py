"""Public account API: 个人注册 and 忘记密码, through the same services as the pages.

SMS codes are requested on the pages (a captcha guards every send); the API takes the code.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from title_review.api.errors import domain_error_response
from title_review.api.throttling import AnonRateThrottle
from title_review.core.errors import DomainError

from . import services

PERSON_FIELDS = {
    "real_name": ("姓名",),
    "id_number": ("证件号码", "出生日期", "身份证"),
    "phone": ("手机号码",),
    "sms_code": ("验证码",),
    "password": ("密码",),
    "agreement_version": ("协议",),
}


class PublicApiView(APIView):
    access_rule = "public"
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]


class RegisterApi(PublicApiView):
    class RegisterInput(serializers.Serializer):
        real_name = serializers.CharField(max_length=50)
        id_type = serializers.CharField(max_length=4)
        id_number = serializers.CharField(max_length=20)
        phone = serializers.CharField(max_length=20)
        sms_code = serializers.CharField(max_length=6)
        password = serializers.CharField(max_length=128)
        agreement_version = serializers.CharField(max_length=20, help_text="须为当前协议版本")

    class RegisterOutput(serializers.Serializer):
        id = serializers.IntegerField()
        sex = serializers.CharField()
        birth_date = serializers.DateField()

    @extend_schema(request=RegisterInput, responses={201: RegisterOutput}, summary="个人注册")
    def post(self, request: Request) -> Response:
        data = self.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = services.register_person(**data.validated_data)
        except DomainError as exc:
            return domain_error_response(exc, PERSON_FIELDS)
        return Response(self.RegisterOutput(user).data, status=status.HTTP_201_CREATED)


class PasswordResetApi(PublicApiView):
    class PasswordResetInput(serializers.Serializer):
        phone = serializers.CharField(max_length=20)
        sms_code = serializers.CharField(max_length=6)
        new_password = serializers.CharField(max_length=128)

    @extend_schema(request=PasswordResetInput, responses={204: None}, summary="忘记密码（短信验证码）")
    def post(self, request: Request) -> Response:
        data = self.PasswordResetInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.reset_password_by_sms(**data.validated_data)
        except DomainError as exc:
            return domain_error_response(exc, {**PERSON_FIELDS, "new_password": ("密码",)})
        return Response(status=status.HTTP_204_NO_CONTENT)
