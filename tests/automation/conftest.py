"""Shared helpers of the workflow tests: making rules, test-only actions."""

import pytest

from automation.workflows import services
from salesproc.registry import registry


@pytest.fixture
def make_rule(admin):
    def make(trigger, actions, conditions=(), match="all", active=True, name="A rule"):
        return services.rule_create(
            actor=admin,
            data={
                "name": name,
                "trigger": trigger,
                "match": match,
                "conditions": list(conditions),
                "actions": list(actions),
                "active": active,
            },
        )

    return make


@pytest.fixture
def test_actions():
    """Register workflow actions for one test; they are gone again after it."""
    added = []

    def add(action):
        from salesproc.registry import register_workflow_action

        register_workflow_action(action)
        added.append(action.key)
        return action

    yield add
    registry.workflow_actions[:] = [a for a in registry.workflow_actions if a.key not in added]
