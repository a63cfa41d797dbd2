"""A rep who changes team or leaves (issue 8, item 20), and the in-app people admin."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account, Contact
from calls.models import Call
from deals.models import Deal
from leads.models import Lead
from salesproc import services
from salesproc.models import Event, RecordHandover, Team, User
from salesproc.registry import owned_records_for
from tests.calls.factories import plan
from tests.factories import AccountFactory, ContactFactory, DealFactory, LeadFactory


@pytest.fixture
def book(rep):
    """Alice's open records of every kind, and some closed history."""
    account = AccountFactory(owner=rep, name="Acme")
    contact = ContactFactory(owner=rep, account=account)
    open_lead = LeadFactory(owner=rep, status=Lead.Status.WORKING)
    converted = LeadFactory(owner=rep, status=Lead.Status.CONVERTED)
    open_deal = DealFactory(owner=rep, account=account)
    won = DealFactory(owner=rep, account=account)
    Deal.objects.filter(pk=won.pk).update(status=Deal.Status.WON)
    call = plan(rep, contact=contact)
    return {
        "account": account,
        "contact": contact,
        "open_lead": open_lead,
        "converted": converted,
        "open_deal": open_deal,
        "won": won,
        "call": call,
    }


def test_every_owning_app_registers_its_records():
    assert [kind.key for kind in owned_records_for()] == [
        "accounts",
        "contacts",
        "leads",
        "deals",
        "calls",
    ]


@pytest.mark.django_db
def test_a_team_change_with_open_records_asks_what_to_do(admin, rep, south, book):
    with pytest.raises(ValidationError) as error:
        services.user_assign(actor=admin, user=rep, team=south, role=rep.role)

    message = error.value.message_dict["records"][0]
    assert "1 accounts, 1 contacts, 1 open leads, 1 open deals, 1 planned calls" in message
    rep.refresh_from_db()
    assert rep.team.name == "North"


@pytest.mark.django_db
def test_keeping_the_records_moves_them_with_the_rep(
    admin, rep, south, book, manager, other_manager
):
    services.user_assign(actor=admin, user=rep, team=south, role=rep.role, records="keep")

    assert Account.objects.get(pk=book["account"].pk).owner == rep
    assert Deal.objects.visible_to(other_manager).filter(pk=book["open_deal"].pk).exists()
    assert not Deal.objects.visible_to(manager).filter(pk=book["open_deal"].pk).exists()
    assert not RecordHandover.objects.exists()


@pytest.mark.django_db
def test_reassigning_hands_open_records_to_a_teammate_and_keeps_history(
    admin, rep, teammate, south, book, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_assign(
            actor=admin,
            user=rep,
            team=south,
            role=rep.role,
            records="reassign",
            reassign_to=teammate,
        )

    handover = RecordHandover.objects.get()
    assert (handover.status, handover.total, handover.done) == ("done", 5, 5)
    assert handover.counts == {"accounts": 1, "contacts": 1, "leads": 1, "deals": 1, "calls": 1}
    assert Account.objects.get(pk=book["account"].pk).owner == teammate
    assert Contact.objects.get(pk=book["contact"].pk).owner == teammate
    assert Lead.objects.get(pk=book["open_lead"].pk).owner == teammate
    assert Deal.objects.get(pk=book["open_deal"].pk).owner == teammate
    assert Call.objects.get(pk=book["call"].pk).owner == teammate
    # history stays with the person who made it
    assert Lead.objects.get(pk=book["converted"].pk).owner == rep
    assert Deal.objects.get(pk=book["won"].pk).owner == rep
    assert Deal.objects.get(pk=book["open_deal"].pk).version == book["open_deal"].version + 1
    names = set(Event.objects.filter(actor=admin).values_list("name", flat=True))
    assert {
        "account.reassigned",
        "contact.reassigned",
        "lead.reassigned",
        "deal.reassigned",
    } <= names
    assert "call.reassigned" in names


@pytest.mark.django_db
def test_a_handover_runs_once_even_if_the_task_runs_twice(admin, rep, teammate, book):
    from salesproc.handover import handover_run

    handover = RecordHandover.objects.create(from_user=rep, to_user=teammate, actor=admin, total=5)
    handover_run(handover_id=handover.pk)
    handover_run(handover_id=handover.pk)

    handover.refresh_from_db()
    assert handover.done == 5
    assert Event.objects.filter(name="deal.reassigned").count() == 1


@pytest.mark.django_db
def test_deactivating_keeps_history_readable_and_stops_logins(
    client, admin, rep, teammate, manager, book, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_deactivate(actor=admin, user=rep, records="reassign", reassign_to=teammate)

    rep.refresh_from_db()
    assert rep.is_active is False
    assert Deal.objects.get(pk=book["open_deal"].pk).owner == teammate
    # the manager still reads Alice's history
    assert Deal.objects.visible_to(manager).filter(pk=book["won"].pk).exists()
    client.force_login(manager)
    assert client.get(f"/deals/{book['won'].pk}/").status_code == 200
    assert client.post("/login/", {"username": "alice", "password": "pw"}).status_code == 200


@pytest.mark.django_db
def test_deactivation_asks_about_open_records_and_refuses_yourself(admin, rep, book):
    with pytest.raises(ValidationError) as error:
        services.user_deactivate(actor=admin, user=rep)
    assert "open records" in error.value.message_dict["records"][0]
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=admin, user=admin)
    rep.refresh_from_db()
    assert rep.is_active


@pytest.mark.django_db
def test_reactivating_lets_them_log_in_again(client, admin, rep):
    services.user_deactivate(actor=admin, user=rep)
    services.user_reactivate(actor=admin, user=rep)

    assert client.post("/login/", {"username": "alice", "password": "pw"}).status_code == 302
    assert Event.objects.filter(name="user.reactivated", object_id=rep.pk).exists()


# -- pages -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_team_change_page_asks_and_shows_progress(
    client, admin, rep, teammate, south, book, django_capture_on_commit_callbacks
):
    client.force_login(admin)

    asked = client.post(f"/settings/users/{rep.pk}/", {"team": south.pk, "role": rep.role_id})
    assert asked.status_code == 200
    assert "has open records" in asked.content.decode()
    rep.refresh_from_db()
    assert rep.team.name == "North"

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/settings/users/{rep.pk}/",
            {
                "team": south.pk,
                "role": rep.role_id,
                "records": "reassign",
                "reassign_to": teammate.pk,
            },
        )
    assert done.status_code == 302
    page = client.get(f"/settings/users/{rep.pk}/").content.decode()
    assert "Handing open records to" in page
    assert "Done: 5 of 5 records" in page
    assert Deal.objects.get(pk=book["open_deal"].pk).owner == teammate


@pytest.mark.django_db
def test_the_inline_assign_form_sends_you_to_the_question(client, admin, rep, south, book):
    client.force_login(admin)

    response = client.post(
        f"/settings/users/{rep.pk}/assign/", {"team": south.pk, "role": rep.role_id}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"/settings/users/{rep.pk}/")
    rep.refresh_from_db()
    assert rep.team.name == "North"


@pytest.mark.django_db
def test_an_admin_adds_a_user_in_app(client, admin, north, roles):
    client.force_login(admin)

    response = client.post(
        "/settings/users/new/",
        {
            "username": "dora",
            "first_name": "Dora",
            "last_name": "Diaz",
            "email": "dora@example.test",
            "team": north.pk,
            "role": roles["inside-rep"].pk,
            "password": "a-long-Secret-99",
        },
    )

    assert response.status_code == 302
    dora = User.objects.get(username="dora")
    assert (dora.team, dora.role, dora.email) == (north, roles["inside-rep"], "dora@example.test")
    assert dora.check_password("a-long-Secret-99")


@pytest.mark.django_db
def test_an_admin_deactivates_and_reactivates_in_app(client, admin, rep, teammate, book):
    client.force_login(admin)

    asked = client.post(f"/settings/users/{rep.pk}/deactivate/", {})
    assert "has open records" in asked.content.decode()
    client.post(f"/settings/users/{rep.pk}/deactivate/", {"records": "keep"})
    rep.refresh_from_db()
    assert rep.is_active is False
    assert "Deactivated" in client.get("/settings/teams/").content.decode()

    client.post(f"/settings/users/{rep.pk}/reactivate/")
    rep.refresh_from_db()
    assert rep.is_active is True


@pytest.mark.django_db
def test_an_admin_renames_a_team_and_changes_its_manager(client, admin, north, teammate):
    client.force_login(admin)

    response = client.post(
        f"/settings/teams/{north.pk}/", {"name": "North East", "manager": teammate.pk}
    )

    assert response.status_code == 302
    north.refresh_from_db()
    assert (north.name, north.manager) == ("North East", teammate)
    assert Event.objects.filter(name="team.updated", object_id=north.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/settings/users/new/"),
        ("get", "/settings/users/{rep}/"),
        ("post", "/settings/users/{rep}/deactivate/"),
        ("post", "/settings/users/{rep}/reactivate/"),
        ("post", "/settings/teams/{team}/"),
    ],
)
def test_a_manager_cannot_use_the_people_pages(client, manager, rep, north, method, path):
    client.force_login(manager)

    response = getattr(client, method)(
        path.format(rep=rep.pk, team=north.pk), {"name": "X", "records": "keep"}
    )

    assert response.status_code == 404
    rep.refresh_from_db()
    north.refresh_from_db()
    assert (rep.is_active, north.name) == (True, "North")


# -- API -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_changes_a_team_with_a_handover(
    api_as, admin, rep, teammate, south, book, django_capture_on_commit_callbacks
):
    client = api_as(admin)

    asked = client.post(
        f"/api/v1/users/{rep.pk}/assign/", {"team": south.pk, "role": rep.role_id}, format="json"
    )
    assert asked.status_code == 400
    assert "records" in asked.json()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/api/v1/users/{rep.pk}/assign/",
            {
                "team": south.pk,
                "role": rep.role_id,
                "records": "reassign",
                "reassign_to": teammate.pk,
            },
            format="json",
        )
    assert done.status_code == 200
    handover = done.json()["handover"]
    assert (handover["status"], handover["total"]) == ("pending", 5)  # queued in the request
    progress = client.get(f"/api/v1/handovers/{handover['id']}/").json()
    assert (progress["status"], progress["done"]) == ("done", 5)
    assert Deal.objects.get(pk=book["open_deal"].pk).owner == teammate
    assert api_as(rep).get(f"/api/v1/handovers/{handover['id']}/").status_code == 404


@pytest.mark.django_db
def test_the_api_creates_deactivates_and_reactivates_users(api_as, admin, rep, north, roles):
    client = api_as(admin)

    created = client.post(
        "/api/v1/users/",
        {
            "username": "eve",
            "password": "a-long-Secret-99",
            "team": north.pk,
            "role": roles["field-rep"].pk,
        },
        format="json",
    )
    off = client.post(f"/api/v1/users/{rep.pk}/deactivate/", {"records": "keep"}, format="json")
    on = client.post(f"/api/v1/users/{rep.pk}/reactivate/", {}, format="json")

    assert created.status_code == 201
    assert User.objects.get(username="eve").team == north
    assert off.status_code == 200
    assert on.status_code == 200
    rep.refresh_from_db()
    assert rep.is_active


@pytest.mark.django_db
def test_the_api_renames_a_team(api_as, admin, rep, north, teammate):
    refused = api_as(rep).patch(f"/api/v1/teams/{north.pk}/", {"name": "Mine"}, format="json")
    ok = api_as(admin).patch(
        f"/api/v1/teams/{north.pk}/", {"name": "Northern", "manager": teammate.pk}, format="json"
    )

    assert refused.status_code == 403
    assert ok.status_code == 200
    assert Team.objects.get(pk=north.pk).name == "Northern"
    assert Team.objects.get(pk=north.pk).manager == teammate


@pytest.mark.django_db
def test_a_rep_cannot_create_or_deactivate_users_over_the_api(api_as, rep, teammate):
    created = api_as(rep).post(
        "/api/v1/users/", {"username": "x", "password": "a-long-Secret-99"}, format="json"
    )
    off = api_as(rep).post(
        f"/api/v1/users/{teammate.pk}/deactivate/", {"records": "keep"}, format="json"
    )

    assert created.status_code == 403
    assert off.status_code in {403, 404}
    teammate.refresh_from_db()
    assert teammate.is_active
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/users/", "/api/v1/teams/", "/api/v1/roles/", "/api/v1/handovers/"]
)
def test_the_people_api_needs_a_login(api, rep, path):
    response = api.get(path)

    assert response.status_code in {401, 403}
    assert "alice" not in response.content.decode()
