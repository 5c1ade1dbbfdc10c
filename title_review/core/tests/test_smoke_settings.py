"""The production smoke (deploy/smoke.py) refuses to start when a production setting is missing: it names the
variable and the system check that refused it, and exits with status 2 before any server starts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _smoke(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    return subprocess.run(  # noqa: S603 — our own interpreter and script
        # Warnings are `make check-deploy`'s business; here the errors that stop production must show.
        [sys.executable, "deploy/smoke.py", "--check-only", "--fail-level", "ERROR", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.ci_on_postgresql
def test_every_production_setting_given_passes_the_check():
    result = _smoke()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "== production settings ==" in result.stdout and "production settings PASS" in result.stdout


@pytest.mark.ci_on_postgresql
@pytest.mark.parametrize(
    ("variable", "named"),
    [
        ("DJANGO_REDIS_URL", "core.E004"),
        ("DJANGO_S3_SECRET_ACCESS_KEY", "core.E005"),
    ],
)
def test_one_missing_setting_stops_the_smoke_naming_it(variable, named):
    result = _smoke("--without", variable)
    assert result.returncode == 2, result.stdout + result.stderr
    failure = result.stdout[result.stdout.index("SMOKE FAILED: production settings:") :]
    assert f"missing production setting: {variable}" in failure
    assert named in failure
    assert "PASS" not in result.stdout
