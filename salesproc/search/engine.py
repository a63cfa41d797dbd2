"""Ranking a visible queryset against a query, on PostgreSQL and on SQLite.

The stored vector is a column the ORM does not know (`search_vector`, added by the
app's migration through `salesproc.search.migration_ops`), kept current by a trigger:
a trigger sees every write (services, bulk_create imports, queryset.update(), raw SQL)
and, unlike a generated column, does not stop later migrations from altering the
columns it reads.
"""

import re
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from salesproc.registry import search_sources_for

from . import words as dictionary

# How search_records treats typos (trigram similarity): AUTO falls back on it when nothing
# matches the words themselves (pickers); search_all first asks every type with OFF, then,
# only when no type found anything, with ONLY (the similarity arm alone), so a query that
# matches somewhere costs no fuzzy scan and a typo costs no second exact pass.
AUTO, OFF, ONLY = "auto", "off", "only"
_fuzzy = ContextVar("search_fuzzy", default=AUTO)

MIN_QUERY = 2
MAX_QUERY = 100
_WORD = re.compile(r"[\w@.+-]+", re.UNICODE)


@dataclass(frozen=True)
class TextIndex:
    """How one table is searched.

    table: its db table; weighted: {"A": [columns], "B": [...]} that make the vector;
    name_sql: the SQL expression a person types, columns written "{t}name" (a trigram
      GIN index covers it: the migration's copy must be the same expression);
    fallback: ORM field names compared with icontains on SQLite.
    """

    table: str
    weighted: dict
    name_sql: str
    fallback: tuple


def clean_query(query):
    return " ".join((query or "").split())[:MAX_QUERY]


def _tsquery(words):
    # Each word as a prefix, all of them required: "acm corp" -> 'acm':* & 'corp':*
    terms = []
    for word in words:
        word = re.sub(r"[^\w@.+-]", "", word).strip(".-+")
        if word:
            terms.append("'" + word.replace("'", "") + "':*")
    return " & ".join(terms)


def search_records(queryset, query, *, index: TextIndex, limit):
    """Up to limit records of queryset (already the user's visible ones) matching
    query, best first; each carries `search_rank`."""
    query = clean_query(query)
    if len(query) < MIN_QUERY:
        return []
    words = _WORD.findall(query.lower())
    if connection.vendor == "postgresql":
        return _postgres(queryset, query, words, index, limit)
    if _fuzzy.get() == ONLY:
        return []  # no similarity on SQLite: the plain pass said all there is
    return list(_fallback(queryset, query, words, index, limit))


CANDIDATES = 100  # per arm: ranking runs over these only, never over every match


def _postgres(queryset, query, words, index, limit):
    """Candidates from each index on its own (the planner keeps to the index when a
    condition stands alone; an OR of them tempts it into a sequential scan), a bounded
    number from each, then ranked: exact name, name prefix, trigram similarity and
    full-text rank. Trigram similarity (typos) is asked only when the others found too
    few."""
    table = connection.ops.quote_name(index.table)
    name = "(" + index.name_sql.format(t=table + ".") + ")"
    tsq = _tsquery(words)
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rank = (
        f"(CASE WHEN lower({name}) = lower(%s) THEN 2 WHEN {name} ILIKE %s THEN 1 ELSE 0 END"
        f" + similarity({name}, %s)"
    )
    rank_params = [query, escaped + "%", query]
    if tsq:
        rank += f" + ts_rank({table}.search_vector, to_tsquery('simple', %s))"
        rank_params.append(tsq)
    rank += ")"
    base = queryset.order_by().extra(select={"search_rank": rank}, select_params=rank_params)

    def arm(where, params):
        return base.extra(where=[where], params=params)[:CANDIDATES]

    substring = arm(f"{name} ILIKE %s", ["%" + escaped + "%"])
    if tsq:
        words_arm = arm(f"{table}.search_vector @@ to_tsquery('simple', %s)", [tsq])
        combined = substring.union(words_arm).order_by("-search_rank", "-pk")
    else:
        combined = base.extra(where=[f"{name} ILIKE %s"], params=["%" + escaped + "%"])
        combined = combined.order_by("-search_rank", "-pk")
    mode = _fuzzy.get()
    results = [] if mode == ONLY else list(combined[:limit])
    if not results and mode != OFF:
        # Typos: the dictionary's words like the typed ones, through the vector's index;
        # without a dictionary, trigram similarity over every name.
        fixed = dictionary.corrected_tsquery(words)
        if fixed:
            typos = base.extra(
                where=[f"{table}.search_vector @@ to_tsquery('simple', %s)"], params=[fixed]
            )
        else:
            typos = base.extra(where=[f"{name} %% %s"], params=[query])
        results = list(typos.order_by("-search_rank", "-pk")[:limit])
    return results


def _fallback(queryset, query, words, index, limit):
    condition = Q()
    for word in words or [query]:
        any_field = Q()
        for field in index.fallback:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    results = list(queryset.filter(condition).order_by("-pk")[: limit * 3])
    first = index.fallback[0]
    lowered = query.lower()

    def rank(obj):
        value = str(getattr(obj, first, "") or "").lower()
        return 2 if value == lowered else 1 if value.startswith(lowered) else 0

    results.sort(key=rank, reverse=True)
    for obj in results:
        obj.search_rank = rank(obj)
    return results[:limit]


@dataclass
class Group:
    type: str
    label: str
    results: list


def search_all(*, user, query, limit=5, types=None):
    """The user's matches grouped by record type, in the registry's order; empty groups
    are left out. types narrows to those type names."""
    query = clean_query(query)
    if len(query) < MIN_QUERY:
        return []
    sources = [s for s in search_sources_for(user) if not types or s.type in types]
    for fuzzy in (OFF, ONLY):
        token = _fuzzy.set(fuzzy)
        try:
            groups = []
            with dictionary.corrections_cache():  # one dictionary look-up per word
                for source in sources:
                    results = source.search(user=user, query=query, limit=limit)
                    if results:
                        groups.append(Group(source.type, source.label, results))
        finally:
            _fuzzy.reset(token)
        if groups:
            break
    return groups
