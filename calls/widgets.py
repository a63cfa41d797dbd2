"""What call management shows on other pages: the home widget and record panels."""

from django.urls import reverse

from . import selectors


def home_widget(request):
    """Today's calls and what waits for a debrief (and, for a manager, a review)."""
    return selectors.home_figures(user=request.user)


def _panel(request, obj, param):
    calls = selectors.calls_about(user=request.user, obj=obj)
    return {
        "calls": calls,
        "record": obj,
        "plan_url": f"{reverse('calls:call_plan')}?{param}={obj.pk}",
    }


def contact_panel(request, contact):
    return _panel(request, contact, "contact")


def account_panel(request, account):
    return _panel(request, account, "account")


def deal_panel(request, deal):
    return _panel(request, deal, "deal")


def lead_panel(request, lead):
    return _panel(request, lead, "lead")
