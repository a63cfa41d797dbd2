"""Fixtures shared by the deal tests: the usual pipeline, a deal in it, and an outsider."""

import pytest

from tests.deals.factories import pipeline_with_criteria
from tests.factories import DealFactory, RoleFactory, UserFactory


@pytest.fixture
def pipeline(db):
    """The usual pipeline, with exit criteria on Discovery and Negotiation."""
    return pipeline_with_criteria(name="New business")


@pytest.fixture
def deal(rep, pipeline):
    """Alice's deal of 5,000 in Prospecting."""
    return DealFactory(owner=rep, pipeline=pipeline, amount=5000, name="Acme expansion")


@pytest.fixture
def outsider(north):
    """Someone in Alice's team whose role does not run deal management."""
    role = RoleFactory(slug="support", name="Support", processes=["calls"])
    return UserFactory(username="sam", role=role, team=north)
