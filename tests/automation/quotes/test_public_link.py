"""The customer's public link: no login, one quote only, one decision, expiry, rate limit."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from automation.quotes import services
from automation.quotes.models import Quote
from salesproc.models import Event, EventReference, Notification

from .conftest import reload


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def url(quote):
    return reverse("automation:quotes:public_quote", args=[quote.token])


def test_the_customer_sees_the_quote_without_logging_in(client, sent_quote):
    response = client.get(url(sent_quote))
    assert response.status_code == 200
    html = response.content.decode()
    assert sent_quote.number in html and "Widget licence" in html and "1,601.96" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_page_links_to_nothing_of_the_crm(client, sent_quote, other_deal, other_rep):
    other = services.quote_create(actor=other_rep, deal=other_deal)
    html = client.get(url(sent_quote)).content.decode()
    links = set(re.findall(r'(?:href|action|src)="([^"]*)"', html))
    own = url(sent_quote)
    assert {link for link in links if not link.startswith("/static/")} <= {own + "pdf/", ""}
    # no navigation, no other record, no ids of anything
    for leaked in ("topbar", "/deals/", "/accounts/", other.number, "Southern deal", "nav"):
        assert leaked not in html
    assert 'name="quote' not in html and 'name="deal' not in html


def test_the_token_reaches_only_its_own_quote(client, sent_quote, other_rep, other_deal, rep):
    # Given another quote, sent too
    other = services.quote_create(actor=other_rep, deal=other_deal)
    other = services.quote_send(actor=other_rep, quote=other)
    # A token answers for its quote only; ids in the form change nothing
    client.post(
        url(sent_quote),
        {"action": "accept", "name": "Pat Buyer", "agree": "on", "quote": other.pk},
    )
    assert reload(other).status == Quote.Status.SENT
    assert reload(sent_quote).status == Quote.Status.ACCEPTED
    # Guessed and shortened tokens answer 404
    for token in ("x" * 43, sent_quote.token[:-1], "../" + str(other.pk)):
        assert client.get(f"/automation/quotes/p/{token}/").status_code == 404
    # App pages still need a login
    for path in (
        reverse("automation:quotes:quote_detail", args=[sent_quote.pk]),
        reverse("automation:quotes:quote_pdf", args=[other.pk]),
        reverse("automation:quotes:quote_list"),
        sent_quote.deal.get_absolute_url(),
        "/api/v1/quotes/",
    ):
        response = client.get(path)
        assert response.status_code in (302, 401, 403), path
        if response.status_code == 302:
            assert response["Location"].startswith("/login/")


def test_accepting_records_name_time_and_address_and_the_event(client, sent_quote):
    response = client.post(
        url(sent_quote),
        {"action": "accept", "name": "Pat Buyer", "agree": "on"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 200
    assert "Accepted" in response.content.decode()
    quote = reload(sent_quote)
    assert (quote.status, quote.accepted_name, quote.decided_ip) == (
        Quote.Status.ACCEPTED,
        "Pat Buyer",
        "203.0.113.9",
    )
    assert abs(quote.decided_at - timezone.now()) < timedelta(minutes=1)
    [event] = Event.objects.filter(name="quote.accepted")
    assert event.object_id == quote.pk and event.actor is None
    assert event.data == {"deal_id": quote.deal_id, "quote_id": quote.pk, "number": quote.number}
    assert EventReference.objects.filter(event=event, object_id=quote.deal_id).exists()
    assert Notification.objects.filter(recipient=quote.deal.owner, text__contains="accepted")


def test_it_accepts_only_once(client, sent_quote):
    client.post(url(sent_quote), {"action": "accept", "name": "Pat Buyer", "agree": "on"})
    response = client.post(url(sent_quote), {"action": "decline", "reason": "changed my mind"})
    assert response.status_code == 409
    again = client.post(url(sent_quote), {"action": "accept", "name": "Eve Other", "agree": "on"})
    assert again.status_code == 409
    quote = reload(sent_quote)
    assert (quote.status, quote.accepted_name, quote.decline_reason) == (
        Quote.Status.ACCEPTED,
        "Pat Buyer",
        "",
    )
    assert Event.objects.filter(name="quote.accepted").count() == 1


def test_accepting_needs_the_name_and_the_box(client, sent_quote):
    response = client.post(url(sent_quote), {"action": "accept", "name": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required" in html
    response = client.post(url(sent_quote), {"action": "decline", "reason": ""})
    assert response.status_code == 400
    assert reload(sent_quote).status == Quote.Status.SENT


def test_declining_records_the_reason(client, sent_quote):
    client.post(url(sent_quote), {"action": "decline", "reason": "Over our budget"})
    quote = reload(sent_quote)
    assert (quote.status, quote.decline_reason) == (Quote.Status.DECLINED, "Over our budget")
    assert Event.objects.filter(name="quote.declined", object_id=quote.pk).count() == 1


def test_an_expired_link_is_refused(client, sent_quote):
    Quote.objects.filter(pk=sent_quote.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    response = client.get(url(sent_quote))
    assert response.status_code == 410 and "expired" in response.content.decode()
    response = client.post(url(sent_quote), {"action": "accept", "name": "Pat", "agree": "on"})
    assert response.status_code == 410
    assert reload(sent_quote).status == Quote.Status.SENT
    pdf = client.get(url(sent_quote) + "pdf/")
    assert pdf.status_code == 410
    # And the daily task expires it, once
    assert services.quotes_expire_due() == 1
    assert services.quotes_expire_due() == 0
    assert reload(sent_quote).status == Quote.Status.EXPIRED
    assert client.get(url(sent_quote)).status_code == 410


def test_a_draft_has_no_link(client, quote):
    assert quote.token is None
    assert client.get("/automation/quotes/p/None/").status_code == 404


def test_the_pdf_is_there_for_the_customer(client, sent_quote):
    response = client.get(url(sent_quote) + "pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_link_is_rate_limited(client, sent_quote, settings):
    settings.QUOTE_LINK_RATE = "5/min"
    codes = [client.get(url(sent_quote)).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429, 429]
    response = client.get(url(sent_quote))
    assert int(response["Retry-After"]) > 0
    # another address is not limited
    assert client.get(url(sent_quote), REMOTE_ADDR="198.51.100.7").status_code == 200


def test_the_public_page_runs_a_bounded_number_of_queries(
    client, rep, sent_quote, django_assert_max_num_queries
):
    from automation.quotes.models import QuoteLine

    QuoteLine.objects.bulk_create(
        QuoteLine(quote=sent_quote, description=f"Line {n}", quantity=1, unit_price=0, total=0)
        for n in range(200)
    )
    with django_assert_max_num_queries(4):
        assert client.get(url(sent_quote)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_make_one(rep, pipeline, company):
    import threading

    from django.db import connection

    from .conftest import _deal_with_lines

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    deal = _deal_with_lines(rep, pipeline, "Race")
    quote = services.quote_send(actor=rep, quote=services.quote_create(actor=rep, deal=deal))
    barrier = threading.Barrier(6)
    outcomes = []

    def accept(n):
        try:
            barrier.wait(timeout=10)
            services.quote_accept(token=quote.token, name=f"Buyer {n}", agreed=True, ip=None)
            outcomes.append("accepted")
        except Exception as exc:  # the refusals, surfaced below
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ValidationError"] * 5 + ["accepted"]
    assert Event.objects.filter(name="quote.accepted").count() == 1


def test_the_daily_task_expires_through_celery(sent_quote):
    from automation.quotes.tasks import expire_quotes_task

    Quote.objects.filter(pk=sent_quote.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert expire_quotes_task.delay().get() == 1
    assert reload(sent_quote).status == Quote.Status.EXPIRED
    assert Event.objects.filter(name="quote.expired", object_id=sent_quote.pk).count() == 1
