"""What opportunity management contributes: navigation, home widget, the plan panel on the
deal page, deal badges, settings pages, demo data, the stage gate, event subscribers and the
handoff debrief's stakeholders."""

from salesproc import events
from salesproc.registry import (
    DealBadge,
    DealListField,
    HandoffPrefill,
    NavItem,
    Panel,
    SettingsLink,
    StageGate,
    Widget,
    register_deal_badge,
    register_deal_list_field,
    register_handoff_prefill,
    register_nav,
    register_panel,
    register_settings_link,
    register_stage_gate,
    register_widget,
)


def home_widget(request):
    from . import selectors

    reviews = list(selectors.pending_reviews(user=request.user)[:6])
    overdue = list(selectors.overdue_steps(user=request.user)[:6])
    if not reviews and not overdue:
        return None
    return {"reviews": reviews, "overdue": overdue}


def deal_plan_panel(request, deal):
    from . import selectors

    context = selectors.plan_page(deal=deal)
    context["deal"] = deal
    return context


def deal_badges(*, user, deals):
    from . import selectors

    return selectors.plan_badges(user=user, deals=deals)


def plan_list_field():
    """The deal list's "Plan" column: sort by the plan's stored completeness, filter by
    plan status (none, incomplete, complete, stale), all in SQL."""
    from . import selectors

    def by_status(status):
        return lambda queryset: selectors.deals_with_plan_status(queryset, status)

    return DealListField(
        "plan",
        "Plan",
        selectors.annotate_plan_completeness,
        filters={value: (label, by_status(value)) for value, label in selectors.PLAN_STATUSES},
        process="opportunities",
        order=10,
    )


def request_review(event):
    """deal.won / deal.lost: ask the owner for a win/loss review (once per outcome)."""
    from deals.models import Deal

    from .services import review_request

    deal = Deal.objects.select_related("owner").filter(pk=event.object_id).first()
    if deal is None:
        return
    outcome = "won" if event.name == "deal.won" else "lost"
    review_request(deal=deal, outcome=outcome)


def handoff_stakeholders(*, deal_id: int) -> dict:
    """The won deal's stakeholders and their stance, one line each, for the handoff
    debrief ({} when the opportunity plan names none). One query."""
    from .models import Stakeholder

    lines = []
    for person in (
        Stakeholder.objects.filter(deal_id=deal_id).select_related("contact").order_by("id")
    ):
        line = (
            f"{person.contact.full_name}: {person.get_buying_role_display()}, "
            f"{person.get_stance_display().lower()}, {person.get_influence_display().lower()}"
            " influence"
        )
        if person.cares_about.strip():
            line += f"; cares about {person.cares_about.strip()}"
        lines.append(line)
    return {"stakeholders": "\n".join(lines)} if lines else {}


def register():
    from . import demo, gates

    register_nav(
        NavItem(
            "Opportunities",
            "opportunities:opportunity_list",
            process="opportunities",
            order=22,
            active_prefix="/opportunities/",
        )
    )
    register_nav(
        NavItem(
            "What works",
            "opportunities:what_works",
            process="opportunities",
            order=23,
            active_prefix="/opportunities/what-works/",
        )
    )
    register_widget(
        Widget(
            "opportunities.reviews",
            "opportunities/_widget_home.html",
            home_widget,
            process="opportunities",
            order=22,
        )
    )
    register_panel(
        Panel(
            "deals.deal",
            "opportunities.plan",
            "opportunities/_deal_panel.html",
            deal_plan_panel,
            process="opportunities",
            order=10,
        )
    )
    register_deal_badge(DealBadge("opportunities.plan", deal_badges, process="opportunities"))
    register_deal_list_field(plan_list_field())
    register_settings_link(
        SettingsLink(
            "Opportunity plan",
            "opportunities:settings",
            "Plan questions, competitors and battlecards, win strategies, win/loss reasons, "
            "stage gates and the numbers of the analysis.",
            order=25,
        )
    )
    register_stage_gate(StageGate("opportunities.complete_plan", gates.complete_plan_gate))
    register_handoff_prefill(HandoffPrefill("opportunities.stakeholders", handoff_stakeholders))
    events.subscribe("deal.won", "opportunities.review_won", request_review)
    events.subscribe("deal.lost", "opportunities.review_lost", request_review)
    demo.register()
