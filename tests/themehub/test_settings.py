"""Production settings refuse to start without a real secret key and hosts.

Settings are read once per process, so each case runs `manage.py check` in a
fresh interpreter with a clean environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k7Rq2vX9pLm4sT8wZ1nB6cY3hJ5gF0dA-uE_iO7rW2qP9sK4xV1mN8bC3zL6tG5yH"


def _check(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=REPO_ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_without_secret_key_in_production_refuse_to_start():
    result = _check(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="themehub.example.com")

    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0." in result.stderr


@pytest.mark.parametrize(
    "weak_key",
    [
        "short-key",
        "django-insecure-" + "x7" * 30,
        "a" * 80,
    ],
    ids=["short", "django-insecure-prefix", "few-distinct-characters"],
)
def test_settings_with_weak_secret_key_in_production_refuse_to_start(weak_key):
    result = _check(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=weak_key, DJANGO_ALLOWED_HOSTS="themehub.example.com"
    )

    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY is too weak for production" in result.stderr


def test_settings_without_allowed_hosts_in_production_refuse_to_start():
    result = _check(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=STRONG_KEY)

    assert result.returncode == 1
    assert "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0." in result.stderr


def test_settings_with_key_and_hosts_in_production_pass_deploy_check():
    result = _check(
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="themehub.example.com",
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert "System check identified no issues" in result.stdout


def test_settings_with_nothing_set_run_for_development():
    result = _check()

    assert (result.returncode, result.stderr) == (0, "")
    assert "System check identified no issues" in result.stdout
