"""Demo quotes: the company settings filled in, two terms templates, and quotes on a
dozen open deals of the North and Key Accounts reps in every status (draft, awaiting
approval, approved, sent, accepted, declined, expired, and a revised one).

Idempotent: settings are filled only when empty, templates matched by name, and the
quotes are made once (a second run finds them and leaves them alone).
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salesproc.models import User
from salesproc.registry import DemoSeeder, register_demo

TERMS = [
    (
        "Standard terms",
        "Prices exclude travel. Payment within 30 days of invoice. Licences run for 12 "
        "months from the start date and renew unless cancelled 60 days before the end. "
        "Our general terms of business apply.",
        True,
    ),
    (
        "Enterprise terms",
        "Payment within 45 days of invoice. Annual licences, invoiced yearly in advance. "
        "Service levels as in the enterprise support schedule. Liability is capped at the "
        "fees of the last 12 months.",
        False,
    ),
]
# What happens to the quote on each demo deal, in order.
PLAN = [
    "draft",
    "draft",
    "pending",
    "approved",
    "sent",
    "sent",
    "accepted",
    "accepted",
    "declined",
    "expired",
    "expired",
    "revised",
]


def _settings(stdout):
    from .services import company_settings

    row = company_settings()
    if not row.name:
        row.name = "Northwind Software Ltd"
        row.address = "12 Harbour Street\nBristol BS1 4RN\nUnited Kingdom"
        row.email = "sales@northwind.example"
        row.phone = "+44 117 496 0000"
        row.save()
    from .models import TermsTemplate

    for name, body, is_default in TERMS:
        TermsTemplate.objects.get_or_create(
            name=name, defaults={"body": body, "is_default": is_default}
        )


def _deals():
    from deals.models import Deal

    reps = list(User.objects.filter(username__in=["rep1", "rep2", "rep3"]).order_by("username"))
    picked = []
    for rep in reps:
        picked += list(
            Deal.objects.filter(owner=rep, status=Deal.Status.OPEN, line_items__isnull=False)
            .distinct()
            .select_related("owner", "primary_contact")
            .order_by("id")[: len(PLAN) // len(reps) + 1]
        )
    return picked[: len(PLAN)]


def seed_quotes(*, stdout=None):
    from . import services
    from .models import Quote

    _settings(stdout)
    if Quote.objects.exists():
        return
    deals = _deals()
    if not deals:
        return
    manager_of = {
        user.team_id: user
        for user in User.objects.filter(username__in=["manager1", "manager2"])
        if user.team_id
    }
    today = timezone.localdate()
    with transaction.atomic():
        for deal, fate in zip(deals, PLAN, strict=False):
            rep = deal.owner
            to = deal.primary_contact.email if deal.primary_contact else ""
            if not to or not to.isascii():
                to = "buyer@customer.example"
            quote = services.quote_create(actor=rep, deal=deal)
            if fate in ("pending", "approved"):
                quote = services.quote_update(
                    actor=rep, quote=quote, data={"discount_percent": Decimal("22")}
                )
                quote = services.quote_request_approval(
                    actor=rep, quote=quote, note="Competitive bid: they have a lower offer."
                )
                if fate == "approved":
                    approver = (
                        manager_of.get(rep.team_id) or User.objects.filter(username="admin").first()
                    )
                    quote = services.quote_approve(
                        actor=approver, quote=quote, note="Fine for a 3-year commitment."
                    )
                continue
            if fate == "draft":
                continue
            quote = services.quote_send(actor=rep, quote=quote, to=to)
            # demo customers are not real: claim the email so the task sends none
            Quote.objects.filter(pk=quote.pk).update(emailed_at=timezone.now())
            if fate == "accepted":
                services.quote_accept(
                    token=quote.token, name="Jordan Buyer", agreed=True, ip="203.0.113.10"
                )
            elif fate == "declined":
                services.quote_decline(
                    token=quote.token, reason="We went with a cheaper offer.", ip="203.0.113.11"
                )
            elif fate == "expired":
                Quote.objects.filter(pk=quote.pk).update(valid_until=today - timedelta(days=3))
            elif fate == "revised":
                services.quote_revise(actor=rep, quote=quote)
        services.quotes_expire_due(today=today)
    if stdout:
        stdout.write(f"  quotes: {Quote.objects.count()} on {len(deals)} deals\n")


def register():
    register_demo(DemoSeeder("automation.quotes", seed_quotes, order=80))
