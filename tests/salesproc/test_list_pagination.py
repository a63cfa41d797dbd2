"""Lists at scale: keyset (cursor) pages in the API, counts estimated above a threshold,
the accounts' contact count for the page's rows only, bounded queries at 10 and 1,000 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, Contact
from leads.models import Lead
from salesproc.paginator import CountingPaginator
from tests.factories import AccountFactory, ContactFactory

ON_POSTGRES = connection.vendor == "postgresql"


def _bulk_accounts(owner, count, prefix="Acme"):
    now = timezone.now()
    Account.objects.bulk_create(
        Account(name=f"{prefix} {i % 7}", owner=owner, created_at=now - timezone.timedelta(i))
        for i in range(count)
    )


def _walk(api, url):
    """Every id the cursor pages return, following `next`, and the number of pages."""
    ids, pages = [], 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body
        ids += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
        assert pages < 100
    return ids, pages


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["", "&ordering=-created_at", "&ordering=name"])
def test_cursor_pages_return_every_visible_row_once_in_the_page_order(
    api_as, manager, rep, other_rep, ordering
):
    _bulk_accounts(rep, 23)  # names repeat: the id breaks the ties
    _bulk_accounts(manager, 4, prefix="Mine")
    _bulk_accounts(other_rep, 5, prefix="Theirs")
    api = api_as(manager)
    expected = [
        row["id"] for row in api.get(f"/api/v1/accounts/?page_size=200{ordering}").json()["results"]
    ]

    ids, pages = _walk(api, f"/api/v1/accounts/?cursor=&page_size=10{ordering}")

    assert ids == expected and len(ids) == 27 and pages == 3
    assert not Account.objects.filter(pk__in=ids, owner=other_rep).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["", "&ordering=score", "&ordering=-score"])
def test_cursor_pages_keep_unscored_leads_last_in_either_direction(api_as, rep, ordering):
    now = timezone.now()
    Lead.objects.bulk_create(
        Lead(
            first_name=f"L{i}",
            last_name="Lead",
            company_name="Co",
            owner=rep,
            score=None if i % 3 == 0 else i % 5,
            created_at=now - timezone.timedelta(minutes=i % 4),
        )
        for i in range(31)
    )
    api = api_as(rep)
    expected = [
        row["id"]
        for row in api.get(f"/api/v1/leads/?status=&page_size=200{ordering}").json()["results"]
    ]

    ids, _pages = _walk(api, f"/api/v1/leads/?status=&cursor=&page_size=4{ordering}")

    assert ids == expected and len(ids) == 31
    scores = [Lead.objects.get(pk=pk).score for pk in ids]
    assert scores[-11:] == [None] * 11


@pytest.mark.django_db
def test_a_bad_cursor_answers_400_with_the_field(api_as, rep):
    AccountFactory(owner=rep)
    response = api_as(rep).get("/api/v1/accounts/?cursor=not-a-cursor")

    assert response.status_code == 400
    assert "cursor" in response.json()


@pytest.mark.django_db
def test_a_cursor_of_another_team_reveals_nothing(api_as, rep, other_rep):
    _bulk_accounts(other_rep, 12, prefix="Theirs")
    first = api_as(other_rep).get("/api/v1/accounts/?cursor=&page_size=5").json()

    response = api_as(rep).get(first["next"])

    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [10, 1000])
def test_cursor_and_numbered_pages_stay_at_three_queries(
    api_as, manager, rep, rows, django_assert_max_num_queries
):
    _bulk_accounts(rep, rows)
    api = api_as(manager)
    first = api.get("/api/v1/accounts/?cursor=&page_size=5").json()

    with django_assert_max_num_queries(3):
        deep = api.get(first["next"])
    with django_assert_max_num_queries(3):
        numbered = api.get("/api/v1/accounts/?page=2&page_size=5")

    assert len(deep.json()["results"]) == 5
    assert numbered.json()["count"] == rows and numbered.json()["count_is_estimate"] is False


@pytest.mark.django_db
def test_the_count_is_exact_up_to_the_limit_and_estimated_above_on_postgresql(rep):
    _bulk_accounts(rep, 40)
    qs = Account.objects.visible_to(rep).order_by("name", "id")

    exact = CountingPaginator(qs, 10, exact_limit=40)
    above = CountingPaginator(qs, 10, exact_limit=15)

    assert (exact.count, exact.count_is_estimate) == (40, False)
    if ON_POSTGRES:
        assert above.count_is_estimate is True and above.count >= 16
    else:
        assert (above.count, above.count_is_estimate) == (40, False)


@pytest.mark.django_db
def test_the_api_and_the_page_mark_an_estimated_count(api_as, client, rep, monkeypatch):
    _bulk_accounts(rep, 60)
    monkeypatch.setattr(CountingPaginator, "exact_limit", 30)

    body = api_as(rep).get("/api/v1/accounts/").json()
    client.force_login(rep)
    page = client.get("/accounts/companies/").content.decode()

    if ON_POSTGRES:
        assert body["count_is_estimate"] is True and body["count"] >= 31
        assert "about" in page
    else:
        assert body["count_is_estimate"] is False and body["count"] == 60
        assert "60 total" in page


@pytest.mark.django_db
def test_the_contact_count_counts_live_contacts_of_each_account_on_the_page(api_as, rep):
    busy, empty = AccountFactory(owner=rep, name="Busy"), AccountFactory(owner=rep, name="Empty")
    ContactFactory.create_batch(2, owner=rep, account=busy)
    gone = ContactFactory(owner=rep, account=busy)
    Contact.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())

    rows = {
        r["name"]: r["contact_count"]
        for r in api_as(rep).get("/api/v1/accounts/").json()["results"]
    }

    assert rows == {"Busy": 2, "Empty": 0}
    assert empty.pk


@pytest.mark.django_db
def test_a_managers_visibility_is_an_indexable_list_not_an_or_over_a_join(manager):
    sql = str(Account.objects.visible_to(manager).query)

    assert ("= ANY(ARRAY(SELECT" if ON_POSTGRES else "IN (SELECT") in sql
    assert "JOIN" not in sql.split("WHERE", 1)[0]


@pytest.mark.django_db
def test_the_home_account_figures_are_kept_and_dropped_when_an_account_changes(
    client, rep, django_capture_on_commit_callbacks
):
    from accounts.services import account_create

    AccountFactory(owner=rep, name="First")
    client.force_login(rep)

    def counts_contacts(captured):
        return any("accounts_contact" in q["sql"] and "COUNT" in q["sql"] for q in captured)

    # (the query log is reset by each request: read it before the next one)
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/")
    computed = list(captured.captured_queries)
    with CaptureQueriesContext(connection) as captured:
        again = client.get("/")
    kept = list(captured.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):  # the event is dispatched
        account_create(actor=rep, data={"name": "Second", "owner": rep})
    after = client.get("/")

    assert counts_contacts(computed) and not counts_contacts(kept)
    assert len(kept) < len(computed) - 2  # the other aggregating widgets are kept too
    assert _figure(first, "total") == _figure(again, "total") == 1
    assert _figure(after, "total") == 2


def _figure(response, name):
    widget = next(w for w in response.context["widgets"] if w["key"] == "accounts.mine")
    return widget["context"][name]


@pytest.mark.django_db
def test_the_search_by_related_id_finds_what_the_join_finds(
    api_as, rep, other_rep, settings, django_assert_max_num_queries
):
    mirabel = AccountFactory(owner=rep, name="Mirabel")
    ContactFactory(owner=rep, account=mirabel, last_name="Stone")
    ContactFactory(owner=rep, last_name="Miranda")
    ContactFactory(owner=rep, last_name="Other")
    ContactFactory(owner=other_rep, account=mirabel, last_name="Hidden")
    api = api_as(rep)

    settings.API_SEARCH_RELATED_BY_ID = False
    joined = api.get("/api/v1/contacts/?search=mira").json()["results"]
    settings.API_SEARCH_RELATED_BY_ID = True
    with django_assert_max_num_queries(3):
        by_id = api.get("/api/v1/contacts/?search=mira").json()["results"]

    assert sorted(c["last_name"] for c in by_id) == ["Miranda", "Stone"]
    assert [c["id"] for c in by_id] == [c["id"] for c in joined]


@pytest.mark.django_db
def test_numbered_pages_read_by_ids_still_cover_the_list_once_in_order(api_as, manager, rep):
    _bulk_accounts(rep, 27)  # seven names only: ties on every page
    api = api_as(manager)
    whole = [r["id"] for r in api.get("/api/v1/accounts/?page_size=200").json()["results"]]

    paged = []
    for number in (1, 2, 3):
        body = api.get(f"/api/v1/accounts/?page_size=10&page={number}").json()
        paged += [r["id"] for r in body["results"]]

    assert paged == whole and len(whole) == 27
    names = [Account.objects.get(pk=pk).name for pk in whole]
    assert names == sorted(names)


@pytest.mark.django_db
def test_an_estimate_is_kept_for_the_same_list_and_an_exact_count_never(
    api_as, rep, teammate, monkeypatch
):
    _bulk_accounts(rep, 60)
    _bulk_accounts(teammate, 5, prefix="Theirs")
    monkeypatch.setattr(CountingPaginator, "exact_limit", 30)
    api = api_as(rep)

    first = api.get("/api/v1/accounts/").json()
    with CaptureQueriesContext(connection) as captured:
        second = api.get("/api/v1/accounts/?page=2").json()
    counted = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]

    if ON_POSTGRES:
        assert first["count_is_estimate"] is True and second["count"] == first["count"]
        assert counted == [] and not any("EXPLAIN" in q["sql"] for q in captured.captured_queries)
    # another person's list is counted for them (5: exact), and again after a change
    theirs = api_as(teammate).get("/api/v1/accounts/").json()
    assert (theirs["count"], theirs["count_is_estimate"]) == (5, False)
    _bulk_accounts(teammate, 1, prefix="More")
    assert api_as(teammate).get("/api/v1/accounts/").json()["count"] == 6


@pytest.mark.django_db
def test_a_list_filtered_to_nothing_counts_nothing(rep):
    _bulk_accounts(rep, 3)
    for empty in (Account.objects.none(), Account.objects.filter(pk__in=[])):
        paginator = CountingPaginator(empty.order_by("name", "id"), 10)
        assert (paginator.count, paginator.count_is_estimate, list(paginator.page(1))) == (
            0,
            False,
            [],
        )
