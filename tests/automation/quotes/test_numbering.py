"""Quote numbers: Q-<year>-0001, sequential per year, no gaps, also under concurrency."""

import threading

import pytest
from django.db import connection, transaction

from automation.quotes import services
from automation.quotes.models import Quote, QuoteCounter
from tests.factories import DealFactory


def test_it_numbers_quotes_in_sequence_per_year(rep, deal):
    first = services.quote_create(actor=rep, deal=deal)
    second = services.quote_create(actor=rep, deal=deal)
    year = first.created_at.year
    assert (first.number, second.number) == (f"Q-{year}-0001", f"Q-{year}-0002")
    with transaction.atomic():
        assert services.next_quote_number(year=2031) == "Q-2031-0001"
    assert QuoteCounter.objects.get(year=year).last == 2


def test_it_gives_a_number_back_when_the_quote_is_not_saved(rep, deal):
    # Given a quote creation that fails after taking a number
    with pytest.raises(RuntimeError), transaction.atomic():
        services.quote_create(actor=rep, deal=deal)
        raise RuntimeError("rolled back")
    # Then the next quote gets that number: no gap
    quote = services.quote_create(actor=rep, deal=deal)
    assert quote.number.endswith("-0001")


def test_it_refuses_to_number_outside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError):
        services.next_quote_number()


def test_a_revision_keeps_the_number(rep, sent_quote):
    new = services.quote_revise(actor=rep, quote=sent_quote)
    assert (new.number, new.version) == (sent_quote.number, 2)
    assert QuoteCounter.objects.get().last == 1


@pytest.mark.django_db(transaction=True)
def test_twelve_reps_creating_quotes_at_once_get_twelve_consecutive_numbers(rep, pipeline, company):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    deals = [DealFactory(owner=rep, pipeline=pipeline) for _ in range(12)]
    barrier = threading.Barrier(12)
    errors = []

    def create(deal):
        try:
            barrier.wait(timeout=10)
            services.quote_create(actor=rep, deal=deal)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(deal,)) for deal in deals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(Quote.objects.values_list("number", flat=True))
    year = Quote.objects.first().created_at.year
    assert numbers == [f"Q-{year}-{n:04d}" for n in range(1, 13)]
