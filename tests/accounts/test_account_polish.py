"""What the walk through the account pages found: addresses, map positions, the map
fields kept under "More", links to a duplicate, email addresses that wrap."""

import pytest

from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_an_address_without_a_city_reads_cleanly():
    assert (
        AccountFactory.build(city="", postcode="", region="", country="Spain").address_line
        == "Spain"
    )
    full = AccountFactory.build(
        city="Munich", postcode="80331", region="Bavaria", country="Germany"
    )
    assert full.address_line == "Munich 80331, Bavaria, Germany"


def test_the_account_page_shows_a_map_position_not_raw_coordinates(client, rep):
    account = AccountFactory(owner=rep, latitude="51.507200", longitude="-0.127600", country="UK")
    client.force_login(rep)
    page = client.get(account.get_absolute_url()).content.decode()
    assert "51.51° N, 0.13° W" in page
    assert "51.507200" not in page


def test_the_form_keeps_the_map_position_under_more(client, rep):
    client.force_login(rep)
    page = client.get("/accounts/companies/new/").content.decode()
    more = page.split('<details class="more-fields"', 1)[1]
    assert 'name="latitude"' in more and 'name="longitude"' in more
    assert 'name="latitude"' not in page.split('<details class="more-fields"', 1)[0]


def test_a_bad_map_position_opens_more_with_the_error(client, rep):
    client.force_login(rep)
    form = {"name": "Initech", "status": "prospect", "owner": rep.pk, "latitude": "north"}
    page = client.post("/accounts/companies/new/", form).content.decode()
    assert '<details class="more-fields" open>' in page


def test_the_duplicate_warning_links_to_the_record_the_user_may_see(client, rep, other_rep):
    mine = AccountFactory(owner=rep, name="Initech", domain="initech.example")
    AccountFactory(owner=other_rep, name="Initech South", domain="initech.example")
    client.force_login(rep)
    form = {"name": "Initech 2", "domain": "initech.example", "status": "prospect", "owner": rep.pk}
    page = client.post("/accounts/companies/new/", form).content.decode()
    assert f'<a href="{mine.get_absolute_url()}">Initech</a>' in page
    assert "Initech South" not in page


def test_an_email_wraps_at_its_punctuation(client, rep):
    account = AccountFactory(owner=rep)
    ContactFactory(owner=rep, account=account, email="katherine.johnson@example.com")
    client.force_login(rep)
    page = client.get(account.get_absolute_url()).content.decode()
    assert "katherine<wbr>.johnson@<wbr>example<wbr>.com" in page
