"""A quote in a real browser: rep Alice makes a quote from her deal, sends it, and the
customer accepts it through the public link, without logging in."""

import re
from decimal import Decimal

from django.core import mail
from playwright.sync_api import expect

from automation.quotes import services
from automation.quotes.models import Quote
from deals.services import line_item_add
from salesproc.models import Event
from tests.factories import ContactFactory, DealFactory, PipelineFactory, ProductFactory


def test_a_rep_sends_a_quote_and_the_customer_accepts_it(
    page, new_page, live_server, login, rep, admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    services.company_settings_update(
        actor=admin, data={"name": "Acme Widgets Ltd", "address": "1 Market Street"}
    )
    deal = DealFactory(owner=rep, pipeline=PipelineFactory(), name="Acme rollout")
    deal.primary_contact = ContactFactory(owner=rep, account=deal.account, email="pat@cust.test")
    deal.save(update_fields=["primary_contact"])
    line_item_add(
        actor=rep,
        deal=deal,
        product=ProductFactory(name="Widget licence", unit_price=120),
        quantity=Decimal("10"),
    )

    # Alice starts a quote from the deal page and edits a line
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}/deals/{deal.pk}/")
    quotes = page.locator("#quotes")
    quotes.get_by_role("button", name="New quote").click()
    expect(page.get_by_role("heading", name=re.compile("Edit quote Q-"))).to_be_visible()
    page.get_by_label("Quantity").first.fill("12")
    page.get_by_label("Cover letter").fill("Thank you for your time last week.")
    page.get_by_role("button", name="Save quote").click()
    expect(page.get_by_text("1,728.00 EUR").first).to_be_visible()  # 12 x 120 + 20% tax

    # ... and sends it
    page.get_by_role("link", name="Send…").click()
    expect(page.get_by_label("Send to")).to_have_value("pat@cust.test")
    page.get_by_role("button", name="Send quote").click()
    expect(page.get_by_text("sent to pat@cust.test").first).to_be_visible()
    quote = Quote.objects.get()
    assert quote.status == "sent"
    [email] = mail.outbox
    link = re.search(r"https?://\S+/automation/quotes/p/\S+/", email.body).group(0)
    public_path = link[link.index("/automation/") :]

    # The customer opens the link without logging in: only the quote, no CRM
    customer = new_page(width=390, height=844)
    customer.goto(live_server.url + public_path)
    expect(customer.get_by_role("heading", name=re.compile(quote.number))).to_be_visible()
    expect(customer.get_by_text("Widget licence")).to_be_visible()
    assert customer.locator("nav, .topbar").count() == 0
    customer.get_by_label("Your full name").fill("Pat Buyer")
    customer.get_by_label("I accept this quote").check()
    customer.get_by_role("button", name="Accept quote").click()
    expect(customer.get_by_text("Accepted — thank you")).to_be_visible()
    expect(customer.get_by_role("button", name="Accept quote")).to_have_count(0)

    # Alice sees the acceptance on the quote
    page.goto(f"{live_server.url}/automation/quotes/{quote.pk}/")
    expect(page.get_by_text("Pat Buyer", exact=True)).to_be_visible()
    quote.refresh_from_db()
    assert (quote.status, quote.accepted_name, quote.decided_ip) == (
        "accepted",
        "Pat Buyer",
        "127.0.0.1",
    )
    assert Event.objects.filter(name="quote.accepted", object_id=quote.pk).count() == 1
