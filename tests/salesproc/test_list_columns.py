"""The Columns menu of the five lists: optional columns shown or hidden, kept in a saved
view and applied when it opens; the default columns stay; exports keep every column."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Account
from salesproc.models import SavedView
from salesproc.saved_views import services
from tests.factories import AccountFactory, DealFactory

pytestmark = pytest.mark.django_db

LISTS = [
    ("accounts", "accounts:account_list", "Industry"),
    ("contacts", "accounts:contact_list", "Phone"),
    ("leads", "leads:lead_list", "Source"),
    ("deals", "deals:deal_list", "Forecast"),
    ("calls", "calls:call_list", "Rating"),
]


def headers(response):
    html = response.content.decode()
    thead = html[html.index("<thead>") : html.index("</thead>")]
    return thead


@pytest.mark.parametrize(("list_key", "url_name", "optional"), LISTS)
def test_every_list_offers_its_columns_and_hides_the_unchosen(
    client, manager, list_key, url_name, optional
):
    client.force_login(manager)  # runs leads, deals and calls
    url = reverse(url_name)
    page = client.get(url)
    assert page.status_code == 200
    assert optional in headers(page)  # the default columns are today's
    assert "columns-menu" in page.content.decode()
    assert f'value="{optional.lower()}" checked' in page.content.decode()
    chosen = client.get(url, {"columns": ["-"]})  # every optional column unticked
    assert optional not in headers(chosen)
    assert chosen.context["request"].GET.getlist("columns") == ["-"]


def test_chosen_columns_show_and_the_rest_hide(client, rep):
    AccountFactory(owner=rep, name="Aspen Robotics", industry="Robotics")
    client.force_login(rep)
    page = client.get("/accounts/companies/", {"columns": ["-", "owner", "industry"]})
    thead = headers(page)
    assert "Name" in thead and "Owner" in thead and "Industry" in thead
    assert "Revenue" not in thead and "Contacts" not in thead
    html = page.content.decode()
    assert "Robotics" in html and 'value="revenue" checked' not in html
    assert 'value="owner" checked' in html
    # sorting and paging links keep the choice
    assert "columns=owner" in html[html.index("<thead>") :]


def test_nonsense_columns_give_the_default_list(client, rep):
    client.force_login(rep)
    page = client.get("/deals/", {"columns": ["bogus", "<script>"]})
    assert page.status_code == 200 and "Forecast" in headers(page)


def test_saving_a_view_keeps_its_columns_and_opening_it_applies_them(client, rep):
    client.force_login(rep)
    response = client.post(
        reverse("saved_views:save"),
        {"list_key": "deals", "name": "Lean", "query": "q=acme&columns=-&columns=owner"},
    )
    view = SavedView.objects.get()
    assert view.params == {"q": ["acme"]} and view.columns == ["-", "owner"]
    assert response["Location"] == f"/deals/?q=acme&columns=-&columns=owner&view={view.pk}"
    thead = headers(client.get(response["Location"]))
    assert "Owner" in thead and "Forecast" not in thead

    services.default_view_set(actor=rep, list_key="deals", view=view)
    opened = client.get("/deals/")  # the default view opens with its columns
    assert opened.status_code == 302 and "columns=owner" in opened["Location"]


def test_a_view_without_columns_opens_with_the_default_columns(client, rep):
    view = services.saved_view_create(actor=rep, list_key="deals", name="All", params={})
    client.force_login(rep)
    thead = headers(client.get(f"/deals/?view={view.pk}"))
    assert "Forecast" in thead and "Owner" in thead


def test_the_owner_keeps_new_columns_in_the_view(client, rep):
    view = services.saved_view_create(actor=rep, list_key="accounts", name="Mine", params={})
    client.force_login(rep)
    page = client.get(f"/accounts/companies/?view={view.pk}&columns=-&columns=status")
    assert reverse("saved_views:columns", args=[view.pk]) in page.content.decode()
    response = client.post(
        reverse("saved_views:columns", args=[view.pk]), {"columns": ["-", "status", "nope"]}
    )
    view.refresh_from_db()
    assert view.columns == ["-", "status"]
    assert response["Location"] == f"/accounts/companies/?columns=-&columns=status&view={view.pk}"


def test_a_teammate_cannot_change_a_shared_views_columns(client, manager, rep):
    view = services.saved_view_create(
        actor=manager, list_key="deals", name="Team", params={}, columns=["-", "owner"], shared=True
    )
    client.force_login(rep)
    page = client.get(f"/deals/?view={view.pk}&columns=-")
    assert reverse("saved_views:columns", args=[view.pk]) not in page.content.decode()
    client.post(reverse("saved_views:columns", args=[view.pk]), {"columns": ["-"]})
    view.refresh_from_db()
    assert view.columns == ["-", "owner"]


def test_another_teams_view_is_404_and_unchanged(client, manager, other_rep):
    view = services.saved_view_create(
        actor=manager, list_key="deals", name="Team", params={}, columns=["-", "owner"], shared=True
    )
    client.force_login(other_rep)
    response = client.post(reverse("saved_views:columns", args=[view.pk]), {"columns": ["-"]})
    assert response.status_code == 404
    view.refresh_from_db()
    assert view.columns == ["-", "owner"]


def test_the_api_refuses_unknown_columns(api_as, rep):
    api = api_as(rep)
    bad = api.post(
        "/api/v1/saved-views/",
        {"list_key": "deals", "name": "X", "columns": ["amount", "shoe_size"]},
        format="json",
    )
    assert bad.status_code == 400 and "shoe_size" in str(bad.json()["columns"])
    good = api.post(
        "/api/v1/saved-views/",
        {"list_key": "deals", "name": "X", "columns": ["-", "amount"]},
        format="json",
    )
    assert good.status_code == 201 and good.json()["columns"] == ["-", "amount"]


def test_the_export_keeps_every_column(client, rep):
    DealFactory(owner=rep, name="Acme big")
    client.force_login(rep)
    full = client.get("/deals/?format=csv")
    chosen = client.get("/deals/?format=csv&columns=-&columns=owner")
    text = [b"".join(r.streaming_content).decode().lstrip("\ufeff") for r in (full, chosen)]
    rows = [list(csv.reader(io.StringIO(t))) for t in text]
    assert rows[0][0] == rows[1][0] and len(rows[1][0]) > 3
    assert len(rows[1]) == 2


@pytest.mark.parametrize("rows", [10, 1000])
def test_chosen_columns_cost_no_more_queries(client, rep, rows, django_assert_max_num_queries):
    Account.objects.bulk_create(Account(name=f"A{n}", owner=rep) for n in range(rows))
    client.force_login(rep)
    with django_assert_max_num_queries(8):  # as the plain list (tests/accounts)
        response = client.get("/accounts/companies/?columns=-&columns=owner&columns=contacts")
    assert response.status_code == 200


def test_a_row_redrawn_by_htmx_follows_the_columns_of_its_list(rf):
    """An inline edit re-renders one row: it keeps the columns the list page shows."""
    from salesproc.saved_views.selectors import list_columns

    plain = list_columns(rf.get("/deals/1/inline/amount/"), "deals")
    redrawn = list_columns(
        rf.get(
            "/deals/1/inline/amount/",
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL="http://testserver/deals/?columns=-&columns=amount",
        ),
        "deals",
    )
    assert plain["owner"] is True
    assert redrawn["amount"] is True and redrawn["owner"] is False
