"""Run the benchmark's requests against a live gunicorn and print the table."""

import secrets

from django.conf import settings
from django.urls import resolve
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from salesproc import cursor

from .measure import Row, Timer, count_queries, floor, throughput, visible_count
from .server import Gunicorn, api_headers, page_headers
from .specs import (
    FLOOR_RATIO,
    LIST_TARGET_MS,
    LISTS,
    PAGES,
    REPORT_TARGET_MS,
    REPORTS,
    SEARCH_TERM,
)

PERSONAS = ("rep", "manager", "admin")


def _cursor_at(spec, user, offset):
    """The API's own cursor for the page starting after `offset` rows: the viewset's
    queryset and ordering, the last row before it encoded as the API would."""
    view_class = resolve(spec.path).func.cls
    request = APIRequestFactory().get(spec.path)
    request.user = user
    view = view_class(request=Request(request), format_kwarg=None, action="list", kwargs={})
    view.request.user = user
    queryset = view.filter_queryset(view.get_queryset())
    terms = cursor._terms(queryset)
    last = queryset.order_by(*[cursor._order(t) for t in terms])[offset - 1]
    return cursor.encode([cursor._value(last, t.name) for t in terms])


def _list_requests(spec, user):
    """(label, path, floor kwargs) for the five ways a list is read."""
    pages = max(1, visible_count(spec, user) // 25)
    deep = max(2, pages // 2)
    at = _cursor_at(spec, user, (deep - 1) * 25)
    return [
        ("page 1", spec.path, {}),
        (f"page {deep}", f"{spec.path}?page={deep}", {"page": deep}),
        (f"cursor at page {deep}", f"{spec.path}?cursor={at}", {"page": deep}),
        ("search", f"{spec.path}?search={SEARCH_TERM}", {"search": SEARCH_TERM}),
        (
            f"ordering {spec.other_ordering}",
            f"{spec.path}?ordering={spec.other_ordering}",
            {"ordering": spec.other_ordering},
        ),
    ]


def run(*, crowd, port, workers, repeat, parts, throughput_seconds, peer_url, peer_token, stdout):
    rows = []
    # the server and this process sign sessions with one key (a fresh one, never the
    # embedded default that production settings refuse)
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    with Gunicorn(port=port, workers=workers, secret_key=settings.SECRET_KEY) as server:
        base = f"http://127.0.0.1:{port}"
        timer = Timer(base)
        peer = Timer(peer_url) if peer_url else None
        peer_headers = {"Accept": "application/json"}
        if peer_token:
            peer_headers["Authorization"] = f"Token {peer_token}"
        # the fixed cost of one HTTP round trip through gunicorn and the middleware
        baseline, _, _ = timer.time("/healthz", {}, ("bare", ""), repeat)
        stdout.write(f"HTTP round trip (/healthz): {baseline:.1f} ms")
        api = {p: api_headers(crowd[p]) for p in PERSONAS}
        pages = {p: page_headers(crowd[p]) for p in PERSONAS}
        if "lists" in parts:
            for spec in LISTS:
                for persona in PERSONAS:
                    user = crowd[persona]
                    for label, path, floor_args in _list_requests(spec, user):
                        row = Row(f"{spec.key} API, {label}", persona, target_ms=LIST_TARGET_MS)
                        row.median_ms, row.p95_ms, row.status = timer.time(
                            path, api[persona], ("api", persona), repeat
                        )
                        row.queries, row.sql_ms = count_queries(user, path, api=True)
                        sql_ms, _, _ = floor(spec, user, **floor_args)
                        row.floor_ms = sql_ms + baseline
                        if peer and persona == "admin":
                            row.peer_ms, _, _ = peer.time(path, peer_headers, "peer", repeat)
                        rows.append(row)
                        stdout.write(_line(row))
        if "reports" in parts:
            for path in REPORTS:
                for persona in PERSONAS:
                    user = crowd[persona]
                    row = Row(path, persona, target_ms=REPORT_TARGET_MS)
                    row.median_ms, row.p95_ms, row.status = timer.time(
                        path, api[persona], ("api", persona), repeat
                    )
                    row.queries, row.sql_ms = count_queries(user, path, api=True)
                    if row.status == 403:
                        continue  # not this persona's report
                    rows.append(row)
                    stdout.write(_line(row))
        if "pages" in parts:
            for path, personas, is_report in PAGES:
                for persona in personas:
                    user = crowd[persona]
                    target = REPORT_TARGET_MS if is_report else LIST_TARGET_MS
                    row = Row(f"page {path}", persona, target_ms=target)
                    row.median_ms, row.p95_ms, row.status = timer.time(
                        path, pages[persona], ("page", persona), repeat
                    )
                    row.queries, row.sql_ms = count_queries(user, path, api=False)
                    rows.append(row)
                    stdout.write(_line(row))
        stdout.write("")
        stdout.write(_table(rows))
        if "throughput" in parts:
            admin = crowd["admin"]
            ours, errors = throughput(
                base, "/api/v1/deals/", api["admin"], seconds=throughput_seconds
            )
            stdout.write("")
            stdout.write(
                f"deals API page 1 as admin, 8 connections, {workers} workers: "
                f"{ours:.1f} requests/s ({errors} errors)"
            )
        rss = server.worker_rss_mb()
    if "throughput" in parts:
        with Gunicorn(
            port=port + 1,
            workers=workers,
            settings_module="automation.benchmark.floor_settings",
            secret_key=settings.SECRET_KEY,
        ):
            bare, errors = throughput(
                f"http://127.0.0.1:{port + 1}",
                f"/deals/?user={admin.pk}",
                {},
                seconds=throughput_seconds,
            )
        stdout.write(
            f"bare Django view, same 25 rows and count: {bare:.1f} requests/s ({errors} errors);"
            f" ours is {ours / bare:.2f} of the floor (target ≥ 0.5)"
        )
    stdout.write(f"gunicorn workers' RSS after the benchmark: {rss} MB (target < 200 MB each)")
    misses = [r for r in rows if not _ok(r)]
    stdout.write(f"{len(rows) - len(misses)} of {len(rows)} requests within their targets")


def _ok(row):
    if row.status != 200:
        return False
    if row.median_ms > row.target_ms:
        return False
    return row.ratio is None or row.ratio <= FLOOR_RATIO


def _line(row):
    return f"  {row.request:45} {row.persona:8} {row.median_ms:8.1f} ms  {row.status}"


def _table(rows):
    head = (
        f"| {'request':45} | persona | median ms | p95 ms | queries | our SQL ms | floor ms* "
        f"| × floor "
        f"| target | ok |" + (" peer ms |" if any(r.peer_ms for r in rows) else "")
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        floor_ms = f"{r.floor_ms:.1f}" if r.floor_ms else "–"
        sql_ms = f"{r.sql_ms:.1f}" if r.sql_ms is not None else "–"
        ratio = f"{r.ratio:.1f}" if r.ratio else "–"
        ok = "yes" if _ok(r) else ("NO" if r.status == 200 else f"HTTP {r.status}")
        line = (
            f"| {r.request:45} | {r.persona:7} | {r.median_ms:9.1f} | {r.p95_ms:6.1f} "
            f"| {r.queries if r.queries is not None else '–':>7} | {sql_ms:>10} "
            f"| {floor_ms:>9} | {ratio:>7} "
            f"| {r.target_ms:>6} | {ok:>2} |"
        )
        if any(x.peer_ms for x in rows):
            line += f" {r.peer_ms:.1f} |" if r.peer_ms else " – |"
        lines.append(line)
    lines.append(
        "* floor: the bare SQL for the same 25 rows and count (visibility as owner_id IN the "
        "people the user may see), plus one HTTP round trip to /healthz. our SQL ms: the "
        "database time of our queries for the request, timed in this process; the rest of "
        "the median is Python and HTTP"
    )
    return "\n".join(lines)
