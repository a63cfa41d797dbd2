"""The typo dictionary of the global search: rebuilt from the stored vectors by a task,
a typo looked up among its words (PostgreSQL), visibility unchanged, SQLite unaffected."""

import pytest
from django.db import connection

from salesproc.models import SearchWord
from salesproc.search import search_all
from salesproc.search.tasks import refresh_search_words_task
from salesproc.search.words import corrected_tsquery, refresh_words
from tests.factories import AccountFactory, ContactFactory

from .test_search import records, titles  # noqa: F401  (the two teams' records)

pytestmark = pytest.mark.django_db


def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the dictionary's trigram look-up is PostgreSQL's; SQLite keeps none")


def test_the_task_builds_the_dictionary_from_every_searched_table(rep, records):  # noqa: F811
    postgres_only()
    AccountFactory(name="Zephyrine 4711 AB", owner=rep)
    ContactFactory(first_name="Ute", last_name="Brandt", email="ute.brandt@zephyr.test", owner=rep)
    count = refresh_search_words_task.delay().get()
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert count == len(words)
    assert {"aspen", "robotics", "aspenwall", "zephyrine", "discovery"} <= words
    assert "4711" not in words and "ab" not in words  # numbers and short words left out
    assert not any("@" in word for word in words)  # emails are one per record: no typo help
    assert refresh_words() == count  # rebuilt, not added to


def test_a_typo_is_looked_up_among_the_words(rep, records):  # noqa: F811
    postgres_only()
    refresh_words()
    assert corrected_tsquery(["aspn", "robotcs"]) == (
        "('aspn':* | 'aspen') & ('robotcs':* | 'robotics')"
    )
    assert ("account", "Aspen Robotics") in titles(rep, "Aspn Robotcs")
    assert ("contact", "Nora Aspenwall") in titles(rep, "nora aspnwall")


def test_a_typo_finds_no_record_of_another_team(rep, other_rep, records):  # noqa: F811
    postgres_only()
    refresh_words()
    found = titles(rep, "Aspn Retal")
    assert ("account", "Aspen Retail") not in found
    assert ("account", "Aspen Retail") in titles(other_rep, "Aspn Retal")
    assert ("contact", "Otto Aspenhill") not in titles(rep, "otto aspnhill")


def test_a_typo_costs_a_bounded_number_of_queries(rep, records, django_assert_max_num_queries):  # noqa: F811
    postgres_only()
    refresh_words()
    # the exact pass (one per type), the dictionary (once per word), the typo pass per type
    with django_assert_max_num_queries(16):
        assert search_all(user=rep, query="Aspn Robotcs")


def test_an_empty_dictionary_falls_back_on_the_name_scan(rep, records):  # noqa: F811
    postgres_only()
    assert not SearchWord.objects.exists()
    assert corrected_tsquery(["aspn"]) is None
    assert ("account", "Aspen Robotics") in titles(rep, "Aspn Robotcs")


def test_a_word_saved_after_the_rebuild_is_found_by_its_words_at_once(rep, records):  # noqa: F811
    postgres_only()
    refresh_words()
    ContactFactory(first_name="Quirin", last_name="Falkenrath", owner=rep)
    assert ("contact", "Quirin Falkenrath") in titles(rep, "falkenr")
    refresh_words()
    assert ("contact", "Quirin Falkenrath") in titles(rep, "Falkenrat Quirn")


@pytest.mark.parametrize("query", ["asp'n) | !robot", "::*&|", "a" * 300, "ääspn"])
def test_odd_typed_text_is_no_error(rep, records, query):  # noqa: F811
    refresh_words()
    assert isinstance(search_all(user=rep, query=query), list)


def test_search_works_with_or_without_a_dictionary(rep, records):  # noqa: F811
    built = refresh_words()
    assert (built > 0) if connection.vendor == "postgresql" else (built == 0)
    assert ("account", "Aspen Robotics") in titles(rep, "robotics")
