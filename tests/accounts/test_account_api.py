import pytest

from accounts.models import Account, Contact
from salesproc.models import Event
from tests.factories import AccountFactory, ContactFactory


@pytest.mark.django_db
def test_it_creates_reads_updates_and_deletes_an_account(api_as, rep):
    api = api_as(rep)

    created = api.post(
        "/api/v1/accounts/",
        {
            "name": "Acme",
            "website": "https://www.acme.io",
            "employee_count": 40,
            "annual_revenue": "1200000.00",
            "status": "customer",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["domain"] == "acme.io"
    assert created.json()["owner"] == rep.pk

    detail = api.get(f"/api/v1/accounts/{pk}/").json()
    assert (detail["name"], detail["status"], detail["contact_count"]) == ("Acme", "customer", 0)

    patched = api.patch(f"/api/v1/accounts/{pk}/", {"industry": "Energy"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["industry"] == "Energy"

    deleted = api.delete(f"/api/v1/accounts/{pk}/")
    assert deleted.status_code == 204
    assert not Account.objects.filter(pk=pk).exists()
    names = list(
        Event.objects.filter(object_id=pk, name__startswith="account.").values_list(
            "name", flat=True
        )
    )
    assert sorted(names) == ["account.created", "account.deleted", "account.updated"]


@pytest.mark.django_db
def test_it_paginates_filters_searches_and_orders(api_as, rep):
    AccountFactory(owner=rep, name="Bravo", industry="Energy", status="customer")
    AccountFactory(owner=rep, name="Alpha", industry="Media")
    AccountFactory.create_batch(3, owner=rep, industry="Media")
    api = api_as(rep)

    page = api.get("/api/v1/accounts/?page_size=2").json()
    energy = api.get("/api/v1/accounts/?industry=Energy").json()
    searched = api.get("/api/v1/accounts/?search=alp").json()
    ordered = api.get("/api/v1/accounts/?ordering=-name&status=prospect").json()

    assert set(page) == {"count", "count_is_estimate", "next", "previous", "results"}
    assert page["count_is_estimate"] is False
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]
    assert [a["name"] for a in energy["results"]] == ["Bravo"]
    assert [a["name"] for a in searched["results"]] == ["Alpha"]
    assert [a["name"] for a in ordered["results"]][-1] == "Alpha"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"website": "https://x.io"}, "name"),
        ({"name": "X", "employee_count": "many"}, "employee_count"),
        ({"name": "X", "status": "bankrupt"}, "status"),
        ({"name": "X", "latitude": 91, "longitude": 0}, "latitude"),
        ({"name": "X", "website": "not a url"}, "website"),
    ],
)
def test_it_rejects_bad_account_input_with_field_errors(api_as, rep, payload, field):
    response = api_as(rep).post("/api/v1/accounts/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_it_answers_malformed_json_with_400(api_as, rep):
    response = api_as(rep).generic(
        "POST", "/api/v1/accounts/", "{name: oops", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.django_db
def test_it_refuses_an_owner_the_caller_cannot_see(api_as, rep, other_rep):
    response = api_as(rep).post(
        "/api/v1/accounts/", {"name": "X", "owner": other_rep.pk}, format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_it_warns_about_a_duplicate_domain(api_as, rep):
    AccountFactory(owner=rep, domain="acme.io")
    api = api_as(rep)

    refused = api.post(
        "/api/v1/accounts/", {"name": "Acme 2", "website": "https://acme.io"}, format="json"
    )
    allowed = api.post(
        "/api/v1/accounts/",
        {"name": "Acme 2", "website": "https://acme.io", "allow_duplicate": True},
        format="json",
    )

    assert refused.status_code == 400
    assert "already exists" in refused.json()["domain"][0]
    assert allowed.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_it_answers_404_for_another_teams_account(api_as, rep, other_rep, method):
    account = AccountFactory(owner=other_rep, name="Theirs")

    response = getattr(api_as(rep), method)(
        f"/api/v1/accounts/{account.pk}/", {"name": "Mine"}, format="json"
    )

    assert response.status_code == 404
    account.refresh_from_db()
    assert account.name == "Theirs"


@pytest.mark.django_db
def test_it_scopes_the_list_by_persona(api_as, rep, teammate, manager, other_rep, admin):
    AccountFactory(owner=rep)
    AccountFactory(owner=teammate)
    AccountFactory(owner=other_rep)

    counts = {
        user.username: api_as(user).get("/api/v1/accounts/").json()["count"]
        for user in (rep, teammate, manager, other_rep, admin)
    }

    assert counts == {"alice": 1, "bob": 1, "manager": 2, "charlie": 1, "root": 3}


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_it_lists_accounts_over_the_api_in_constant_queries(
    api_as, manager, rep, rows, django_assert_max_num_queries
):
    for account in AccountFactory.create_batch(rows, owner=rep):
        ContactFactory(owner=rep, account=account)
    api = api_as(manager)

    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/accounts/?page_size=100")

    assert len(response.json()["results"]) == rows


@pytest.mark.django_db
def test_it_manages_contacts_over_the_api(api_as, rep, other_rep):
    mine = AccountFactory(owner=rep)
    theirs = AccountFactory(owner=other_rep)
    api = api_as(rep)

    created = api.post(
        "/api/v1/contacts/",
        {"first_name": "Jane", "last_name": "Doe", "email": "Jane@Acme.io", "account": mine.pk},
        format="json",
    )
    invisible = api.post(
        "/api/v1/contacts/",
        {"first_name": "X", "last_name": "Y", "account": theirs.pk},
        format="json",
    )
    bad_email = api.post(
        "/api/v1/contacts/", {"first_name": "X", "last_name": "Y", "email": "nope"}, format="json"
    )
    listed = api.get(f"/api/v1/contacts/?account={mine.pk}&search=doe").json()

    assert created.status_code == 201
    assert created.json()["email"] == "jane@acme.io"
    assert created.json()["account_name"] == mine.name
    assert invisible.status_code == 400 and "account" in invisible.json()
    assert bad_email.status_code == 400 and "email" in bad_email.json()
    assert [c["last_name"] for c in listed["results"]] == ["Doe"]
    assert Contact.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_it_lists_contacts_over_the_api_in_constant_queries(
    api_as, rep, rows, django_assert_max_num_queries
):
    ContactFactory.create_batch(rows, owner=rep)
    api = api_as(rep)

    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/contacts/?page_size=100")

    assert response.json()["count"] == rows
