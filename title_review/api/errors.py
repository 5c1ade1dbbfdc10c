"""API errors as JSON: a stable code, a Chinese message and, where the error is about one input, its field.

Every error the API returns has the shape of `ErrorOutput` (documented for every operation by
`title_review.api.schema.AutoSchema`):

- 400 `invalid`: the body did not validate; `errors` maps each input to its messages, `field` names the first;
- 400 any other code: a rule refused the request (`DomainError`), `field` when the service named the input;
- 401 not signed in or a bad token; 403 not allowed (or the CSRF check failed); 404 an object in the URL
  the caller may not see; 409 a conflict with someone else's change; 429 too many requests.
"""

from collections.abc import Mapping
from typing import Any

from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from title_review.core.errors import Conflict, DomainError, NotAllowed

_MESSAGES = {
    "not_authenticated": "请先登录。",
    "authentication_failed": "身份验证失败。",
    "permission_denied": "您没有权限执行此操作。",
    "not_found": "对象不存在，或您无权查看。",
    "method_not_allowed": "不支持该请求方法。",
    "not_acceptable": "不支持请求的响应格式。",
    "unsupported_media_type": "不支持该请求的数据格式，请使用 JSON。",
    "parse_error": "请求格式有误。",
    "throttled": "请求过于频繁，请稍后再试。",
}


class ErrorOutput(serializers.Serializer):
    """The body of every error response."""

    code = serializers.CharField(help_text="稳定的错误代码，例如 invalid、stale、reason_required、not_found")
    message = serializers.CharField(help_text="给用户看的中文说明")
    field = serializers.CharField(required=False, help_text="出错的输入项（仅当错误只涉及一个输入项时）")
    # A declared field named like Serializer.errors: DRF's metaclass moves it into the fields, the property stays.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(), required=False, help_text="code 为 invalid 时：每个输入项的错误"
    )


def domain_status(exc: DomainError) -> int:
    if isinstance(exc, NotAllowed):
        return status.HTTP_403_FORBIDDEN
    if isinstance(exc, Conflict):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def domain_body(exc: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    return body


def _first_message(errors: Any) -> str:
    """The first message in DRF's nested error structure (dicts of lists of dicts...)."""
    while isinstance(errors, (dict, list)) and errors:
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return str(errors) if errors else ""


def validation_body(errors: Any) -> dict[str, Any]:
    """400 `invalid`: the first input's name in `field`, its message in `message`, all of them in `errors`."""
    if not isinstance(errors, dict):
        errors = {"non_field_errors": errors if isinstance(errors, list) else [errors]}
    body: dict[str, Any] = {"code": "invalid", "message": "提交的数据有误。", "errors": errors}
    field = next((name for name in errors if name != "non_field_errors"), None)
    if field is not None:
        body["field"] = field
    first = _first_message(errors)
    if first:
        body["message"] = f"提交的数据有误：{first}"
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(domain_body(exc), status=domain_status(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(response.data)
        return response
    code = getattr(exc, "default_code", "error")
    detail = str(getattr(exc, "detail", ""))
    own_words = detail and detail != str(getattr(exc, "default_detail", ""))
    response.data = {"code": code, "message": detail if own_words else _MESSAGES.get(code, detail)}
    return response


def domain_error_response(exc: DomainError, field_hints: Mapping[str, tuple[str, ...]] | None = None) -> Response:
    """The response for a refusal a view caught itself (the same as letting it reach the handler).

    `field_hints` (input → words of the message) is the older way of naming the field, kept only for the
    apps whose services do not set `DomainError.field` yet; the service's own `field` always wins.
    """
    body = domain_body(exc)
    if "field" not in body:
        for field, keywords in (field_hints or {}).items():
            if any(k in exc.message for k in keywords):
                body["field"] = field
                break
    return Response(body, status=domain_status(exc))
