"""A discount above the admin's threshold needs the manager's approval before sending."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from automation.quotes import services
from automation.quotes.models import Quote
from salesproc.models import Event, Notification

from .conftest import reload


@pytest.fixture
def discounted(rep, quote):
    return services.quote_update(actor=rep, quote=quote, data={"discount_percent": Decimal("20")})


def test_a_discount_within_the_threshold_needs_no_approval(rep, quote):
    services.quote_update(actor=rep, quote=quote, data={"discount_percent": Decimal("10")})
    assert services.approval_state(reload(quote)) == ""
    with pytest.raises(ValidationError):
        services.quote_request_approval(actor=rep, quote=quote)
    services.quote_send(actor=rep, quote=quote)
    assert reload(quote).status == Quote.Status.SENT


def test_a_large_discount_cannot_be_sent_without_approval(rep, discounted):
    assert services.approval_state(discounted) == "needed"
    with pytest.raises(ValidationError) as caught:
        services.quote_send(actor=rep, quote=discounted)
    assert "approve" in caught.value.messages[0]
    assert reload(discounted).status == Quote.Status.DRAFT


def test_request_then_approve_then_send(rep, manager, discounted):
    services.quote_request_approval(actor=rep, quote=discounted, note="Strategic logo")
    assert reload(discounted).approval == Quote.Approval.PENDING
    assert Notification.objects.filter(recipient=manager, text__contains="approve").count() == 1
    with pytest.raises(ValidationError):
        services.quote_send(actor=rep, quote=discounted)
    services.quote_approve(actor=manager, quote=discounted, note="OK this once")
    quote = reload(discounted)
    assert (quote.approval, quote.approval_by, quote.approval_note) == (
        Quote.Approval.APPROVED,
        manager,
        "OK this once",
    )
    assert Notification.objects.filter(recipient=rep, text__contains="approved").count() == 1
    services.quote_send(actor=rep, quote=quote)
    assert reload(quote).status == Quote.Status.SENT
    names = list(Event.objects.filter(object_id=quote.pk).values_list("name", flat=True))
    assert {"quote.approval_requested", "quote.approved", "quote.sent"} <= set(names)


def test_reject_needs_a_note_and_the_rep_can_ask_again_after_changing(rep, manager, discounted):
    services.quote_request_approval(actor=rep, quote=discounted)
    with pytest.raises(ValidationError) as caught:
        services.quote_reject(actor=manager, quote=discounted, note="")
    assert "note" in caught.value.error_dict
    services.quote_reject(actor=manager, quote=discounted, note="Keep it under 15%")
    quote = reload(discounted)
    assert (quote.approval, quote.approval_note) == (Quote.Approval.REJECTED, "Keep it under 15%")
    assert Notification.objects.filter(recipient=rep, text__contains="under 15%").exists()
    # a changed discount clears the decision
    services.quote_update(actor=rep, quote=quote, data={"discount_percent": Decimal("16")})
    assert services.approval_state(reload(quote)) == "needed"


def test_a_rep_cannot_approve_even_their_own_teams_quote(rep, teammate, manager, discounted):
    services.quote_request_approval(actor=rep, quote=discounted)
    for person in (rep,):
        with pytest.raises(PermissionDenied):
            services.quote_approve(actor=person, quote=discounted)
    assert reload(discounted).approval == Quote.Approval.PENDING


def test_the_other_teams_manager_gets_404(rep, other_manager, discounted):
    from django.http import Http404

    services.quote_request_approval(actor=rep, quote=discounted)
    with pytest.raises(Http404):
        services.quote_approve(actor=other_manager, quote=discounted)
    assert reload(discounted).approval == Quote.Approval.PENDING


def test_an_admin_can_approve(rep, admin, discounted):
    services.quote_request_approval(actor=rep, quote=discounted)
    services.quote_approve(actor=admin, quote=discounted)
    assert reload(discounted).approval == Quote.Approval.APPROVED


def test_approval_threshold_counts_line_discounts_too(rep, quote):
    lines = [
        {
            "description": "Widget",
            "quantity": 1,
            "unit_price": Decimal("100"),
            "discount_percent": Decimal("30"),
        }
    ]
    services.quote_update(actor=rep, quote=quote, data={}, lines=lines)
    assert services.approval_state(reload(quote)) == "needed"


def test_an_approval_covers_a_smaller_discount_but_not_a_larger_one(rep, manager, discounted):
    services.quote_request_approval(actor=rep, quote=discounted)
    services.quote_approve(actor=manager, quote=discounted)
    services.quote_update(actor=rep, quote=discounted, data={"discount_percent": Decimal("18")})
    assert reload(discounted).approval == Quote.Approval.APPROVED
    services.quote_update(actor=rep, quote=discounted, data={"discount_percent": Decimal("25")})
    assert services.approval_state(reload(discounted)) == "needed"
    with pytest.raises(ValidationError):
        services.quote_send(actor=rep, quote=discounted)
