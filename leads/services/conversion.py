"""Converting a qualified lead into account, contact and deal, in one transaction."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.models import normalise_domain
from accounts.services import account_create, contact_create
from deals.services import deal_create
from leads import selectors
from leads.models import Lead
from salesproc.events import record_event
from salesproc.models import User

from .leads import lock_lead


def _website_url(lead, domain):
    website = (lead.website or "").strip()
    if website and "://" not in website:
        website = "https://" + website
    if website and normalise_domain(website):
        try:
            URLValidator()(website)
            return website
        except ValidationError:
            pass
    return f"https://{domain}" if domain else ""


@transaction.atomic
def lead_convert(
    *,
    actor: User,
    lead: Lead,
    deal_name: str = "",
    amount: Decimal | None = None,
    expected_close_date: date | None = None,
) -> Lead:
    """Turn a qualified lead into account + contact + deal, in one transaction.

    Reuses the account with the lead's domain and the contact with its email, among the
    records the actor can see; when only another team's record matches, refuses (and
    creates nothing) with a message that does not name it. The deal
    starts in the default pipeline's first stage and points back at the lead. Converting
    twice creates nothing and returns the same links.
    """
    lead = lock_lead(lead)
    if lead.status == Lead.Status.CONVERTED:
        return lead
    if lead.status != Lead.Status.QUALIFIED:
        raise ValidationError(
            {
                "status": f"Only a qualified lead can be converted; this one is {lead.get_status_display().lower()}."
            }
        )
    matches = selectors.conversion_matches(lead=lead, user=actor)
    if matches.refusal:
        raise ValidationError(matches.refusal)
    account, contact = matches.account, matches.contact
    created = []
    domain = selectors.lead_domain(lead)
    if account is None:
        account = account_create(
            actor=actor,
            data={
                "name": lead.company_name or lead.full_name,
                "website": _website_url(lead, domain),
                "domain": domain,
                "industry": lead.industry,
                "employee_count": lead.employee_count,
                "country": lead.country,
                "owner": lead.owner,
            },
            allow_duplicate=True,
        )
        created.append("account")
    if contact is None:
        contact = contact_create(
            actor=actor,
            data={
                "account": account,
                "first_name": lead.first_name or "Unknown",
                "last_name": lead.last_name,
                "email": lead.email,
                "phone": lead.phone,
                "job_title": lead.job_title,
                "owner": lead.owner,
            },
            allow_duplicate=True,
        )
        created.append("contact")
    primary = contact if contact.account_id in (None, account.pk) else None
    deal = deal_create(
        actor=actor,
        name=(deal_name or "").strip() or f"{account.name}: new business",
        amount=amount,
        expected_close_date=expected_close_date,
        account=account,
        owner=lead.owner,
        primary_contact=primary,
        contacts=[contact],
        source_lead_id=lead.pk,
    )
    now = timezone.now()
    lead.status = Lead.Status.CONVERTED
    lead.converted_account = account
    lead.converted_contact = contact
    lead.converted_deal = deal
    lead.converted_at = now
    lead.save(
        update_fields=[
            "status",
            "converted_account",
            "converted_contact",
            "converted_deal",
            "converted_at",
            "updated_at",
        ]
    )
    record_event(
        subject=lead,
        name="lead.converted",
        actor=actor,
        summary=f"Converted to {account.name}, {contact.full_name} and deal {deal.name}",
        data={
            "account": account.pk,
            "contact": contact.pk,
            "deal": deal.pk,
            "created": created,
        },
        also=[account, contact, deal],
    )
    return lead
