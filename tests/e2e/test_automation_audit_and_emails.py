"""In the browser: quick entry from any page, the timer across a reload, and a template
previewed, copied and sent from a deal."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from automation.audit import services as audit_services
from automation.audit.demo import ensure_default_categories
from automation.audit.models import TimeEntry
from automation.emails.models import EmailTemplate
from tests.factories import ContactFactory, DealFactory


def test_a_rep_logs_time_from_any_page_and_the_timer_survives_a_reload(
    page, live_server, login, rep, manager, north
):
    ensure_default_categories()  # a transactional test before this one flushed the migration's rows
    audit = audit_services.audit_open(
        actor=manager,
        name="North week",
        starts_on=timezone.localdate() - timedelta(days=1),
        teams=[north],
    )
    login(page, live_server, rep.username)
    page.goto(live_server.url + "/deals/")
    page.locator(".topbar-right").get_by_role("link", name="Log time").click()
    dialog = page.locator("#app-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Category").select_option(label="Writing emails")
    dialog.get_by_label("Minutes").fill("35")
    dialog.get_by_role("button", name="Log").click()
    expect(page.get_by_text("Time logged.")).to_be_visible()
    assert page.url.endswith("/deals/")
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.minutes, entry.audit) == (rep, 35, audit)

    page.goto(f"{live_server.url}/automation/audit/{audit.pk}/")
    page.locator(".timer-card select").select_option(label="Building reports")
    page.locator(".timer-card").get_by_role("button", name="Start").click()
    expect(page.get_by_text("Timer running:")).to_be_visible()  # the start has landed
    page.reload()
    expect(page.get_by_text("Timer running:")).to_be_visible()
    page.get_by_role("button", name="Stop and log").click()
    expect(page.get_by_text("Logged 1 min of Building reports.")).to_be_visible()
    assert TimeEntry.objects.count() == 2


def test_a_rep_previews_copies_and_sends_a_template_from_a_deal(
    page, live_server, login, rep, manager
):
    contact = ContactFactory(owner=rep, first_name="Dana", email="dana@example.test")
    deal = DealFactory(
        owner=rep, name="Acme rollout", primary_contact=contact, account=contact.account
    )
    template = EmailTemplate.objects.create(
        name="Check-in",
        subject="About {{ deal.name }}",
        body="Hi {{ contact.first_name }}",
        shared=True,
        owner=manager,
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    login(page, live_server, rep.username)
    page.goto(live_server.url + deal.get_absolute_url())
    panel = page.locator("#email-templates")
    panel.get_by_label("Template").select_option(label="Check-in")
    expect(panel.get_by_label("Subject")).to_have_value("About Acme rollout")
    expect(panel.get_by_label("Body")).to_have_value("Hi Dana")
    panel.get_by_role("button", name="Copy").click()
    expect(panel.get_by_text("Copied to the clipboard.")).to_be_visible()
    assert (
        page.evaluate("navigator.clipboard.readText()") == "Subject: About Acme rollout\n\nHi Dana"
    )
    panel.get_by_label("Body").fill("Hi Dana, see you {{ deal.name }}")
    panel.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Email sent to dana@example.test.")).to_be_visible()
    expect(page.get_by_text("Email sent to dana@example.test: About Acme rollout")).to_be_visible()
    assert mail.outbox[-1].body == "Hi Dana, see you Acme rollout"
    template.refresh_from_db()
    assert template.usage_count == 2
