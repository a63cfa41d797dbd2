"""Timing: requests over HTTP (median, p95), their query counts in-process, and the floor
(the bare SQL returning the same 25 rows and the count)."""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client

from salesproc.models import visible_owner_ids

PAGE_SIZE = 25


@dataclass
class Row:
    request: str
    persona: str
    median_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int | None = None
    sql_ms: float | None = None  # our queries' database time, in-process
    floor_ms: float | None = None
    target_ms: int | None = None
    status: int = 200
    peer_ms: float | None = None
    notes: list = field(default_factory=list)

    @property
    def ratio(self):
        if not self.floor_ms:
            return None
        return self.median_ms / self.floor_ms


def percentile(values, share):
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(share * (len(values) - 1))))
    return values[index]


class Timer:
    """One keep-alive connection per persona and kind of auth."""

    def __init__(self, base_url):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self._connections = {}

    def _conn(self, key):
        if key not in self._connections:
            self._connections[key] = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return self._connections[key]

    def get(self, path, headers, key):
        conn = self._conn(key)
        started = time.perf_counter()
        try:
            conn.request("GET", self.prefix + path, headers=headers)
            response = conn.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            self._connections.pop(key, None)
            conn = self._conn(key)
            started = time.perf_counter()
            conn.request("GET", self.prefix + path, headers=headers)
            response = conn.getresponse()
            body = response.read()
        return (time.perf_counter() - started) * 1000, response.status, body

    def time(self, path, headers, key, repeat):
        self.get(path, headers, key)  # warm the worker's caches and the connection
        times, status = [], 200
        for _ in range(repeat):
            elapsed, status, _ = self.get(path, headers, key)
            times.append(elapsed)
        return statistics.median(times), percentile(times, 0.95), status


def count_queries(user, path, *, api):
    """How many queries the request runs, counted in this process, and the time the
    database took for them (ms): what of the request is SQL, and what is the rest."""
    client = Client(HTTP_HOST="127.0.0.1")
    extra = {}
    if api:
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=user)
        extra["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    else:
        client.force_login(user)
    client.get(path, **extra)  # warm
    spent = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((time.perf_counter() - started) * 1000)

    with connection.execute_wrapper(timed):
        client.get(path, **extra)
    return len(spent), sum(spent)


def floor(spec, user, *, page=1, search="", ordering=None, repeat=5):
    """The bare SQL: the page's 25 rows (every concrete column) and the count, with the
    visibility written as `owner_id IN (the people the user may see)`."""
    qs = spec.visible(None if user.is_crm_admin else sorted(visible_owner_ids(user)))
    if search:
        qs = (
            spec.searched(qs, search).distinct()
            if "__" in "".join(spec.search)
            else spec.searched(qs, search)
        )
    order = [ordering, "id"] if ordering else list(spec.ordering)
    columns = [f.attname for f in spec.model._meta.concrete_fields]
    offset = (page - 1) * PAGE_SIZE
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        rows = list(qs.order_by(*order).values_list(*columns)[offset : offset + PAGE_SIZE])
        total = qs.count()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), total, len(rows)


def visible_count(spec, user):
    qs = spec.visible(None if user.is_crm_admin else sorted(visible_owner_ids(user)))
    return qs.count()


def throughput(base_url, path, headers, *, connections=8, seconds=10):
    """Requests per second with `connections` clients requesting as fast as answered."""
    parts = urlsplit(base_url)
    stop = time.monotonic() + seconds
    counts = [0] * connections
    errors = [0] * connections

    def run(slot):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while time.monotonic() < stop:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[slot] += 1
                else:
                    errors[slot] += 1
            except (http.client.HTTPException, OSError):
                errors[slot] += 1
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds, sum(errors)
