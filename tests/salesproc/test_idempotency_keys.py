"""Idempotency keys on API POSTs: replay, mismatch, per user, concurrency, cleanup."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Account
from salesproc.idempotency.models import IdempotencyKey
from salesproc.idempotency.tasks import purge_expired_idempotency_keys_task
from tests.conftest import api_for
from tests.factories import DealFactory

KEY = "HTTP_IDEMPOTENCY_KEY"


def _token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.mark.django_db
def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(rep):
    api = _token_client(rep)
    first = api.post("/api/v1/accounts/", {"name": "Once Ltd"}, format="json", **{KEY: "k-1"})
    assert first.status_code == 201
    again = api.post("/api/v1/accounts/", {"name": "Once Ltd"}, format="json", **{KEY: "k-1"})
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Account.objects.filter(name="Once Ltd").count() == 1
    # without a key, a POST runs each time
    api.post("/api/v1/accounts/", {"name": "Twice Ltd", "allow_duplicate": True}, format="json")
    api.post("/api/v1/accounts/", {"name": "Twice Ltd", "allow_duplicate": True}, format="json")
    assert Account.objects.filter(name="Twice Ltd").count() == 2


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422(rep):
    api = api_for(rep)
    api.post("/api/v1/accounts/", {"name": "First"}, format="json", **{KEY: "k-2"})
    other = api.post("/api/v1/accounts/", {"name": "Second"}, format="json", **{KEY: "k-2"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_mismatch"
    assert "different request" in other.json()["detail"]
    assert not Account.objects.filter(name="Second").exists()
    elsewhere = api.post(
        "/api/v1/contacts/", {"first_name": "A", "last_name": "B"}, format="json", **{KEY: "k-2"}
    )
    assert elsewhere.status_code == 422  # another path is another request


@pytest.mark.django_db
def test_keys_are_per_user(rep, other_rep):
    api_for(rep).post("/api/v1/accounts/", {"name": "Mine"}, format="json", **{KEY: "shared"})
    theirs = api_for(other_rep).post(
        "/api/v1/accounts/",
        {"name": "Mine", "allow_duplicate": True},
        format="json",
        **{KEY: "shared"},
    )
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Account.objects.filter(name="Mine").count() == 2


@pytest.mark.django_db
def test_actions_are_covered_a_lose_runs_once(rep):
    deal = DealFactory(owner=rep)
    api = api_for(rep)
    path = f"/api/v1/deals/{deal.pk}/lose/"
    first = api.post(path, {"reason": "Price"}, format="json", **{KEY: "lose-1"})
    assert first.status_code == 200, first.content
    again = api.post(path, {"reason": "Price"}, format="json", **{KEY: "lose-1"})
    assert again.status_code == 200 and again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    without = api.post(path, {"reason": "Price"}, format="json")
    assert without.status_code in (400, 409)  # the second real lose is refused


@pytest.mark.django_db
def test_a_validation_error_is_kept_too_and_a_bad_key_is_400(rep):
    api = api_for(rep)
    bad = api.post("/api/v1/accounts/", {}, format="json", **{KEY: "k-3"})
    assert bad.status_code == 400
    assert api.post("/api/v1/accounts/", {}, format="json", **{KEY: "k-3"}).content == bad.content
    too_long = api.post("/api/v1/accounts/", {"name": "X"}, format="json", **{KEY: "x" * 256})
    assert too_long.status_code == 400 and too_long.json()["code"] == "invalid_idempotency_key"
    ok = api.post("/api/v1/accounts/", {"name": "Max key"}, format="json", **{KEY: "y" * 255})
    assert ok.status_code == 201


@pytest.mark.django_db
def test_a_key_still_running_is_409_and_an_expired_one_runs_again(rep):
    now = timezone.now()
    api = api_for(rep)
    first = api.post("/api/v1/accounts/", {"name": "Slow"}, format="json", **{KEY: "k-4"})
    row = IdempotencyKey.objects.get(key="k-4")
    IdempotencyKey.objects.filter(pk=row.pk).update(response_status=None)  # "still running"
    busy = api.post("/api/v1/accounts/", {"name": "Slow"}, format="json", **{KEY: "k-4"})
    assert busy.status_code == 409 and busy["Retry-After"] == "1"
    assert busy.json()["code"] == "idempotency_key_in_use"
    IdempotencyKey.objects.filter(pk=row.pk).update(expires_at=now - timedelta(seconds=1))
    rerun = api.post(
        "/api/v1/accounts/",
        {"name": "Slow", "allow_duplicate": True},
        format="json",
        **{KEY: "k-4"},
    )
    assert rerun.status_code == 201 and rerun.content != first.content


@pytest.mark.django_db
def test_the_cleanup_forgets_expired_keys(rep):
    api = api_for(rep)
    api.post("/api/v1/accounts/", {"name": "Old"}, format="json", **{KEY: "old"})
    api.post("/api/v1/accounts/", {"name": "New"}, format="json", **{KEY: "new"})
    IdempotencyKey.objects.filter(key="old").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert purge_expired_idempotency_keys_task() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_gets_and_session_pages_are_untouched(rep, client):
    api = api_for(rep)
    assert api.get("/api/v1/accounts/", **{KEY: "k-5"}).status_code == 200
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_run_once(rep):
    if connection.vendor != "postgresql":
        pytest.skip("threads on one database need PostgreSQL")
    token = Token.objects.get_or_create(user=rep)[0].key
    start = threading.Barrier(6)
    answers = []

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        start.wait()
        try:
            response = client.post(
                "/api/v1/accounts/", {"name": "Race Ltd"}, format="json", **{KEY: "race"}
            )
            answers.append((response.status_code, response.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert Account.objects.filter(name="Race Ltd").count() == 1
    codes = sorted(code for code, _ in answers)
    assert len(codes) == 6 and set(codes) <= {201, 409}
    created = {content for code, content in answers if code == 201}
    assert len(created) == 1  # every 201 is the one answer (original or replay)


@pytest.mark.django_db
def test_an_import_upload_with_a_key_runs_once(rep, settings, tmp_path):
    from leads.intake.models import ImportJob
    from tests.leads.intake_factories import HEADER, csv_upload, lead_rows

    settings.MEDIA_ROOT = tmp_path
    api = api_for(rep)
    rows = [HEADER, *lead_rows(3)]
    first = api.post(
        "/api/v1/lead-imports/", {"file": csv_upload(rows)}, format="multipart", **{KEY: "imp"}
    )
    assert first.status_code == 202, first.content
    again = api.post(
        "/api/v1/lead-imports/", {"file": csv_upload(rows)}, format="multipart", **{KEY: "imp"}
    )
    assert again.status_code == 202 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert ImportJob.objects.count() == 1
    other = api.post(
        "/api/v1/lead-imports/",
        {"file": csv_upload([HEADER, *lead_rows(4)])},
        format="multipart",
        **{KEY: "imp"},
    )
    assert other.status_code == 422
