"""deploy/nginx/title-review.conf: nginx accepts it (`nginx -t`), and its body limits follow the upload limits
in the code, so raising a limit without the proxy (or the reverse) fails here rather than as a 413 in use."""

import importlib.util
import os
import re
import shutil
from pathlib import Path

import pytest

from title_review.attachments.types import ATTACHMENT_TYPES
from title_review.core.excel import MAX_IMPORT_BYTES
from title_review.exchange.views import MAX_UPLOAD_BYTES
from title_review.organisations.employers import LICENCE_MAX_BYTES, SEAL_MAX_BYTES

ROOT = Path(__file__).resolve().parents[3]
CONF = (ROOT / "deploy" / "nginx" / "title-review.conf").read_text()
MB = 1024 * 1024
# The multipart envelope around a file: boundaries, part headers and the other fields of the form.
ENVELOPE = 512 * 1024


def _smoke():
    spec = importlib.util.spec_from_file_location("deploy_smoke", ROOT / "deploy" / "smoke.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _megabytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([mg])", value).groups()
    return int(number) * (1024 if unit == "g" else 1) * MB


def _limits() -> dict[str, int]:
    server = re.search(r"\n    client_max_body_size (\w+);", CONF)
    exchange = re.search(r"location = /exchange/import/ \{[^}]*client_max_body_size (\w+);", CONF)
    assert server and exchange
    return {"server": _megabytes(server.group(1)), "exchange": _megabytes(exchange.group(1))}


def test_the_body_limit_admits_the_largest_upload_and_little_more():
    largest = max(
        [t.default_max_bytes for t in ATTACHMENT_TYPES.values()] + [LICENCE_MAX_BYTES, SEAL_MAX_BYTES, MAX_IMPORT_BYTES]
    )
    assert largest == 20 * MB  # 论文
    limits = _limits()
    assert largest + ENVELOPE <= limits["server"] <= largest + 2 * MB
    assert MAX_UPLOAD_BYTES + ENVELOPE <= limits["exchange"] <= MAX_UPLOAD_BYTES + 2 * MB


def test_nginx_accepts_the_configuration(tmp_path):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed: .ci/run installs it (apt-get install nginx)")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    smoke = _smoke()
    _nginx, conf, _cert = smoke.nginx_config(tmp_path / "nginx", smoke.Ports(18190))
    site = (tmp_path / "nginx" / "title-review.conf").read_text()
    assert conf.exists() and "include" in conf.read_text()
    # Only the machine's paths, ports and the certificate differ from the file in the repository.
    assert "client_max_body_size 21m;" in site and "real_ip_header X-Forwarded-For;" in site
    assert (
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"
        in (ROOT / "deploy" / "nginx" / "proxy.conf").read_text()
    )


def test_a_broken_configuration_is_refused_by_name(tmp_path, monkeypatch):
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed; the test above fails under CI")
    smoke = _smoke()
    broken = tmp_path / "root"
    (broken / "deploy" / "nginx").mkdir(parents=True)
    for name in ("title-review.conf", "proxy.conf"):
        text = (ROOT / "deploy" / "nginx" / name).read_text()
        (broken / "deploy" / "nginx" / name).write_text(
            text.replace("client_max_body_size 21m;", "client_max_body 21m;")
        )
    monkeypatch.setattr(smoke, "ROOT", broken)
    with pytest.raises(smoke.SmokeFailure, match=r"nginx -t refused(.|\n)*client_max_body"):
        smoke.nginx_config(tmp_path / "nginx", smoke.Ports(18190))


def test_health_probes_reach_gunicorn_over_plain_http_and_pages_move_to_https(client, db, settings, monkeypatch):
    """The load balancer probes each app server's gunicorn over plain HTTP (nginx's port 80 passes /readyz on
    too); every other path is sent to HTTPS by Django as well as by nginx."""
    import importlib
    import sys

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    sys.modules.pop("config.settings.prod", None)
    try:
        prod = importlib.import_module("config.settings.prod")
    finally:
        sys.modules.pop("config.settings.prod", None)
    settings.SECURE_SSL_REDIRECT = prod.SECURE_SSL_REDIRECT
    settings.SECURE_REDIRECT_EXEMPT = prod.SECURE_REDIRECT_EXEMPT
    assert settings.SECURE_SSL_REDIRECT is True
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz").status_code == 200
    moved = client.get("/accounts/login/")
    assert moved.status_code == 301 and moved["Location"] == "https://testserver/accounts/login/"
    assert client.get("/readyz/extra").status_code == 301
    assert "location = /readyz {" in CONF
