"""A Django paginator whose count stays cheap on big tables (pages and the API share it).

Up to `exact_limit` rows it counts exactly, reading at most `exact_limit + 1` rows (a
`COUNT(*)` over a `LIMIT`), so a small list pays what it paid before, in one query. Above
that an exact count would read every visible row on each page, so on PostgreSQL it asks the
planner instead (`EXPLAIN`, the row estimate of the same query: no rows read) and marks the
figure as an estimate (`count_is_estimate`); pages show "about 48,000", the API answers
`count_is_estimate: true`. Other databases (SQLite) count exactly.

An estimate is kept for a minute by the process that made it, for the same query (the
same filters and visibility): paging through a big list, or reloading it, then costs no
count at all (the capped count and the EXPLAIN were a quarter of an admin's deals page).
It was an estimate to begin with; a figure a minute old is marked as one all the same.
Exact counts are never kept.

A page picks its rows' ids first (`id = ANY(ARRAY(SELECT id ... OFFSET n LIMIT 25))`,
still one query): the ORDER BY and OFFSET then run over the bare table (an index, when one
matches the order) without the list's joins, and the joined columns are read for the
page's 25 rows only, not for every row sorted or skipped.
"""

import json
import time

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Subquery
from django.utils.functional import cached_property

from .models import AmongIds

EXACT_COUNT_LIMIT = 10_000
ESTIMATE_KEPT_SECONDS = 60
_KEPT_AT_MOST = 2_000

_estimates = {}  # (database, capped SQL, parameters) -> (estimate, kept until); per process


def planner_row_estimate(queryset):
    """PostgreSQL's estimate of how many rows `queryset` returns (None elsewhere)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    # the ids only (see CountingPaginator.count)
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _kept_estimate(key):
    kept = _estimates.get(key)
    if kept is not None and kept[1] > time.monotonic():
        return kept[0]
    return None


def _keep_estimate(key, figure):
    if len(_estimates) >= _KEPT_AT_MOST:
        _estimates.clear()
    _estimates[key] = (figure, time.monotonic() + ESTIMATE_KEPT_SECONDS)


def forget_estimates():
    """Drop every kept estimate (tests start from none)."""
    _estimates.clear()


class CountingPaginator(Paginator):
    exact_limit = EXACT_COUNT_LIMIT

    def __init__(self, *args, exact_limit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if exact_limit is not None:
            self.exact_limit = exact_limit
        self._estimated = False

    @property
    def count_is_estimate(self):
        self.count  # noqa: B018  (counting decides it)
        return self._estimated

    @cached_property
    def count(self):
        object_list = self.object_list
        if not hasattr(object_list, "query"):  # a list: len() is free
            return len(object_list)
        # The ids only, at most one more than the limit: the list's joined columns change
        # nothing in a count, but cost the planner a join order search (eight tables for
        # the calls list). Compiled once: it is also the key of a kept estimate.
        ids = object_list.order_by().values("pk")[: self.exact_limit + 1]
        try:
            sql, params = ids.query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing (`.none()`, `IN ()`)
            return 0
        connection = connections[object_list.db]
        key = (object_list.db, sql, repr(params))
        kept = _kept_estimate(key) if connection.vendor == "postgresql" else None
        if kept is not None:
            self._estimated = True
            return kept
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) capped", params)
            capped = cursor.fetchone()[0]
        if capped <= self.exact_limit:
            return capped
        estimate = planner_row_estimate(object_list)
        if estimate is None:
            return object_list.count()
        self._estimated = True
        # The planner can guess low (a search): never below what was counted.
        figure = max(estimate, capped)
        _keep_estimate(key, figure)
        return figure

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._window(bottom, top), number, self)

    def _window(self, bottom, top):
        rows = self.object_list
        if not hasattr(rows, "query") or rows.query.distinct:
            return rows[bottom:top]
        return rows.filter(AmongIds(F("pk"), Subquery(rows.values("pk")[bottom:top])))
