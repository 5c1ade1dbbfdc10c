"""Uploaded files in an S3-compatible store (ADR 0037): production settings choose django-storages' S3 backend
when every DJANGO_S3_* variable is given, refuse a half-given store, and an attachment goes up and comes back
through a real S3 server (moto's, on this machine) exactly as it does on the local disk."""

import importlib
import os
import socket
import sys
from pathlib import Path

import boto3
import pytest
from django.core.checks import run_checks
from django.core.files.storage import storages
from django.test import override_settings
from moto.server import ThreadedMotoServer

from title_review.attachments.models import Attachment
from title_review.attachments.tests.helpers import pdf

REQUIRED = ("DJANGO_S3_BUCKET", "DJANGO_S3_ENDPOINT_URL", "DJANGO_S3_ACCESS_KEY_ID", "DJANGO_S3_SECRET_ACCESS_KEY")
S3_ENV = {
    "DJANGO_S3_BUCKET": "zc-files",
    "DJANGO_S3_ENDPOINT_URL": "https://oss.example.gov.cn",
    "DJANGO_S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "DJANGO_S3_SECRET_ACCESS_KEY": "secret-example",
    "DJANGO_S3_REGION": "cn-east-1",
}


def _storage_errors(given, endpoint="https://oss.example.gov.cn"):
    with override_settings(S3_REQUIRED=REQUIRED, S3_GIVEN=sorted(given), S3_ENDPOINT_URL=endpoint):
        return [m for m in run_checks() if m.id in ("core.E005", "core.E006")]


def test_no_s3_variables_keep_the_local_disk_without_a_complaint():
    assert _storage_errors([], endpoint="") == []


def test_a_half_given_store_is_a_system_check_error_naming_what_is_missing():
    [error] = _storage_errors(["DJANGO_S3_BUCKET", "DJANGO_S3_REGION"])
    assert error.id == "core.E005" and error.is_serious()
    assert "配置不完整" in error.msg
    for name in ("DJANGO_S3_ENDPOINT_URL", "DJANGO_S3_ACCESS_KEY_ID", "DJANGO_S3_SECRET_ACCESS_KEY"):
        assert name in error.msg
    assert "DJANGO_S3_BUCKET" not in error.msg.split("缺少")[1].split("；")[0]
    assert _storage_errors(REQUIRED) == []


@pytest.mark.parametrize(
    ("endpoint", "refused"),
    [
        ("https://oss.example.gov.cn", False),
        ("http://127.0.0.1:9000", False),
        ("http://localhost:9000", False),
        ("http://10.0.3.9:9000", True),
        ("http://oss.example.gov.cn", True),
        ("oss.example.gov.cn", True),
    ],
)
def test_plain_http_reaches_only_a_store_on_this_machine(endpoint, refused):
    errors = _storage_errors(REQUIRED, endpoint=endpoint)
    assert [e.id for e in errors] == (["core.E006"] if refused else [])


def _production_settings(monkeypatch, extra: dict[str, str]):
    """config.settings.prod executed afresh with this environment (the test's own settings stay as they are)."""
    for name in list(os.environ):
        if name.startswith("DJANGO_S3_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    for name, value in extra.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("config.settings.prod", None)
    try:
        return importlib.import_module("config.settings.prod")
    finally:
        sys.modules.pop("config.settings.prod", None)


def test_the_production_settings_choose_the_s3_backend_only_with_every_variable(monkeypatch):
    full = _production_settings(monkeypatch, S3_ENV)
    default = full.STORAGES["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "zc-files",
        "https://oss.example.gov.cn",
        "cn-east-1",
    )
    assert (options["access_key"], options["secret_key"]) == ("AKIDEXAMPLE", "secret-example")
    assert options["file_overwrite"] is False and options["default_acl"] is None
    assert full.STORAGES["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage")
    with override_settings(S3_REQUIRED=full.S3_REQUIRED, S3_GIVEN=full.S3_GIVEN, S3_ENDPOINT_URL=full.S3_ENDPOINT_URL):
        assert [m.id for m in run_checks() if m.id.startswith("core.E00")] == []

    local = _production_settings(monkeypatch, {})
    assert local.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local.S3_GIVEN == []

    half = _production_settings(monkeypatch, {k: v for k, v in S3_ENV.items() if k != "DJANGO_S3_SECRET_ACCESS_KEY"})
    assert half.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    with override_settings(S3_REQUIRED=half.S3_REQUIRED, S3_GIVEN=half.S3_GIVEN, S3_ENDPOINT_URL=half.S3_ENDPOINT_URL):
        [error] = [m for m in run_checks() if m.id.startswith("core.E00")]
    assert error.id == "core.E005" and "DJANGO_S3_SECRET_ACCESS_KEY" in error.msg


# A real S3 server on this machine: moto's, started in this process on a free loopback port.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="cn-east-1"
    )
    client.create_bucket(Bucket="zc-files", CreateBucketConfiguration={"LocationConstraint": "cn-east-1"})
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_storage(s3_server):
    endpoint, client = s3_server
    options = {
        "bucket_name": "zc-files",
        "endpoint_url": endpoint,
        "access_key": "test",
        "secret_key": "test",
        "region_name": "cn-east-1",
        "location": "uploads",
        "file_overwrite": False,
        "signature_version": "s3v4",
        "addressing_style": "path",
    }
    storages = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield client


def test_an_attachment_goes_up_to_the_store_and_comes_back_byte_for_byte(users, login, s3_storage, tmp_path):
    client = login("applicant")
    upload = pdf("论文 2026.pdf")
    sent = upload.read()
    upload.seek(0)
    response = client.post(
        "/attachments/upload/", {"attachment_kind": "paper", "attachment_file": upload}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "论文 2026.pdf" in response.content.decode()
    attachment = Attachment.objects.get(owner=users["applicant"], original_name="论文 2026.pdf")
    assert type(storages["default"]).__module__ == "storages.backends.s3"
    keys = [o["Key"] for o in s3_storage.list_objects_v2(Bucket="zc-files")["Contents"]]
    assert f"uploads/{attachment.file.name}" in keys
    assert s3_storage.get_object(Bucket="zc-files", Key=f"uploads/{attachment.file.name}")["Body"].read() == sent

    download = client.get(f"/attachments/{attachment.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == sent

    # Nothing was written to the local disk.
    from django.conf import settings

    assert not (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()
