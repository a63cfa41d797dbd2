from django.core.exceptions import PermissionDenied, ValidationError

from automation.quotes.models import CompanySettings, Quote
from salesproc.access import get_visible_or_404


def company_settings() -> CompanySettings:
    """The one settings row (created with the defaults on first use)."""
    row = CompanySettings.objects.order_by("pk").first()
    if row is None:
        row = CompanySettings.objects.create()
    return row


def lock_quote(*, actor, quote) -> Quote:
    """The quote again, its row locked, if the actor still sees it (404 otherwise)."""
    return get_visible_or_404(Quote.objects.all(), actor, quote.pk, for_write=True)


def require_editable(quote):
    if not quote.is_latest:
        raise ValidationError(f"{quote.label} was replaced by a newer version and is read-only.")
    if quote.status != Quote.Status.DRAFT:
        raise ValidationError(
            f"{quote.label} is {quote.get_status_display().lower()}: only a draft can be "
            "changed. Revise it to make a new version."
        )


def can_approve(user, quote) -> bool:
    """The deal owner's team manager, or an admin."""
    if user.is_crm_admin:
        return True
    owner = quote.deal.owner
    return bool(owner.team_id and owner.team_id in user.managed_team_ids)


def require_approver(user, quote):
    if not can_approve(user, quote):
        raise PermissionDenied("Only the deal owner's manager or an admin can decide this.")
