"""Events say how the actor acted (web, API, import, intake, system), and keep no secrets."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import Account
from salesproc import events
from salesproc.events import MASK, acting_via, record_event, record_events_bulk
from salesproc.models import Event

pytestmark = pytest.mark.django_db


def _created(account):
    return Event.objects.get(name="account.created", object_id=account.pk)


def test_an_event_recorded_in_a_page_says_web(client, rep):
    client.force_login(rep)

    response = client.post(
        "/accounts/companies/new/", {"name": "Acme", "status": "prospect", "owner": rep.pk}
    )

    assert response.status_code == 302
    event = _created(Account.objects.get(name="Acme"))
    assert (event.actor, event.via) == (rep, "web")


def test_an_event_recorded_with_an_api_token_says_api_and_the_timeline_shows_it(client, rep):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=rep).key}")

    response = api.post("/api/v1/accounts/", {"name": "Acme"}, format="json")

    assert response.status_code == 201
    account = Account.objects.get(name="Acme")
    assert (_created(account).actor, _created(account).via) == (rep, "api")
    client.force_login(rep)
    page = client.get(f"/accounts/companies/{account.pk}/").content.decode()
    assert "Alice" in page
    assert "via API" in page


def test_an_api_request_with_a_session_says_api_too(rep):
    api = APIClient()
    api.force_login(rep)

    assert api.post("/api/v1/accounts/", {"name": "Acme"}, format="json").status_code == 201

    assert _created(Account.objects.get(name="Acme")).via == "api"


def test_work_outside_a_request_says_system_and_a_marked_block_says_so(rep, client):
    outside = account_services.account_create(actor=rep, data={"name": "Outside"})
    with acting_via("import"):
        imported = account_services.account_create(actor=rep, data={"name": "Imported"})
        bulk = record_events_bulk(subjects=[outside], name="account.updated", actor=rep)

    assert _created(outside).via == "system"
    assert _created(imported).via == "import"
    assert [e.via for e in bulk] == ["import"]
    assert events.current_via() == "system"  # the block ended
    client.force_login(rep)
    page = client.get(f"/accounts/companies/{imported.pk}/").content.decode()
    assert "via import" in page
    page = client.get(f"/accounts/companies/{outside.pk}/").content.decode()
    created_line = page.split("Account Outside created", 1)[1].split("</li>", 1)[0]
    assert f"{rep} ·" in created_line  # system and web work name no channel


def test_a_request_does_not_leak_its_channel_to_the_next_work(client, rep):
    client.force_login(rep)
    client.post("/accounts/companies/new/", {"name": "Acme", "status": "prospect", "owner": rep.pk})

    assert events.current_via() == "system"


def test_it_refuses_an_unknown_channel():
    with pytest.raises(ValueError, match="unknown channel"), acting_via("fax"):
        pass


def test_it_masks_passwords_tokens_and_secrets_at_any_depth(rep):
    account = account_services.account_create(actor=rep, data={"name": "Acme"})
    data = {
        "password": "hunter2",
        "changes": {"calendar_token": ["old", "new"], "name": ["A", "B"]},
        "hooks": [{"Client_Secret": "s3cret", "url": "https://example.test"}],
    }

    event = record_event(subject=account, name="account.updated", actor=rep, data=data)
    bulk = record_events_bulk(subjects=[account], name="account.updated", data=lambda a: data)

    expected = {
        "password": MASK,
        "changes": {"calendar_token": MASK, "name": ["A", "B"]},
        "hooks": [{"Client_Secret": MASK, "url": "https://example.test"}],
    }
    event.refresh_from_db()
    assert event.data == expected
    assert Event.objects.get(pk=bulk[0].pk).data == expected
    assert "hunter2" not in str(Event.objects.values_list("data", flat=True))
