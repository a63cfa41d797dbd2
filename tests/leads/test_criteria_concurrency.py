"""Concurrent changes to the qualification criteria (issue 8, item 12)."""

import threading

import pytest
from django.db import connection

from leads import selectors, services
from leads.models import CriteriaVersion, Criterion
from leads.presets import PRESETS


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_criteria_changes_make_ten_versions(admin):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    # Given the default criteria (version 1)
    selectors.current_version()
    barrier = threading.Barrier(10)
    errors = []

    def change(n):
        try:
            barrier.wait(timeout=10)
            if n % 2:
                services.criteria_load_preset(actor=admin, preset="bant")
            else:
                services.criteria_set_thresholds(
                    actor=admin, qualify_at=60 + n, disqualify_below=20 + n
                )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    # When ten admins change the criteria at the same moment
    threads = [threading.Thread(target=change, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Then every change made its own version, numbered 2 to 11, and none failed
    assert errors == []
    numbers = sorted(CriteriaVersion.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 12))
    # And the live criteria are one preset's, not two loads mixed
    assert Criterion.objects.count() == len(PRESETS["bant"]["criteria"])
