"""Territory management in a real browser: a manager previews a rule, applies it, watches
the re-run finish, and the field rep finds the accounts in their territory."""

from playwright.sync_api import expect

from territories.models import Territory
from tests.factories import AccountFactory


def test_a_manager_previews_and_applies_a_rule_and_the_rep_sees_the_accounts(
    page, new_page, live_server, login, manager, teammate, north
):
    # Given a North-West territory covered by Bob and three accounts, two in Manchester
    territory = Territory.objects.create(name="North-West", rep=teammate, team=north)
    AccountFactory(name="Irwell Freight", owner=teammate, postcode="M3 4AB")
    AccountFactory(name="Mersey Print", owner=teammate, postcode="M15 6PQ")
    AccountFactory(name="Aire Builders", owner=teammate, postcode="LS1 4AP")
    # When the manager adds a rule for postcodes starting with M and previews it
    login(page, live_server, manager.username)
    page.goto(live_server.url + territory.get_absolute_url())
    page.get_by_role("link", name="Add rule").click()
    page.get_by_label("Postcode prefixes").fill("M")
    page.get_by_role("button", name="Preview").click()
    # Then the preview says what would move, and nothing has moved yet
    expect(page.locator("#preview")).to_contain_text("2 accounts join North-West")
    # When they apply it
    page.get_by_role("button", name="Save and apply").click()
    # Then the re-run finishes with its count
    expect(page.locator("#run-progress")).to_contain_text("Done")
    expect(page.locator("#run-progress")).to_contain_text("2 accounts changed territory")
    # And Bob finds both Manchester accounts in his territory from the navigation
    bob = new_page(width=390, height=844)
    login(bob, live_server, teammate.username)
    bob.goto(live_server.url + "/territories/")
    bob.get_by_role("link", name="North-West").click()
    expect(bob.get_by_role("heading", name="Accounts (2)")).to_be_visible()
    expect(bob.get_by_role("link", name="Irwell Freight")).to_be_visible()
    expect(bob.get_by_role("link", name="Aire Builders")).to_have_count(0)
