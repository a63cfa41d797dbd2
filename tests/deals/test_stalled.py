"""Stalled deals: detection per stage limit, the daily flag (notify once per stall), page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deals import tasks
from deals.models import Deal, Stage
from deals.reporting import selectors
from deals.reporting import services as reporting_services
from salesproc.events import dispatch_event, subscribers_for
from salesproc.models import Event, EventDelivery, Notification

from .report_factories import open_deal, stage, won_deal


def _ago(days, hours=0):
    return timezone.now() - timedelta(days=days, hours=hours)


@pytest.fixture
def stuck(rep, teammate, other_rep):
    """Prospecting allows 14 days, Discovery 21, Negotiation 14."""
    return {
        "over": open_deal(rep, 1_000, stage_name="Prospecting", entered=_ago(15)),
        "just_in": open_deal(rep, 1_000, stage_name="Prospecting", entered=_ago(13, 23)),
        "discovery_over": open_deal(teammate, 2_000, stage_name="Discovery", entered=_ago(30)),
        "discovery_in": open_deal(rep, 2_000, stage_name="Discovery", entered=_ago(20)),
        "theirs": open_deal(other_rep, 3_000, stage_name="Negotiation", entered=_ago(40)),
    }


@pytest.mark.django_db
def test_it_finds_deals_stuck_longer_than_their_stage_allows(manager, rep, admin, stuck):
    assert set(selectors.stalled_deals(user=rep)) == {stuck["over"]}
    assert set(selectors.stalled_deals(user=manager)) == {stuck["over"], stuck["discovery_over"]}
    assert list(selectors.stalled_deals(user=admin)) == [
        stuck["theirs"],
        stuck["discovery_over"],
        stuck["over"],
    ]


@pytest.mark.django_db
def test_it_ignores_closed_deals_and_stages_without_a_limit(rep):
    won = won_deal(rep, 1_000, closed=timezone.localdate())
    Deal.objects.filter(pk=won.pk).update(stage_entered_at=_ago(300))
    Stage.objects.filter(name="Proposal").update(stalled_after_days=None)
    open_deal(rep, 1_000, stage_name="Proposal", entered=_ago(300))

    assert list(selectors.stalled_deals(user=rep)) == []


@pytest.mark.django_db
def test_it_reports_days_in_stage_and_over_the_limit(rep, stuck):
    row = selectors.stalled_row(stuck["over"])

    assert (row["days_in_stage"], row["limit"], row["days_over"]) == (15, 14, 1)


@pytest.mark.django_db
def test_it_notifies_each_owner_once_per_stall(
    rep, teammate, other_rep, stuck, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.flag_stalled_deals_task.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = reporting_services.stalled_deals_flag()

    assert (first, second) == (3, 0)
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "alice",
        "bob",
        "charlie",
    ]
    note = Notification.objects.get(recipient=rep)
    assert stuck["over"].name in note.text
    assert note.key == reporting_services.stalled_key(stuck["over"])
    assert Event.objects.filter(name="deal.stalled").count() == 3


@pytest.mark.django_db
def test_it_notifies_again_when_a_deal_stalls_in_a_new_stage(
    rep, django_capture_on_commit_callbacks
):
    deal = open_deal(rep, 1_000, stage_name="Prospecting", entered=_ago(20))
    with django_capture_on_commit_callbacks(execute=True):
        reporting_services.stalled_deals_flag()
    Deal.objects.filter(pk=deal.pk).update(stage=stage("Discovery"), stage_entered_at=_ago(25))

    with django_capture_on_commit_callbacks(execute=True):
        assert reporting_services.stalled_deals_flag() == 1
    assert Notification.objects.filter(recipient=rep).count() == 2


@pytest.mark.django_db
def test_it_records_the_stall_and_leaves_the_notification_to_the_subscriber(rep, stuck):
    # the daily task records `deal.stalled` (once per stall) and notifies nobody itself
    assert reporting_services.stalled_deals_flag() == 1 + 1 + 1
    assert reporting_services.stalled_deals_flag() == 0
    assert Notification.objects.count() == 0
    event = Event.objects.get(name="deal.stalled", object_id=stuck["over"].pk)
    assert event.data["stall"] == reporting_services.stalled_key(stuck["over"])

    # delivering the event (twice, as a retry would) notifies the owner once
    dispatch_event(event.pk)
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    EventDelivery.objects.filter(event=event).delete()
    dispatch_event(event.pk)

    note = Notification.objects.get()
    assert (note.recipient, note.key) == (rep, reporting_services.stalled_key(stuck["over"]))
    assert note.text == (
        f"{stuck['over'].name} has been in Prospecting for 15 days (limit 14): "
        "time to move it on or close it."
    )
    assert note.url == stuck["over"].get_absolute_url()


@pytest.mark.django_db
def test_it_subscribes_the_stalled_notification_in_ready():
    assert [key for key, _ in subscribers_for("deal.stalled")] == ["deals.notify_stalled_owner"]


@pytest.mark.django_db
def test_it_flags_nothing_when_nothing_is_stalled(rep):
    open_deal(rep, 1_000, stage_name="Prospecting", entered=_ago(1))

    assert reporting_services.stalled_deals_flag() == 0
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_it_lists_stalled_deals_on_a_page(client, manager, rep, stuck):
    client.force_login(rep)
    mine = client.get(reverse("deals:stalled_deals"))
    client.force_login(manager)
    team = client.get(reverse("deals:stalled_deals"))
    bob_only = client.get(
        reverse("deals:stalled_deals"), {"owner": stuck["discovery_over"].owner_id}
    )

    assert [row["deal"] for row in mine.context["rows"]] == [stuck["over"]]
    assert {row["deal"] for row in team.context["rows"]} == {stuck["over"], stuck["discovery_over"]}
    assert [row["deal"] for row in bob_only.context["rows"]] == [stuck["discovery_over"]]
    assert "15 days" in mine.content.decode()


@pytest.mark.django_db
def test_it_serves_stalled_deals_over_the_api(api_as, manager, other_rep, stuck):
    response = api_as(manager).get("/api/v1/reports/stalled-deals/")

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {
        stuck["over"].pk,
        stuck["discovery_over"].pk,
    }
    assert (
        api_as(manager).get("/api/v1/reports/stalled-deals/", {"owner": other_rep.pk}).status_code
        == 400
    )


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 30])
def test_it_lists_stalled_deals_in_a_bounded_number_of_queries(
    client, api_as, manager, rep, n, django_assert_max_num_queries
):
    for _ in range(n):
        open_deal(rep, 1_000, stage_name="Prospecting", entered=_ago(40))
    client.force_login(manager)

    with django_assert_max_num_queries(8):
        assert client.get(reverse("deals:stalled_deals")).status_code == 200
    with django_assert_max_num_queries(5):
        assert api_as(manager).get("/api/v1/reports/stalled-deals/").status_code == 200
