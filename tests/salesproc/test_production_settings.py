"""Insecure defaults (issue 8, item 9): production refuses to start on a default key,
and every page carries a Content-Security-Policy and a Permissions-Policy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMBEDDED_KEY = "embedded-only-key-set-SECRET_KEY-in-production-9f3b1c7e2a"


def start(env):
    """Load the settings the way `manage.py` or gunicorn would, with only these variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "salesproc.settings"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_with_debug_off_and_no_secret_key():
    result = start({"DEBUG": "false", "ALLOWED_HOSTS": "crm.example.com"})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_to_start_with_debug_off_and_the_embedded_key():
    result = start(
        {"DEBUG": "false", "SECRET_KEY": EMBEDDED_KEY, "ALLOWED_HOSTS": "crm.example.com"}
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_to_start_with_debug_off_and_no_allowed_hosts():
    result = start({"DEBUG": "false", "SECRET_KEY": "x" * 60})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_it_defaults_to_debug_off_on_a_production_database():
    result = start(
        {
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "crm.example.com",
        }
    )

    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_it_defaults_to_debug_off_on_redis_too():
    result = start({"REDIS_URL": "redis://127.0.0.1:6379/0"})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_starts_in_embedded_mode_with_no_setting_at_all():
    result = start({})

    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_it_starts_in_production_with_a_real_key_and_hosts():
    result = start({"DEBUG": "false", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "crm.example.com"})

    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_it_sends_a_content_security_policy_without_inline_script(client, rep, settings, debug):
    settings.DEBUG = debug
    client.force_login(rep)

    response = client.get("/")

    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert "unsafe-inline" not in " ".join(directives["script-src"])
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


@pytest.mark.django_db
def test_it_sends_the_policies_on_the_login_page_and_the_api(client, api):
    assert "script-src 'self'" in client.get("/login/")["Content-Security-Policy"]
    assert "camera=()" in api.get("/api/v1/users/")["Permissions-Policy"]


@pytest.mark.django_db
def test_it_serves_the_swagger_page_without_inline_script(client, rep):
    client.force_login(rep)

    page = client.get("/api/docs/")
    html = page.content.decode()

    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    inline = [
        s
        for s in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if "src=" not in s[0] or s[1].strip()
    ]
    assert inline == []
    script_url = re.findall(r'<script src="([^"]*script[^"]*)"', html)[-1].replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_no_template_carries_inline_script_or_event_handlers():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
    assert offenders == []
