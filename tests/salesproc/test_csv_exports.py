"""CSV exports of the lists (accounts, contacts, leads, deals, calls): in the browser with
the current filters, over the API with ?format=csv or Accept: text/csv, streamed, with the
list's visibility, and cells neutralised against formula injection."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from accounts.models import Account
from deals.models import Deal, Pipeline
from salesproc.csvfile import neutralise_cell
from tests.calls.factories import plan
from tests.conftest import api_for
from tests.factories import AccountFactory, ContactFactory, DealFactory, LeadFactory

pytestmark = pytest.mark.django_db


def _rows(response):
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def _column(rows, heading):
    index = rows[0].index(heading)
    return sorted(row[index] for row in rows[1:])


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)"])
def test_it_neutralises_cells_that_a_spreadsheet_would_run(client, rep, text):
    DealFactory(owner=rep, name=text)
    client.force_login(rep)

    rows = _rows(client.get("/deals/?format=csv"))

    assert _column(rows, "name") == ["'" + text]


def test_numbers_stay_numbers_when_neutralised():
    assert neutralise_cell(-120) == -120
    assert neutralise_cell("-120") == "'-120"


def test_the_deal_export_keeps_the_filters_and_the_visibility(
    client, manager, rep, teammate, other_rep
):
    DealFactory(owner=rep, name="Acme big", amount=90000)
    DealFactory(owner=teammate, name="Acme small", amount=100)
    DealFactory(owner=teammate, name="Globex", amount=100)
    DealFactory(owner=other_rep, name="Acme south", amount=500)
    client.force_login(manager)

    rows = _rows(client.get("/deals/?q=Acme&format=csv&page=3"))
    assert _column(rows, "name") == ["Acme big", "Acme small"]

    client.force_login(rep)
    assert _column(_rows(client.get("/deals/?format=csv")), "name") == ["Acme big"]


def test_the_list_pages_link_to_their_export(client, rep):
    client.force_login(rep)
    page = client.get("/deals/?q=Acme&status=all")
    assert b'href="/deals/?q=Acme&amp;status=all&amp;format=csv"' in page.content
    for url in ("/accounts/companies/", "/accounts/contacts/", "/leads/", "/calls/all/"):
        assert b"data-export-csv" in client.get(url).content, url


def test_each_list_page_exports_only_what_its_reader_sees(client, rep, other_rep):
    mine = AccountFactory(owner=rep, name="Mine Ltd")
    theirs = AccountFactory(owner=other_rep, name="Theirs Ltd")
    my_contact = ContactFactory(owner=rep, account=mine, last_name="Mine")
    their_contact = ContactFactory(owner=other_rep, account=theirs, last_name="Theirs")
    LeadFactory(owner=rep, last_name="Mine")
    LeadFactory(owner=other_rep, last_name="Theirs")
    plan(rep, contact=my_contact, purpose="Mine call")
    plan(other_rep, contact=their_contact, purpose="Theirs call")
    client.force_login(rep)

    assert _column(_rows(client.get("/accounts/companies/?format=csv")), "name") == ["Mine Ltd"]
    assert _column(_rows(client.get("/accounts/contacts/?format=csv")), "last name") == ["Mine"]
    assert _column(_rows(client.get("/leads/?format=csv")), "last name") == ["Mine"]
    assert _column(_rows(client.get("/calls/all/?format=csv")), "purpose") == ["Mine call"]


@pytest.mark.parametrize(
    ("path", "heading", "expected"),
    [
        ("/api/v1/accounts/", "name", ["Mine Ltd"]),
        ("/api/v1/contacts/", "last name", ["Mine"]),
        ("/api/v1/leads/", "last name", ["Mine"]),
        ("/api/v1/deals/", "name", ["Mine deal"]),
        ("/api/v1/calls/", "purpose", ["Mine call"]),
    ],
)
def test_the_api_lists_answer_csv_by_format_or_accept_header(
    rep, other_rep, path, heading, expected
):
    mine = AccountFactory(owner=rep, name="Mine Ltd")
    theirs = AccountFactory(owner=other_rep, name="Theirs Ltd")
    my_contact = ContactFactory(owner=rep, account=mine, last_name="Mine")
    their_contact = ContactFactory(owner=other_rep, account=theirs, last_name="Theirs")
    LeadFactory(owner=rep, last_name="Mine")
    LeadFactory(owner=other_rep, last_name="Theirs")
    DealFactory(owner=rep, account=mine, name="Mine deal")
    DealFactory(owner=other_rep, account=theirs, name="Theirs deal")
    plan(rep, contact=my_contact, purpose="Mine call")
    plan(other_rep, contact=their_contact, purpose="Theirs call")
    api = api_for(rep)

    by_format = _rows(api.get(f"{path}?format=csv"))
    by_header = _rows(api.get(path, HTTP_ACCEPT="text/csv"))

    assert _column(by_format, heading) == expected
    assert by_header == by_format
    assert api.get(path).headers["Content-Type"] == "application/json"


def test_the_api_export_applies_the_lists_filters_unpaginated(rep):
    for n in range(30):
        DealFactory(owner=rep, name=f"Deal {n:02d}", amount=100 + n)
    DealFactory(owner=rep, name="Other", amount=5)
    api = api_for(rep)

    rows = _rows(api.get("/api/v1/deals/?format=csv&search=Deal&ordering=-amount"))

    assert len(rows) == 31  # the heading and every match, not one page of 25
    assert rows[1][rows[0].index("name")] == "Deal 29"


def test_a_bad_filter_on_a_csv_export_is_a_json_400(rep):
    response = api_for(rep).get("/api/v1/deals/?format=csv&status=nonsense")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    assert "status" in response.json()


def test_an_anonymous_csv_request_is_refused(client):
    assert client.get("/deals/?format=csv").status_code == 302
    assert api_for(None).get("/api/v1/deals/?format=csv").status_code in (401, 403)


@pytest.mark.parametrize("count", [10, 1000])
def test_the_deal_export_runs_a_bounded_number_of_queries(
    client, rep, count, django_assert_max_num_queries
):
    deal = DealFactory(owner=rep)
    Deal.objects.bulk_create(
        [
            Deal(
                name=f"Bulk {n}",
                account=deal.account,
                owner=rep,
                pipeline=deal.pipeline,
                stage=deal.stage,
                amount=n,
            )
            for n in range(count - 1)
        ]
    )
    client.force_login(rep)
    with django_assert_max_num_queries(12):
        rows = _rows(client.get("/deals/?format=csv"))
    assert len(rows) == count + 1
    assert Pipeline.objects.count() == 1 and Account.objects.count() == 1
