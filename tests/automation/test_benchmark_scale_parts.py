"""benchmark_scale --only: the import part is asked for by name, and what it needs is
checked before the long parts run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_an_unknown_part_is_refused():
    with pytest.raises(CommandError, match="Unknown --only parts: imports"):
        call_command("benchmark_scale", only="lists,imports", stdout=StringIO())


def test_the_import_part_without_a_broker_is_refused_before_anything_runs(settings):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="import part needs a Celery broker: REDIS_URL"):
        call_command("benchmark_scale", only="import", stdout=StringIO())
