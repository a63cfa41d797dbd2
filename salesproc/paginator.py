"""A Django paginator whose count stays cheap on big tables (pages and the API share it).

Up to `exact_limit` rows it counts exactly, reading at most `exact_limit + 1` rows (a
`COUNT(*)` over a `LIMIT`), so a small list pays what it paid before, in one query. Above
that an exact count would read every visible row on each page, so on PostgreSQL it asks the
planner instead (`EXPLAIN`, the row estimate of the same query: no rows read) and marks the
figure as an estimate (`count_is_estimate`); pages show "about 48,000", the API answers
`count_is_estimate: true`. Other databases (SQLite) count exactly.

A page picks its rows' ids first (`id = ANY(ARRAY(SELECT id ... OFFSET n LIMIT 25))`,
still one query): the ORDER BY and OFFSET then run over the bare table (an index, when one
matches the order) without the list's joins, and the joined columns are read for the
page's 25 rows only, not for every row sorted or skipped.
"""

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Subquery
from django.utils.functional import cached_property

from .models import AmongIds

EXACT_COUNT_LIMIT = 10_000


def planner_row_estimate(queryset):
    """PostgreSQL's estimate of how many rows `queryset` returns (None elsewhere)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    # The ids only: the list's joined columns change nothing in the estimate, but cost
    # the planner a join order search (eight tables for the calls list).
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


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
        capped = object_list.order_by().values("pk")[: self.exact_limit + 1].count()
        if capped <= self.exact_limit:
            return capped
        estimate = planner_row_estimate(object_list)
        if estimate is None:
            return object_list.count()
        self._estimated = True
        # The planner can guess low (a search): never below what was counted.
        return max(estimate, capped)

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
