from drf_spectacular.extensions import OpenApiAuthenticationExtension


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
