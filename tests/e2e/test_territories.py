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


def test_a_field_rep_plans_their_weeks_accepts_two_and_sees_the_calls_in_the_agenda(
    page, live_server, login, teammate, north
):
    from decimal import Decimal

    from calls.models import Call
    from territories.models import AccountTerritory, PotentialBand

    # Given Bob's territory of four accounts around Manchester, one of them big
    territory = Territory.objects.create(name="North-West", rep=teammate, team=north)
    PotentialBand.objects.create(industry="Healthcare", yearly_value=Decimal("150000"))
    PotentialBand.objects.create(industry="", yearly_value=Decimal("20000"))
    for n, (name, industry) in enumerate(
        [("Ribble Clinics", "Healthcare"), ("Irwell Freight", "Logistics"),
         ("Mersey Print", "Retail"), ("Lune Builders", "Construction")]
    ):  # fmt: skip
        account = AccountFactory(
            name=name,
            industry=industry,
            owner=teammate,
            latitude=Decimal(str(53.45 + n * 0.03)),
            longitude=Decimal("-2.25"),
        )
        AccountTerritory.objects.create(account=account, territory=territory)
    login(page, live_server, teammate.username)
    page.goto(live_server.url + "/territories/patterns/")
    # When he sets his base, then plans four weeks of 2 visits a day, 2 days a week
    page.get_by_label("Base (name)").fill("Manchester office")
    page.get_by_label("Latitude").fill("53.4808")
    page.get_by_label("Longitude").fill("-2.2426")
    page.get_by_role("button", name="Save base").click()
    expect(page.get_by_text("Days start and end at Manchester office.")).to_be_visible()
    page.get_by_label("Weeks").fill("4")
    page.get_by_label("Visits per day").fill("2")
    page.get_by_label("Working days").fill("2")
    page.get_by_role("button", name="Plan my weeks").click()
    # Then he sees the weeks day by day, the big account every other week (its tier's
    # policy: twice in 4 weeks, at least 10 days apart)
    expect(page.locator("#week-1")).to_contain_text("Ribble Clinics")
    expect(page.locator("#week-3")).to_contain_text("Ribble Clinics")
    expect(page.locator("#week-2")).not_to_contain_text("Ribble Clinics")
    # When he accepts weeks 1 and 2
    page.get_by_label("Week 1").check()
    page.get_by_label("Week 2").check()
    page.get_by_role("button", name="Accept these weeks").click()
    planned = Call.objects.filter(owner=teammate, status="planned").count()
    expect(page.get_by_text(f"{planned} calls planned.")).to_be_visible()
    assert planned >= 2
    expect(page.locator("#week-1")).to_contain_text("accepted")
    # And the first visit is in his agenda
    first = Call.objects.filter(owner=teammate).order_by("scheduled_at").first()
    page.goto(live_server.url + "/calls/")
    expect(page.get_by_text(first.purpose).first).to_be_visible()


def test_rep2_plans_the_demo_weeks_accepts_two_and_sees_the_calls_in_the_agenda(
    page, live_server, login
):
    from calls.models import Call
    from salesproc.demo import seed_people
    from territories.demo import seed_territories
    from territories.models import PatternVisit

    # Given the demo's people and territories (not the whole demo: earlier browser tests
    # flush rows the migrations seeded, which other apps' seeders need): rep2's
    # North-West of about 60 accounts, with a base in Manchester
    seed_people()
    seed_territories()
    login(page, live_server, "rep2", "demo")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Plan my weeks").first.click()
    expect(page.get_by_text("Days start and end at Manchester office.")).to_be_visible()
    # When rep2 plans four weeks of 4 visits a day, 4 days a week
    page.get_by_label("Weeks").fill("4")
    page.get_by_label("Visits per day").fill("4")
    page.get_by_label("Working days").fill("4")
    page.get_by_role("button", name="Plan my weeks").click()
    # Then the weeks show day by day, with the expected return against the last weeks
    expect(page.locator("#week-1")).to_contain_text("Monday")
    expect(page.get_by_text("Your last 4 weeks", exact=True)).to_be_visible()
    before = Call.objects.filter(owner__username="rep2", status="planned").count()
    # When rep2 accepts weeks 1 and 2
    page.get_by_label("Week 1").check()
    page.get_by_label("Week 2").check()
    page.get_by_role("button", name="Accept these weeks").click()
    accepted = PatternVisit.objects.filter(week__in=[1, 2], call__isnull=False)
    planned = Call.objects.filter(owner__username="rep2", status="planned").count() - before
    expect(page.get_by_text(f"{planned} calls planned.")).to_be_visible()
    assert planned == accepted.count() > 0
    expect(page.locator("#week-1")).to_contain_text("accepted")
    expect(page.locator("#week-2")).to_contain_text("accepted")
    expect(page.locator("#week-3")).not_to_contain_text("accepted")
    # And the calls are in rep2's agenda
    first = accepted.select_related("call").order_by("call__scheduled_at").first().call
    page.goto(live_server.url + "/calls/")
    expect(page.get_by_text(first.purpose).first).to_be_visible()
