import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Account, Contact
from salesproc.models import Team, User

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_it_reports_health_as_json(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["status"] == "ok"
    assert "broker" in body


@pytest.mark.django_db
def test_it_refuses_to_seed_demo_data_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo")
    assert not User.objects.filter(username="rep1").exists()


@pytest.mark.django_db
def test_it_seeds_the_demo_org_idempotently():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    counts = (User.objects.count(), Account.objects.count(), Contact.objects.count())
    call_command("seed_demo", "--force", stdout=io.StringIO())

    assert (User.objects.count(), Account.objects.count(), Contact.objects.count()) == counts
    # the foundation's companies and people (other apps' demo data may add more)
    assert counts[1] >= 50
    assert counts[2] >= 130
    assert Team.objects.get(name="North").manager.username == "manager1"
    assert set(User.objects.filter(team__name="North").values_list("username", flat=True)) == {
        "manager1",
        "rep1",
        "rep2",
        "rep5",  # the second field rep territories' demo adds (issue 12)
    }
    assert User.objects.get(username="rep3").role.slug == "key-account-manager"
    assert User.objects.get(username="rep4").role.slug == "account-manager"
    assert User.objects.get(username="admin").is_crm_admin
    assert User.objects.get(username="rep1").check_password("demo")
    owners = set(Account.objects.values_list("owner__username", flat=True))
    assert owners == {"rep1", "rep2", "rep3", "rep4", "rep5"}


def _manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into these checks
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **(env or {}),
        },
        timeout=120,
    )


def test_it_has_no_missing_migrations():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_passes_the_deployment_checks_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "false",
            "SECRET_KEY": "x9!k2#production-grade-secret-key-with-enough-entropy-7f3a9c1e5b",
            "ALLOWED_HOSTS": "crm.example.org",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_keeps_the_dependency_direction_between_apps():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-2000:]
