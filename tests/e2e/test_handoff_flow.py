"""The handoff in a real browser: rep1 wins a deal on an account rep4 manages, writes the
debrief and submits it; rep4 asks a question in the thread and accepts the account."""

from playwright.sync_api import expect

from accounts.handoffs.models import Handoff
from accounts.models import Account
from tests.factories import AccountFactory, DealFactory, UserFactory


def test_the_rep_hands_a_won_account_to_its_account_manager(
    page, new_page, live_server, login, rep, roles, north
):
    rep4 = UserFactory(
        username="rep4", first_name="Robert", role=roles["account-manager"], team=north
    )
    account = AccountFactory(owner=rep, account_manager=rep4, name="Acme Freight")
    deal = DealFactory(owner=rep, account=account, name="Acme seats", amount=40000)

    # rep1 wins the deal
    login(page, live_server, rep.username)
    page.goto(f"{live_server.url}/deals/{deal.pk}/win/")
    page.get_by_role("button", name="Mark as won").click()
    expect(page.get_by_text("Acme seats").first).to_be_visible()
    handoff = Handoff.objects.get()
    assert (handoff.from_user, handoff.to_user) == (rep, rep4)

    # ... and writes the debrief
    page.goto(f"{live_server.url}/accounts/handoffs/{handoff.pk}/")
    page.get_by_label("What was sold").fill("40 seats and onboarding")
    page.get_by_label("Why the customer bought").fill("Month-end reporting in a day")
    page.get_by_label("The customer's expectations and success criteria").fill("Live in May")
    page.get_by_label("Next steps").fill("Kick-off with their COO")
    page.get_by_role("button", name="Save the debrief").click()
    expect(page.get_by_text("Debrief saved.")).to_be_visible()
    page.get_by_role("button", name="Submit the debrief").click()
    expect(page.get_by_text("Debrief submitted to the account manager.")).to_be_visible()

    # rep4 asks a question and accepts
    other = new_page()
    login(other, live_server, rep4.username)
    other.goto(f"{live_server.url}/accounts/handoffs/{handoff.pk}/")
    expect(other.get_by_text("40 seats and onboarding")).to_be_visible()
    other.get_by_label("Ask or answer").fill("Who signs the renewal?")
    other.get_by_role("button", name="Comment").click()
    expect(other.get_by_text("Who signs the renewal?")).to_be_visible()
    other.get_by_role("button", name="Accept the account").click()
    expect(other.get_by_text("You are now the account manager of Acme Freight.")).to_be_visible()
    handoff.refresh_from_db()
    account = Account.objects.get(pk=account.pk)
    assert handoff.status == "accepted"
    assert (account.account_manager, account.is_managed, account.status) == (
        rep4,
        True,
        "customer",
    )
