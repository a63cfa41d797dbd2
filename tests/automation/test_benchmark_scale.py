"""The committed scale benchmark runs end to end at a tiny size: it grows the demo org,
starts gunicorn with DEBUG off, and prints every request with its query count, its SQL
time and its floor, none of them failing."""

import re
import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import Account
from calls.models import Call


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark measures PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_scale_benchmark_builds_its_data_and_prints_every_request(settings):
    settings.DEBUG = True  # as it is run: on a development database, seeding the demo
    out = StringIO()
    call_command(
        "benchmark_scale",
        accounts=80,
        contacts=160,
        deals=80,
        leads=80,
        calls=160,
        requests=1,
        only="lists,reports,pages",
        port=_free_port(),
        stdout=out,
    )
    text = out.getvalue()

    assert Account.objects.filter(name__startswith="Scale").exists()
    assert Call.objects.count() >= 160
    rows = [line for line in text.splitlines() if line.startswith("| ") and "ms" not in line]
    assert len(rows) > 60, text
    assert not re.search(r"HTTP [45]\d\d", text), text
    deals_page = next(r for r in rows if r.startswith("| deals API, page 1 ") and "| admin" in r)
    cells = [c.strip() for c in deals_page.strip("|").split("|")]
    queries, our_sql, floor = int(cells[4]), float(cells[5]), float(cells[6])
    assert 1 <= queries <= 7 and our_sql > 0 and floor > 0
    assert re.search(r"(\d+) of (\d+) requests within their targets", text)
