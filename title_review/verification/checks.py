"""System checks: captcha answers stay on the server; SMS codes reach phones, never an outbox, in production."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from .backends import HttpGatewayBackend, OutboxBackend, backend_class, backend_path


@register()
def captcha_needs_server_side_sessions(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.signed_cookies":
        return [
            Error(
                "Captcha answers are kept in the session; signed-cookie sessions would hand them to the browser.",
                hint="Use a server-side SESSION_ENGINE (db, cache or cached_db).",
                id="verification.E001",
            )
        ]
    return []


@register(Tags.security)
def sms_backend_fit_for_this_installation(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Without DEBUG the SMS codes must reach phones: the outbox would let administrators read every
    password-reset code (issue 10, finding 2). Runs with every management command and when the WSGI
    application starts (config/wsgi.py), so a production server refuses to start."""
    try:
        cls = backend_class()
    except (ImportError, TypeError, ValueError):
        return [
            Error(
                f"短信服务未配置或无法加载（SMS_BACKEND = {backend_path()!r}），验证码无法发送。",
                hint="在环境变量 DJANGO_SMS_BACKEND 中填写短信服务类的完整路径，见 docs/deploy.md。",
                id="verification.E003",
            )
        ]
    if settings.DEBUG:
        return []
    # SMS_OUTBOX_IN_TESTS is set by config.settings.test only (the suite runs without DEBUG).
    if issubclass(cls, OutboxBackend) and not getattr(settings, "SMS_OUTBOX_IN_TESTS", False):
        return [
            Error(
                "生产环境不能使用开发用的短信发件箱：验证码会留在系统里供管理员查看，而不是发到用户手机。",
                hint="在环境变量 DJANGO_SMS_BACKEND 中配置正式短信服务（如 HttpGatewayBackend），见 docs/deploy.md。",
                id="verification.E002",
            )
        ]
    if issubclass(cls, HttpGatewayBackend) and not str(getattr(settings, "SMS_GATEWAY_URL", "")).startswith("https://"):
        return [
            Error(
                "短信网关地址未配置或不是 https:// 地址，验证码会以明文发送或无法发送。",
                hint="在环境变量 DJANGO_SMS_GATEWAY_URL 中填写短信网关的 https:// 地址。",
                id="verification.E004",
            )
        ]
    return []
