"""Fixtures the call tests share (personas are in tests/conftest.py)."""

import pytest

from calls.models import Call

from .factories import call_in_status


@pytest.fixture
def debriefed_call(rep):
    """Alice's call, held and debriefed, with a review requested from her manager."""
    return call_in_status(rep, Call.Status.DEBRIEFED)


@pytest.fixture
def own_debriefed_call():
    """A call of the given user's own, debriefed: own_debriefed_call(manager)."""
    return lambda owner: call_in_status(owner, Call.Status.DEBRIEFED)
