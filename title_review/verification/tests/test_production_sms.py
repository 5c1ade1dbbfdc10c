"""Production never runs with the development SMS outbox, and no page shows codes outside development.

Issue 10, finding 2: production settings fell back to the outbox, so administrators could read every
password-reset code at /verification/outbox/ and take over any account.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error, run_checks

from title_review.verification.backends import SmsBackend

ROOT = Path(__file__).resolve().parents[3]
OUTBOX = "title_review.verification.backends.OutboxBackend"
GATEWAY = "title_review.verification.backends.HttpGatewayBackend"


class ProviderBackend(SmsBackend):
    def send(self, phone: str, text: str, purpose: str) -> None:
        return None


def _errors(ids: set[str]) -> list[Error]:
    return [m for m in run_checks() if m.id in ids and m.is_serious()]


def _prod(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SMS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="zc.example.gov.cn",
        **env_extra,
    )
    return subprocess.run(  # noqa: S603 — our own interpreter and arguments
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_outbox_without_debug_is_a_system_check_error(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = OUTBOX
    settings.SMS_OUTBOX_IN_TESTS = False
    errors = _errors({"verification.E002"})
    assert len(errors) == 1
    assert "短信发件箱" in errors[0].msg


def test_an_unset_or_broken_backend_is_a_system_check_error(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = ""
    assert _errors({"verification.E003"})
    settings.SMS_BACKEND = "title_review.verification.backends.NoSuchBackend"
    assert _errors({"verification.E003"})


def test_the_http_gateway_needs_an_https_address(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = GATEWAY
    settings.SMS_GATEWAY_URL = ""
    assert _errors({"verification.E004"})
    settings.SMS_GATEWAY_URL = "http://sms.example.gov.cn/send"
    assert _errors({"verification.E004"})
    settings.SMS_GATEWAY_URL = "https://sms.example.gov.cn/send"
    assert not _errors({"verification.E002", "verification.E003", "verification.E004"})


def test_development_may_use_the_outbox(settings):
    settings.DEBUG = True
    settings.SMS_BACKEND = OUTBOX
    settings.SMS_OUTBOX_IN_TESTS = False
    assert not _errors({"verification.E002", "verification.E003"})


@pytest.mark.ci_on_postgresql
def test_production_settings_without_an_sms_backend_refuse_to_start():
    """As an operator would: `manage.py check` and the WSGI application both refuse."""
    check = _prod({}, "manage.py", "check", "--deploy")
    assert check.returncode != 0
    assert "verification.E003" in check.stderr
    wsgi = _prod({}, "-c", "import config.wsgi")
    assert wsgi.returncode != 0
    assert "verification.E003" in wsgi.stderr
    outbox = _prod({"DJANGO_SMS_BACKEND": OUTBOX}, "manage.py", "check")
    assert outbox.returncode != 0 and "verification.E002" in outbox.stderr


@pytest.mark.ci_on_postgresql
def test_production_settings_with_a_gateway_start(production_signing_env):
    env = {
        **production_signing_env,
        "DJANGO_SMS_BACKEND": GATEWAY,
        "DJANGO_SMS_GATEWAY_URL": "https://sms.example.gov.cn/send",
        # Production also needs the shared cache (core.E004, ADR 0034); nothing connects to it at start-up.
        "DJANGO_REDIS_URL": "redis://127.0.0.1:6379/1",
    }
    result = _prod(env, "-c", "import config.wsgi")
    assert result.returncode == 0, result.stderr


def test_no_outbox_page_without_debug(login, seeded, settings):
    settings.DEBUG = False
    settings.SMS_OUTBOX_IN_TESTS = False
    assert login("sysadmin").get("/verification/outbox/").status_code == 404


def test_no_outbox_page_with_a_real_provider(login, seeded, settings):
    settings.DEBUG = True
    settings.SMS_BACKEND = f"{__name__}.ProviderBackend"
    assert login("sysadmin").get("/verification/outbox/").status_code == 404


@pytest.mark.parametrize("status", [200, 500])
def test_the_gateway_posts_the_message_and_reports_failures(settings, status):
    import http.server
    import json
    import threading

    from title_review.verification.backends import get_backend

    received: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"auth": self.headers.get("Authorization"), **json.loads(body)})
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            return None

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.SMS_BACKEND = GATEWAY
        settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.SMS_GATEWAY_TOKEN = "t0ken"
        backend = get_backend()
        if status == 200:
            backend.send("13812345678", "验证码为123456", "register")
        else:
            with pytest.raises(OSError):
                backend.send("13812345678", "验证码为123456", "register")
    finally:
        server.shutdown()
        server.server_close()
    assert received == [
        {"auth": "Bearer t0ken", "phone": "13812345678", "text": "验证码为123456", "purpose": "register"}
    ]


def test_the_outbox_leaves_the_menu_where_the_page_does_not_exist(users, settings):
    from title_review.access.menu import menu_for

    def labels():
        return {item["label"] for section in menu_for(users["sysadmin"]) for item in section["items"]}

    assert "短信发件箱" in labels()
    settings.SMS_OUTBOX_IN_TESTS = False
    assert "短信发件箱" not in labels()
