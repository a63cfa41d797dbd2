"""Navigation, widgets, panels and demo data of leads and qualification."""

from salesproc.registry import (
    NavItem,
    Panel,
    SettingsLink,
    Widget,
    register_nav,
    register_panel,
    register_settings_link,
    register_widget,
)

from . import demo, selectors
from .models import Lead


def my_leads_widget(request):
    """Home: the leads still to qualify (a rep's own, a manager's team's), and the five
    most likely to convert."""
    return selectors.home_figures(user=request.user)


def converted_leads_panel(field):
    def context(request, obj):
        leads = list(selectors.converted_leads_for(user=request.user, **{field: obj})[:20])
        return {"leads": leads} if leads else None

    return context


def source_lead_panel(request, deal):
    if not deal.source_lead_id:
        return None
    lead = Lead.objects.visible_to(request.user).filter(pk=deal.source_lead_id).first()
    return {"lead": lead} if lead else None


def register():
    register_nav(
        NavItem(
            "Leads",
            "leads:lead_list",
            process="leads",
            order=15,
            active_prefix="/leads/",
            shortcut="l",
        )
    )
    register_widget(
        Widget(
            "leads.to_work",
            "leads/_widget_leads.html",
            my_leads_widget,
            process="leads",
            order=20,
            cache_seconds=60,  # counts over every visible lead
            invalidated_by=("lead.*",),
        )
    )
    register_settings_link(
        SettingsLink(
            "Qualification criteria",
            "leads:criteria",
            "The first-call questions, their weights and must-haves, thresholds, "
            "disqualification reasons; BANT and MEDDICC sets.",
            order=30,
        )
    )
    register_panel(
        Panel(
            "accounts.account",
            "leads.converted",
            "leads/_panel_converted_leads.html",
            converted_leads_panel("converted_account"),
            process="leads",
            order=40,
        )
    )
    register_panel(
        Panel(
            "accounts.contact",
            "leads.converted",
            "leads/_panel_converted_leads.html",
            converted_leads_panel("converted_contact"),
            process="leads",
            order=40,
        )
    )
    register_panel(
        Panel(
            "deals.deal",
            "leads.source",
            "leads/_panel_source_lead.html",
            source_lead_panel,
            process="leads",
            order=20,
        )
    )
    demo.register()
