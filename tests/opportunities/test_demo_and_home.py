"""The demo seeder, the home widget's overdue next steps, the stakeholder's last
engagement read from calls, and the benchmark command on a small data set."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from calls.models import Call
from opportunities import selectors, services
from opportunities.models import OpportunityPlan, WinLossReview

pytestmark = pytest.mark.django_db


def test_overdue_next_steps_show_on_the_owners_home(client, rep, deal):
    services.action_item_add(
        actor=rep,
        deal=deal,
        text="Send the contract",
        due_date=timezone.localdate() - timedelta(days=2),
    )
    client.force_login(rep)

    page = client.get("/").content.decode()

    assert "Overdue next steps" in page and "Send the contract" in page


def test_the_last_engagement_is_the_last_held_call(rep, deal, buyer):
    services.stakeholder_add(actor=rep, deal=deal, contact=buyer, buying_role="champion")
    held = timezone.now() - timedelta(days=4)
    for when, status in ((held, "completed"), (held + timedelta(days=2), "cancelled")):
        Call.objects.create(
            owner=rep,
            contact=buyer,
            status=status,
            scheduled_at=when,
            completed_at=when,
            purpose="Check in",
        )

    [stakeholder] = selectors.plan_page(deal=deal)["stakeholders"]

    assert stakeholder.last_engaged_at == held


def test_the_demo_seeds_plans_and_reviews_once():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    plans = OpportunityPlan.objects.count()
    reviews = WinLossReview.objects.count()
    done = WinLossReview.objects.filter(status="done").count()
    call_command("seed_demo", "--force", stdout=StringIO())

    assert plans > 50 and OpportunityPlan.objects.count() == plans
    assert WinLossReview.objects.count() == reviews
    assert 0.7 < done / reviews < 0.9
    completeness = set(OpportunityPlan.objects.values_list("completeness", flat=True))
    assert len(completeness) >= 5  # varied


def test_the_benchmark_command_runs_on_a_small_set():
    out = StringIO()

    call_command("benchmark_what_works", deals=60, repeat=1, stdout=out)

    text = out.getvalue()
    assert "seeded 60 deals" in text
    assert "manager  strategy" in text and "admin    completeness" in text
