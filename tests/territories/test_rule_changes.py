"""Rule changes: the preview equals what applying does; the re-run's progress; new and
edited accounts placed by the event subscriber; the owner-follows-rep setting."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.services import account_create, account_update
from salesproc.events import dispatch_event
from salesproc.models import Event
from territories import services
from territories.inputs import RuleInput
from territories.models import AccountTerritory, AssignmentRule, AssignmentRun, TerritorySettings

from .factories import RuleFactory

pytestmark = pytest.mark.django_db


def placement():
    return dict(AccountTerritory.objects.values_list("account_id", "territory_id"))


def test_the_preview_says_exactly_what_apply_does(
    manager, north_west, yorkshire, make_account, django_capture_on_commit_callbacks
):
    # Given Manchester and Leeds accounts placed by one rule, and a pinned one
    rule = RuleFactory(territory=north_west, priority=10, countries=["United Kingdom"])
    manchester = [make_account(postcode=f"M{n} 1AA") for n in range(1, 4)]
    [make_account(postcode=f"LS{n} 1AA") for n in range(1, 3)]
    pinned = make_account(postcode="LS9 9ZZ")
    services.reassign_accounts()
    AccountTerritory.objects.filter(account=pinned).update(pinned=True)
    before = placement()
    change = RuleInput(territory=yorkshire, priority=5, postcode_prefixes=["LS"])
    # When the manager previews a Yorkshire rule, then applies it
    moves = services.rule_change_preview(actor=manager, data=change)
    with django_capture_on_commit_callbacks(execute=True):
        new_rule, run = services.rule_create(actor=manager, data=change)
    after = placement()
    # Then the preview's moves are the moves that happened
    happened = {}
    for account_id, territory_id in after.items():
        if before.get(account_id) != territory_id:
            key = (before.get(account_id), territory_id)
            happened[key] = happened.get(key, 0) + 1
    assert {(m.from_territory, m.to_territory): m.accounts for m in moves} == happened
    assert happened == {(north_west.pk, yorkshire.pk): 2}
    assert after[pinned.pk] == north_west.pk
    assert all(after[a.pk] == north_west.pk for a in manchester)
    run.refresh_from_db()
    assert (run.status, run.done, run.total, run.moved) == ("done", 6, 6, 2)
    assert run.summary == "2 accounts changed territory"
    assert rule.pk != new_rule.pk


def test_previewing_a_removal_and_an_edit_saves_nothing(manager, north_west, make_account):
    rule = RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    make_account(postcode="M1 1AA")
    services.reassign_accounts()
    removal = services.rule_change_preview(actor=manager, rule=rule, delete=True)
    edit = services.rule_change_preview(
        actor=manager,
        rule=rule,
        data=RuleInput(territory=north_west, priority=10, postcode_prefixes=["SK"]),
    )
    assert [(m.from_territory, m.to_territory, m.accounts) for m in removal] == [
        (north_west.pk, None, 1)
    ]
    assert [(m.from_territory, m.to_territory, m.accounts) for m in edit] == [
        (north_west.pk, None, 1)
    ]
    rule.refresh_from_db()
    assert rule.postcode_prefixes == ["M"]
    assert AssignmentRule.objects.count() == 1


def test_a_run_goes_in_batches_and_is_safe_twice(manager, north_west, make_account):
    RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    for n in range(7):
        make_account(postcode=f"M{n} 1AA")
    run = AssignmentRun.objects.create(started_by=manager)
    services.assignment_run(run_id=run.pk, batch_size=2)
    services.assignment_run(run_id=run.pk, batch_size=2)  # a second delivery does nothing
    run.refresh_from_db()
    assert (run.status, run.done, run.moved) == ("done", 7, 7)
    assert AccountTerritory.objects.filter(territory=north_west).count() == 7


def _deliver(name):
    for event in Event.objects.filter(name=name, dispatched_at__isnull=True):
        dispatch_event(event.pk)


def test_a_new_and_an_edited_account_are_placed_by_the_subscriber(
    teammate, north_west, yorkshire, django_capture_on_commit_callbacks
):
    RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    RuleFactory(territory=yorkshire, priority=20, postcode_prefixes=["LS"])
    # When a rep creates an account in Manchester
    account = account_create(
        actor=teammate,
        data={"name": "Irwell Freight", "postcode": "M3 4AB", "country": "United Kingdom"},
    )
    _deliver("account.created")
    # Then it is in the North-West
    assert AccountTerritory.objects.get(account=account).territory == north_west
    # And when it moves to Leeds, it moves to Yorkshire
    account_update(actor=teammate, account=account, data={"postcode": "LS1 4AP"})
    _deliver("account.updated")
    assert AccountTerritory.objects.get(account=account).territory == yorkshire


def test_the_owner_follows_the_rep_only_when_the_admin_says_so(
    admin, rep, teammate, north_west, make_account
):
    RuleFactory(territory=north_west, priority=10, postcode_prefixes=["M"])
    account = make_account(postcode="M1 1AA", owner=rep)
    services.reassign_accounts()
    account.refresh_from_db()
    assert account.owner == rep
    services.territory_settings_update(actor=admin, owner_follows_rep=True)
    other = make_account(postcode="M2 1AA", owner=rep)
    services.reassign_accounts()
    other.refresh_from_db()
    assert other.owner == teammate
    assert TerritorySettings.current().owner_follows_rep is True
    # the change of owner went through the accounts service and left a trace
    moved = Event.objects.get(name="account.reassigned", object_id=other.pk)
    assert moved.data == {"from_owner": rep.pk, "to_owner": teammate.pk}
    assert not Event.objects.filter(name="account.reassigned", object_id=account.pk).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"latitude": Decimal("95"), "longitude": Decimal("1"), "radius_km": Decimal("5")},
         "latitude", "Latitude must be between -90 and 90."),
        ({"latitude": Decimal("50"), "longitude": Decimal("-181"), "radius_km": Decimal("5")},
         "longitude", "Longitude must be between -180 and 180."),
        ({"latitude": Decimal("50"), "longitude": Decimal("1")},
         "radius_km", "A radius needs a centre: give latitude, longitude and radius."),
        ({"latitude": Decimal("50"), "longitude": Decimal("1"), "radius_km": Decimal("0")},
         "radius_km", "The radius must be more than 0 and at most 20,000 km."),
        ({"employees_min": 500, "employees_max": 10},
         "employees_max", "The largest size must not be below the smallest."),
        ({"statuses": ["gold"]}, "statuses", "Unknown account status: gold."),
        ({}, "__all__", "Give the rule at least one condition, or it matches every account."),
    ],
)  # fmt: skip
def test_bad_rules_are_refused_and_nothing_is_saved(manager, north_west, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        services.rule_create(
            actor=manager, data=RuleInput(territory=north_west, priority=10, **fields)
        )
    assert caught.value.message_dict[field] == [message]
    assert AssignmentRule.objects.count() == 0


def test_two_rules_cannot_share_a_priority(manager, north_west, yorkshire):
    RuleFactory(territory=yorkshire, priority=10, postcode_prefixes=["LS"])
    with pytest.raises(ValidationError) as caught:
        services.rule_create(
            actor=manager,
            data=RuleInput(territory=north_west, priority=10, postcode_prefixes=["M"]),
        )
    assert caught.value.message_dict["priority"] == [
        "Priority 10 is already used by a rule of Yorkshire; rules cannot share a priority "
        "(the first match wins)."
    ]
    assert AssignmentRule.objects.count() == 1
