"""The account plan's relationship map: on the plan page and at /api/v1/relationship-map/.
Rows are visible exactly when the account is; the last engagement is read from calls."""

from datetime import UTC, datetime

import pytest

from accounts.plans import services
from accounts.plans.models import RelationshipEntry
from calls.models import Call
from salesproc.models import Event
from tests.calls.factories import complete
from tests.calls.factories import plan as plan_call
from tests.conftest import api_for
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_account(rep, kam):
    return AccountFactory(owner=rep, account_manager=kam, is_managed=True, name="Acme")


@pytest.fixture
def plan(kam, key_account):
    return services.account_plan_create(actor=kam, account=key_account, period="FY2027")


@pytest.fixture
def cfo(rep, key_account):
    return ContactFactory(owner=rep, account=key_account, first_name="Cleo", last_name="Finch")


@pytest.fixture
def buyer(rep, key_account):
    return ContactFactory(owner=rep, account=key_account, first_name="Ben", last_name="Byer")


def held_on(contact, moment):
    call = complete(plan_call(contact.owner, contact=contact))
    Call.objects.filter(pk=call.pk).update(completed_at=moment)


def add(actor, plan, contact, **kwargs):
    return services.relationship_save(
        actor=actor, plan=plan, data=services.RelationshipInput(contact=contact, **kwargs)
    )


def test_the_plan_page_shows_the_map_with_sponsors_and_the_last_engagement(
    client, kam, manager, plan, cfo, buyer, django_assert_max_num_queries
):
    # given the CFO is their executive sponsor (ours is Mia, the manager, who adds the
    # row), last spoken to on 3 Nov 2026, and the buyer known to Kim
    held_on(cfo, datetime(2026, 10, 1, 9, tzinfo=UTC))
    held_on(cfo, datetime(2026, 11, 3, 9, tzinfo=UTC))
    client.force_login(manager)
    added = client.post(
        f"/accounts/plans/{plan.pk}/add/relationships/",
        {
            "contact": cfo.pk,
            "role": "Economic buyer",
            "counterpart": manager.pk,
            "strength": 4,
            "is_executive_sponsor": "on",
        },
    )
    assert added.status_code == 302
    assert added.url == f"/accounts/plans/{plan.pk}/#relationships"
    add(kam, plan, buyer, role="Procurement", counterpart=kam, strength=2)
    # when Kim looks at the plan page
    client.force_login(kam)
    with django_assert_max_num_queries(40):
        body = client.get(f"/accounts/plans/{plan.pk}/").content.decode()
    # then both rows, the sponsors on each side and the CFO's last engagement show
    assert "Relationship map" in body
    assert "theirs <strong>Cleo Finch</strong>, ours <strong>Mia" in body
    assert "Economic buyer" in body and "4 / 5" in body and "3 Nov 2026" in body
    assert "Procurement" in body and "2 / 5" in body
    entry = RelationshipEntry.objects.get(contact=cfo)
    assert (entry.role, entry.counterpart, entry.strength, entry.is_executive_sponsor) == (
        "Economic buyer",
        manager,
        4,
        True,
    )
    assert (
        Event.objects.filter(object_id=plan.account_id, name__contains="relationship").count() == 2
    )


def test_a_new_executive_sponsor_replaces_the_old_one(kam, plan, cfo, buyer):
    add(kam, plan, cfo, counterpart=kam, is_executive_sponsor=True)
    add(kam, plan, buyer, counterpart=kam, is_executive_sponsor=True)
    assert list(
        RelationshipEntry.objects.filter(is_executive_sponsor=True).values_list(
            "contact", flat=True
        )
    ) == [buyer.pk]


def test_bad_input_on_the_page_is_400_and_saves_nothing(client, kam, plan, cfo, rep):
    stranger = ContactFactory(owner=rep, first_name="Olga")  # another account's contact
    client.force_login(kam)
    for form, message in (
        ({"contact": cfo.pk, "strength": 6}, "Ensure this value is less than or equal to 5."),
        ({"contact": stranger.pk, "strength": 3}, "Select a valid choice."),
        (
            {"contact": cfo.pk, "strength": 3, "is_executive_sponsor": "on"},
            "Name our executive sponsor: the counterpart of theirs.",
        ),
    ):
        response = client.post(f"/accounts/plans/{plan.pk}/add/relationships/", form)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not RelationshipEntry.objects.exists()


def test_the_api_lists_by_plan_and_account_and_creates_and_changes(
    kam, manager, plan, key_account, cfo, buyer
):
    held_on(buyer, datetime(2026, 11, 20, 15, tzinfo=UTC))
    api = api_for(kam)
    created = api.post(
        "/api/v1/relationship-map/",
        {"plan": plan.pk, "contact": buyer.pk, "role": "User", "counterpart": kam.pk},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in body if k != "id"} == {
        "plan": plan.pk,
        "contact": buyer.pk,
        "role": "User",
        "counterpart": kam.pk,
        "strength": 3,
        "is_executive_sponsor": False,
        "last_engagement": "2026-11-20T15:00:00+00:00",
    }
    changed = api.patch(
        f"/api/v1/relationship-map/{body['id']}/",
        {"strength": 5, "is_executive_sponsor": True},
        format="json",
    )
    assert (changed.status_code, changed.json()["strength"]) == (200, 5)
    assert changed.json()["is_executive_sponsor"] is True
    for query in (f"plan={plan.pk}", f"account={key_account.pk}"):
        listed = api.get(f"/api/v1/relationship-map/?{query}").json()["results"]
        assert [(r["contact"], r["last_engagement"]) for r in listed] == [
            (buyer.pk, "2026-11-20T15:00:00+00:00")
        ]
    assert api.get("/api/v1/relationship-map/?account=x").json()["results"] == []
    assert (
        api.get(f"/api/v1/relationship-map/?account={key_account.pk + 99}").json()["results"] == []
    )


def test_bad_input_over_the_api_is_400_with_the_field(kam, plan, cfo, buyer, rep):
    add(kam, plan, cfo, counterpart=kam)
    api = api_for(kam)
    stranger = ContactFactory(owner=rep)  # visible, but another account's
    for payload, field, message in (
        ({"contact": buyer.pk, "strength": 9}, "strength", "Rate the relationship from 1 to 5."),
        ({"contact": stranger.pk}, "contact", "Choose a contact of Acme."),
        ({"contact": cfo.pk}, "contact", "Cleo Finch is already on the map."),
    ):
        response = api.post(
            "/api/v1/relationship-map/", {"plan": plan.pk, **payload}, format="json"
        )
        assert response.status_code == 400
        assert response.json().get(field) == [message], response.json()
    assert RelationshipEntry.objects.count() == 1


def test_another_team_gets_404_and_changes_nothing(
    other_kam, other_manager, kam, plan, cfo, client
):
    entry = add(kam, plan, cfo, counterpart=kam, strength=4, role="CFO")
    for user in (other_kam, other_manager):
        api = api_for(user)
        assert api.get(f"/api/v1/relationship-map/{entry.pk}/").status_code == 404
        assert (
            api.patch(
                f"/api/v1/relationship-map/{entry.pk}/", {"strength": 1}, format="json"
            ).status_code
            == 404
        )
        assert api.delete(f"/api/v1/relationship-map/{entry.pk}/").status_code == 404
        assert api.get(f"/api/v1/relationship-map/?plan={plan.pk}").json()["results"] == []
        created = api.post(
            "/api/v1/relationship-map/", {"plan": plan.pk, "contact": cfo.pk}, format="json"
        )
        assert created.status_code == 400
        client.force_login(user)
        assert (
            client.post(
                f"/accounts/plans/{plan.pk}/add/relationships/", {"contact": cfo.pk, "strength": 2}
            ).status_code
            == 404
        )
        assert (
            client.post(f"/accounts/plan-items/relationships/{entry.pk}/delete/").status_code == 404
        )
    entry.refresh_from_db()
    assert (entry.strength, entry.role) == (4, "CFO")
    assert RelationshipEntry.objects.count() == 1


def test_the_account_manager_removes_a_row(client, kam, plan, cfo):
    entry = add(kam, plan, cfo)
    client.force_login(kam)
    response = client.post(f"/accounts/plan-items/relationships/{entry.pk}/delete/")
    assert response.status_code == 302
    assert not RelationshipEntry.objects.exists()
