"""The OpenAPI schema: integration tokens, and every error response documented in one place.

`AutoSchema` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) adds to every operation the error statuses it can
really answer, each with the one error body (`ErrorOutput`), from what the view is — public or signed
in, reading or writing, with a path id or a paginated list, throttled or not — so no view repeats them
and a new view is documented the same way. The schema fuzz test (tests/test_schema_fuzz.py) holds the
views to it.
"""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

from title_review.core import params

from .errors import ErrorOutput

# The largest id a path or body may carry (a 64-bit primary key); larger ones answer 404 / 400.
MAX_ID = params.MAX_ID

_DESCRIPTIONS = {
    "400": "提交的数据有误（code 为 invalid，errors 列出每个输入项），或业务规则拒绝（code 说明原因，field 指出输入项）",
    "401": "未登录，或令牌无效、已吊销",
    "403": "没有权限执行此操作（或会话请求缺少 CSRF 令牌）",
    "404": "对象不存在，或您无权查看（含您所在单位不办理此项业务、页码超出范围）",
    "409": "与他人的修改冲突，请刷新后再试",
    "415": "不支持请求的数据格式（Content-Type）",
    "429": "请求过于频繁，请稍后再试",
}


class AutoSchema(SpectacularAutoSchema):
    def get_description(self) -> str:  # type: ignore[override]
        # Only a view's own docstring describes its operations, not one inherited from a base class.
        if "__doc__" in vars(type(self.view)) and type(self.view).__doc__:
            return super().get_description()  # type: ignore[no-any-return]
        return ""

    def _is_public(self) -> bool:
        permissions = self.view.get_permissions()
        return bool(permissions) and all(isinstance(p, AllowAny) for p in permissions)

    def _is_paginated_list(self) -> bool:
        return self.method == "GET" and self._get_paginator() is not None and self._is_list_view()

    def error_statuses(self) -> list[str]:
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        has_path_id = "{" in self.path
        codes = []
        if writes:
            codes.append("400")
        if not self._is_public():
            # Signed in: a session or a token. Anyone else gets 401; a view's access rule, a service's
            # refusal or a session write without its CSRF token gets 403; an object out of scope 404.
            codes += ["401", "403", "404"]
            if writes:
                codes.append("409")
        elif has_path_id or self._is_paginated_list():
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")  # a body in a media type the operation does not take, or one that cannot be read
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:  # type: ignore[override]
        responses = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        for code in self.error_statuses():
            if code not in responses:
                body = self._get_response_for_code(ErrorOutput, code, direction=direction)
                responses[code] = {**body, "description": _DESCRIPTIONS[code]}
        return responses

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "integer":
                schema.setdefault("minimum", 1)
                schema.setdefault("maximum", MAX_ID)
        return parameters


class TokenScheme(OpenApiAuthenticationExtension):
    """Documents integration tokens in the OpenAPI schema."""

    target_class = "title_review.api.tokens.TokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]  # drf-spectacular hook
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "接口账号令牌：`Authorization: Token <令牌>`，由机构管理员在“接口令牌”页面创建，可随时吊销。",
        }
