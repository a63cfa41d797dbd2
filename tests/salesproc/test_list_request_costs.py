"""What a list request costs the database: searches served by the trigram indexes on the
expression Django compares, a deals count that reads deals alone, connections kept
between requests, and filters built only when asked for (with their 400s intact)."""

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Contact
from calls.models import Call
from deals.models import Deal
from tests.factories import AccountFactory, ContactFactory, DealFactory, LeadFactory

ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="the indexes are PostgreSQL's")

SEARCHED = [
    (Contact, "last_name"),
    (Contact, "email"),
    (Deal, "name"),
    (Call, "purpose"),
]


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(("model", "column"), SEARCHED)
def test_a_list_search_reads_its_column_through_a_trigram_index(model, column):
    """The index must be on exactly what `icontains` compares, or PostgreSQL reads the
    whole table for every search: asked with sequential scans off, the plan names it."""
    query = model._base_manager.filter(**{f"{column}__icontains": "mira"}).order_by().values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"{model._meta.db_table}_{column}_contains" in plan, plan


@pytest.mark.django_db
def test_the_calls_search_finds_calls_by_their_contact_account_and_deal(api_as, rep, other_rep):
    from tests.calls.factories import plan

    plain = ContactFactory(owner=rep, last_name="Plain")
    account = AccountFactory(owner=rep, name="Miramar Foods")
    contact = ContactFactory(owner=rep, account=AccountFactory(owner=rep), last_name="Mirabeau")
    deal = DealFactory(owner=rep, name="Mirage renewal")
    by_account = plan(rep, account=account, purpose="Intro")
    by_contact = plan(rep, contact=contact, purpose="Check in")
    by_deal = plan(rep, deal=deal, purpose="Pricing")
    by_purpose = plan(rep, contact=plain, purpose="Admiral's visit")
    plan(rep, contact=plain, purpose="Nothing here")
    theirs = AccountFactory(owner=other_rep, name="Mira Theirs")
    plan(other_rep, account=theirs, purpose="Mira, not yours")

    body = api_as(rep).get("/api/v1/calls/?search=mira").json()

    found = {row["id"] for row in body["results"]}
    assert found == {by_account.pk, by_contact.pk, by_deal.pk, by_purpose.pk}
    assert body["count"] == 4


@pytest.mark.django_db
def test_the_deals_count_reads_the_deals_table_alone(api_as, rep):
    for _ in range(3):
        DealFactory(owner=rep)
    with CaptureQueriesContext(connection) as captured:
        body = api_as(rep).get("/api/v1/deals/").json()
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert body["count"] == 3 and len(counts) == 1
    assert "JOIN" not in counts[0], counts[0]
    assert body["results"][0]["weighted_amount"] is not None


@pytest.mark.django_db
def test_filters_apply_when_asked_and_bad_values_are_400s(api_as, rep):
    hot = LeadFactory(owner=rep, score=90)
    LeadFactory(owner=rep, score=10)
    api = api_as(rep)

    assert api.get("/api/v1/leads/").json()["count"] == 2
    filtered = api.get("/api/v1/leads/?min_score=50").json()
    assert [row["id"] for row in filtered["results"]] == [hot.pk]
    assert api.get("/api/v1/leads/?page=1&ordering=-score").json()["count"] == 2

    bad = api.get("/api/v1/leads/?min_score=lots")
    assert bad.status_code == 400 and "min_score" in bad.json()
    bad_owner = api.get("/api/v1/deals/?owner=nobody")
    assert bad_owner.status_code == 400 and "owner" in bad_owner.json()


def test_a_server_keeps_its_database_connection_between_requests():
    database = django_settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        assert database["CONN_MAX_AGE"] == 0  # the embedded demo opens per request
    else:
        assert database["CONN_MAX_AGE"] >= 60 and database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_the_deals_list_names_the_live_contacts_as_the_deal_page_does(
    api_as, rep, django_assert_max_num_queries
):
    from django.utils import timezone

    account = AccountFactory(owner=rep)
    zed = ContactFactory(owner=rep, account=account, last_name="Zed")
    abe = ContactFactory(owner=rep, account=account, last_name="Abe")
    gone = ContactFactory(owner=rep, account=account, last_name="Gone")
    deal = DealFactory(owner=rep, account=account)
    deal.contacts.set([zed, abe, gone])
    Contact.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    for _ in range(30):
        DealFactory(owner=rep, account=account).contacts.set([zed])
    api = api_as(rep)

    with django_assert_max_num_queries(5):
        rows = api.get("/api/v1/deals/?page_size=50").json()["results"]

    listed = next(row for row in rows if row["id"] == deal.pk)
    assert listed["contacts"] == [abe.pk, zed.pk]
    assert api.get(f"/api/v1/deals/{deal.pk}/").json()["contacts"] == listed["contacts"]
    assert all(row["contacts"] == [zed.pk] for row in rows if row["id"] != deal.pk)
