"""The audit trail cannot be edited (issue 8, item 19): events are read-only in Django
admin, and Django admin cannot delete domain records behind the services' back."""

import pytest

from accounts.models import Account, Contact
from tests.factories import AccountFactory, ContactFactory, DealFactory, LeadFactory, UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="su", is_staff=True, is_superuser=True)


@pytest.fixture
def records(rep):
    from calls.models import Call
    from deals.models import Deal
    from leads.models import Lead
    from tests.calls.factories import plan

    account = AccountFactory(owner=rep)
    return {
        "accounts/account": (Account, account),
        "accounts/contact": (Contact, ContactFactory(owner=rep, account=account)),
        "leads/lead": (Lead, LeadFactory(owner=rep)),
        "deals/deal": (Deal, DealFactory(owner=rep, account=account)),
        "calls/call": (Call, plan(rep)),
    }


@pytest.mark.django_db
def test_events_are_read_only_in_django_admin(client, superuser, rep):
    from salesproc.events import record_event

    event = record_event(subject=rep, name="user.assigned", actor=superuser, summary="before")
    client.force_login(superuser)
    base = "/django-admin/salesproc/event/"

    assert client.get(base).status_code == 200
    assert client.get(f"{base}{event.pk}/change/").status_code == 200  # view only
    assert client.get(f"{base}add/").status_code == 403
    assert (
        client.post(f"{base}{event.pk}/change/", {"name": "x", "summary": "after"}).status_code
        == 403
    )
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(base, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert "delete_selected" not in client.get(base).content.decode()
    event.refresh_from_db()
    assert (event.name, event.summary) == ("user.assigned", "before")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "admin_path", ["accounts/account", "accounts/contact", "leads/lead", "deals/deal", "calls/call"]
)
def test_django_admin_cannot_delete_domain_records(client, superuser, records, admin_path):
    model, record = records[admin_path]
    client.force_login(superuser)
    base = f"/django-admin/{admin_path}/"

    page = client.get(base)
    single = client.post(f"{base}{record.pk}/delete/", {"post": "yes"})
    bulk = client.post(
        base, {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    )

    assert page.status_code == 200
    assert "delete_selected" not in page.content.decode()
    assert single.status_code == 403
    assert bulk.status_code in {200, 302}
    assert model.objects.filter(pk=record.pk).exists()
    change = client.get(f"{base}{record.pk}/change/").content.decode()
    assert f"{record.pk}/delete/" not in change
