"""Shared fixtures of opportunity management: a deal of Alice's with two contacts of its
account, a competitor, strategies and reasons (the migration's starting lists)."""

import importlib

import pytest
from django.apps import apps

from opportunities.models import Competitor, WinLossReason, WinStrategy
from tests.factories import ContactFactory, DealFactory, PipelineFactory


def seed_starting_lists():
    """The data migration's prompts and lists (a transactional test elsewhere may have
    flushed them); idempotent."""
    migration = importlib.import_module("opportunities.migrations.0002_default_prompts_and_lists")
    migration.seed(apps, None)


@pytest.fixture(autouse=True)
def _starting_lists(db):
    seed_starting_lists()


@pytest.fixture
def pipeline(db):
    return PipelineFactory(name="New business")


@pytest.fixture
def deal(rep, pipeline):
    return DealFactory(owner=rep, pipeline=pipeline, name="Acme rollout", amount=50000)


@pytest.fixture
def buyer(deal, rep):
    return ContactFactory(owner=rep, account=deal.account, first_name="Erin", last_name="Buyer")


@pytest.fixture
def champion(deal, rep):
    return ContactFactory(owner=rep, account=deal.account, first_name="Carl", last_name="Champ")


@pytest.fixture
def outsider(other_rep, pipeline):
    return DealFactory(owner=other_rep, pipeline=pipeline, name="South deal")


@pytest.fixture
def competitor(db):
    return Competitor.objects.create(name="Northwind CRM", how_we_win="Time to value")


@pytest.fixture
def strategy(db):
    return WinStrategy.objects.get(name="Proof of concept or pilot")


@pytest.fixture
def won_reason(db):
    return WinLossReason.objects.get(outcome="won", name="Business case / ROI")


@pytest.fixture
def lost_reason(db):
    return WinLossReason.objects.get(outcome="lost", name="Price")
