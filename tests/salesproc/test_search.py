"""Global search: visibility across two teams, ranking and typos, page, dropdown and API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Account
from calls.models import Call
from salesproc.search import search_all
from tests.conftest import api_for
from tests.factories import AccountFactory, ContactFactory, DealFactory, LeadFactory


@pytest.fixture
def records(rep, teammate, other_rep):
    mine = AccountFactory(name="Aspen Robotics", owner=rep)
    teammates = AccountFactory(name="Aspen Foods", owner=teammate)
    theirs = AccountFactory(name="Aspen Retail", owner=other_rep)
    ContactFactory(first_name="Nora", last_name="Aspenwall", account=mine, owner=rep)
    ContactFactory(first_name="Otto", last_name="Aspenhill", account=theirs, owner=other_rep)
    LeadFactory(first_name="Lena", last_name="Brook", company_name="Aspen Bank", owner=rep)
    LeadFactory(first_name="Karl", last_name="Stone", company_name="Aspen Mills", owner=other_rep)
    DealFactory(name="Aspen Robotics: pilot", account=mine, owner=rep)
    DealFactory(name="Aspen Retail: renewal", account=theirs, owner=other_rep)
    for owner, account in ((rep, mine), (other_rep, theirs)):
        Call.objects.create(
            owner=owner,
            account=account,
            purpose=f"Aspen discovery with {owner.first_name}",
            scheduled_at=timezone.now() + timedelta(days=1),
        )
    return {"mine": mine, "teammates": teammates, "theirs": theirs}


def titles(user, query, **kwargs):
    return {
        (group.type, item["title"])
        for group in search_all(user=user, query=query, **kwargs)
        for item in group.results
    }


def test_a_rep_finds_only_their_own_records_of_every_type(rep, records):
    found = titles(rep, "aspen")
    assert found == {
        ("account", "Aspen Robotics"),
        ("contact", "Nora Aspenwall"),
        ("lead", "Lena Brook (Aspen Bank)"),
        ("deal", "Aspen Robotics: pilot"),
        ("call", "Aspen discovery with Alice"),
    }


def test_a_manager_finds_the_team_but_never_another_team(manager, records):
    found = titles(manager, "aspen")
    assert ("account", "Aspen Foods") in found
    assert ("account", "Aspen Robotics") in found
    assert not [title for _, title in found if "Retail" in title or "Otto" in title]
    assert not [title for _, title in found if "Mills" in title or "Charlie" in title]


def test_the_other_team_sees_its_own_and_nothing_of_north(other_rep, records):
    found = titles(other_rep, "aspen")
    assert ("account", "Aspen Retail") in found
    assert not [title for _, title in found if "Robotics" in title or "Foods" in title]


def test_an_admin_finds_everything(admin, records):
    accounts = {title for kind, title in titles(admin, "aspen") if kind == "account"}
    assert accounts == {"Aspen Robotics", "Aspen Foods", "Aspen Retail"}


def test_groups_come_in_type_order_and_the_best_match_first(admin, records):
    AccountFactory(name="Robotics Aspen Holdings", owner=admin)
    groups = search_all(user=admin, query="aspen robotics")
    assert [g.type for g in groups][:1] == ["account"]
    assert groups[0].results[0]["title"] == "Aspen Robotics"


def test_a_role_without_the_process_gets_no_group_of_it(other_rep, records):
    # The key-account manager's role does not run lead qualification.
    assert "lead" not in {g.type for g in search_all(user=other_rep, query="aspen")}


def test_deleted_records_are_not_found(rep, records):
    from salesproc.softdelete import move_to_bin

    move_to_bin(records["mine"], actor=rep)
    assert ("account", "Aspen Robotics") not in titles(rep, "aspen")


def test_a_short_query_finds_nothing(rep, records):
    assert search_all(user=rep, query="a") == []


def test_typos_and_partial_names_match_on_postgresql(rep, records):
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity is PostgreSQL's; SQLite has the plain fallback")
    assert ("account", "Aspen Robotics") in titles(rep, "Aspn Robotcs")
    assert ("contact", "Nora Aspenwall") in titles(rep, "nora aspnwall")
    assert ("account", "Aspen Robotics") in titles(rep, "robot")  # a partial word


def test_the_stored_vector_follows_every_write_including_bulk_ones(rep, records):
    Account.objects.filter(pk=records["mine"].pk).update(name="Birchwood Analytics")
    Account.objects.bulk_create([Account(name="Birchwood Imports", owner=rep)])
    assert {t for k, t in titles(rep, "birchwood") if k == "account"} == {
        "Birchwood Analytics",
        "Birchwood Imports",
    }


def test_partial_words_match_on_sqlite_too(rep, records):
    assert ("account", "Aspen Robotics") in titles(rep, "obotic")


def test_the_query_count_is_bounded(rep, records, django_assert_max_num_queries):
    # One per type (a second, fuzzy pass only when nothing matched anywhere) and the team.
    with django_assert_max_num_queries(7):
        search_all(user=rep, query="aspen")


# ---------------------------------------------------------------- API and pages


def test_the_api_answers_type_id_title_url_of_visible_records_only(rep, records):
    response = api_for(rep).get("/api/v1/search/", {"q": "aspen"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert {"type", "id", "title", "url"} <= set(results[0])
    assert [r["type"] for r in results] == ["account", "contact", "lead", "deal", "call"]
    assert records["theirs"].pk not in [r["id"] for r in results if r["type"] == "account"]
    assert results[0]["url"] == records["mine"].get_absolute_url()


def test_the_api_narrows_by_type_and_limit(admin, records):
    response = api_for(admin).get("/api/v1/search/", {"q": "aspen", "type": "account", "limit": 2})
    assert response.status_code == 200
    assert [r["type"] for r in response.json()["results"]] == ["account", "account"]


@pytest.mark.parametrize("params", [{"q": "a"}, {}, {"q": "aspen", "limit": 0}])
def test_the_api_refuses_bad_input_with_field_errors(rep, params):
    response = api_for(rep).get("/api/v1/search/", params)
    assert response.status_code == 400
    assert set(response.json()) & {"q", "limit"}


def test_the_api_needs_a_signed_in_caller(api):
    assert api.get("/api/v1/search/", {"q": "aspen"}).status_code in (401, 403)


def test_the_results_page_and_the_dropdown(client, rep, records):
    client.force_login(rep)
    page = client.get("/search/", {"q": "aspen"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Aspen Robotics" in body and "Aspen Retail" not in body
    assert "Accounts" in body and "Calls" in body
    dropdown = client.get("/search/dropdown/", {"q": "aspen"}, headers={"HX-Request": "true"})
    assert dropdown.status_code == 200
    text = dropdown.content.decode()
    assert "<html" not in text and "Aspen Robotics" in text and "Aspen Retail" not in text
    assert "All results for" in text
    empty = client.get("/search/dropdown/", {"q": "zzzzqqq"}).content.decode()
    assert "Nothing you can see matches" in empty


def test_the_header_has_the_search_box_on_every_page(client, rep):
    client.force_login(rep)
    body = client.get("/").content.decode()
    assert 'id="global-search"' in body and 'aria-keyshortcuts="/"' in body
