"""Plans driven through the real services to any degree of completeness."""

from datetime import date, timedelta

from opportunities import services


def full_plan(deal, actor, *, buyer, champion, competitor, strategy):
    """A plan with every item filled in: 100% complete."""
    plan = services.plan_create(actor=actor, deal=deal)
    plan = services.plan_update(
        actor=actor,
        plan=plan,
        version=plan.version,
        fields=services.PlanFields(
            problem="Forecasts are guesses",
            impact="Missed quarters",
            impact_amount=120000,
            desired_outcome="A forecast within 5%",
            decision_process="CFO signs after a pilot",
            decision_date=date.today() + timedelta(days=30),
            strategy=strategy,
            strategy_notes="Two-week pilot",
        ),
    )
    services.stakeholder_add(actor=actor, deal=deal, contact=buyer, buying_role="economic_buyer")
    services.stakeholder_add(actor=actor, deal=deal, contact=champion, buying_role="champion")
    services.deal_competitor_add(actor=actor, deal=deal, competitor=competitor)
    services.action_item_add(
        actor=actor, deal=deal, text="Book the pilot", due_date=date.today() + timedelta(days=3)
    )
    plan.refresh_from_db()
    return plan
