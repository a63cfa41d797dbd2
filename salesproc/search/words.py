"""The typo dictionary: the distinct words of every searched record, trigram-indexed.

A typed word that matches nothing ("aspn") is looked up here first; the few dictionary
words that look like it ("aspen") then go through the search vectors' GIN indexes like
any word. The dictionary is rebuilt from the stored vectors (every table that has a
`search_vector`, see salesproc.search.migration_ops) by a periodic task and after the
demo seed: a name saved since the last rebuild is found at once by its words and
prefixes, and by its typos after the next rebuild. PostgreSQL only; an empty
dictionary (SQLite, or before the first rebuild) leaves the similarity scan in place.
"""

import re
from contextvars import ContextVar

from django.db import connection, transaction

from .models import SearchWord

MIN_WORD = 3
MAX_WORD = 100
ALTERNATIVES = 3  # dictionary words tried for one typed word
LOCK_KEY = 7_304_119  # pg advisory lock of the rebuild
_cache = ContextVar("search_word_corrections", default=None)  # {word: [words]} per search


def searched_tables(cursor):
    cursor.execute(
        "SELECT table_name FROM information_schema.columns"
        " WHERE column_name = 'search_vector' AND table_schema = current_schema()"
        " ORDER BY table_name"
    )
    return [row[0] for row in cursor.fetchall()]


def refresh_words():
    """Rebuild the dictionary from the stored vectors; the number of words (0 off
    PostgreSQL). Idempotent: the same records give the same dictionary. Words with a
    digit or an @ (numbers, emails, codes: one per record, nobody misspells them) are
    left out, so the dictionary stays at the size of the vocabulary, not of the data."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        # One rebuild at a time; one that finds another running leaves it to finish.
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            return SearchWord.objects.count()
        tables = searched_tables(cursor)
        cursor.execute("DELETE FROM salesproc_searchword")
        for table in tables:
            vectors = f"SELECT search_vector FROM {connection.ops.quote_name(table)}"
            cursor.execute(
                "INSERT INTO salesproc_searchword (word) SELECT word FROM ts_stat(%s)"
                " WHERE length(word) BETWEEN %s AND %s AND word !~ '[0-9@]'"
                " ON CONFLICT DO NOTHING",
                [vectors, MIN_WORD, MAX_WORD],
            )
        cursor.execute("SELECT count(*) FROM salesproc_searchword")
        return cursor.fetchone()[0]


def _similar(cursor, word):
    cursor.execute(
        "SELECT word FROM salesproc_searchword WHERE word %% %s"
        " ORDER BY similarity(word, %s) DESC, word LIMIT %s",
        [word, word, ALTERNATIVES],
    )
    return [row[0] for row in cursor.fetchall()]


def _term(word, prefix=False):
    word = re.sub(r"[^\w@.+-]", "", word).strip(".-+")
    return ("'" + word + "'" + (":*" if prefix else "")) if word else ""


def corrected_tsquery(words):
    """A tsquery of the typed words, each OR'd with the dictionary words like it
    ("aspn robotcs" -> ('aspn':* | 'aspen') & ('robotcs':* | 'robotics')), or None when
    the dictionary is empty or knows nothing like any of them (the caller scans)."""
    if connection.vendor != "postgresql" or not words:
        return None
    cache = _cache.get()
    with connection.cursor() as cursor:
        if cache is not None and "" in cache:
            filled = cache[""]
        else:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM salesproc_searchword)")
            filled = cursor.fetchone()[0]
            if cache is not None:
                cache[""] = filled
        if not filled:
            return None
        parts, corrected = [], False
        for word in words:
            if len(word) < MIN_WORD:
                similar = []
            elif cache is not None and word in cache:
                similar = cache[word]
            else:
                similar = _similar(cursor, word[:MAX_WORD])
                if cache is not None:
                    cache[word] = similar
            corrected = corrected or bool(similar)
            terms = [t for t in [_term(word, prefix=True), *map(_term, similar)] if t]
            if terms:
                parts.append("(" + " | ".join(dict.fromkeys(terms)) + ")")
    return " & ".join(parts) if corrected and parts else None


class corrections_cache:
    """Within one grouped search, every type shares the dictionary's answers."""

    def __enter__(self):
        self._token = _cache.set({})

    def __exit__(self, *exc):
        _cache.reset(self._token)
