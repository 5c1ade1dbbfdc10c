"""API errors as JSON with a stable code and a Chinese message."""

from collections.abc import Mapping
from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from title_review.core.errors import DomainError

_MESSAGES = {
    "not_authenticated": "请先登录。",
    "authentication_failed": "身份验证失败。",
    "permission_denied": "您没有权限执行此操作。",
    "not_found": "对象不存在，或您无权查看。",
    "method_not_allowed": "不支持该请求方法。",
    "parse_error": "请求格式有误。",
    "throttled": "请求过于频繁，请稍后再试。",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "message": exc.message}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "message": "提交的数据有误。", "errors": response.data}
        return response
    code = getattr(exc, "default_code", "error")
    detail = str(getattr(exc, "detail", ""))
    own_words = detail and detail != str(getattr(exc, "default_detail", ""))
    response.data = {"code": code, "message": detail if own_words else _MESSAGES.get(code, detail)}
    return response


def domain_error_response(exc: DomainError, field_hints: Mapping[str, tuple[str, ...]] | None = None) -> Response:
    """400 with the service's Chinese sentence and, where it is about one input, that field's name."""
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    for field, keywords in (field_hints or {}).items():
        if any(k in exc.message for k in keywords):
            body["field"] = field
            break
    return Response(body, status=status.HTTP_400_BAD_REQUEST)
