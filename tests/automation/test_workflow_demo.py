"""The demo: the shipped example rules, switched off, and the follow-up rule on; once."""

import pytest

from automation.workflows.demo import seed
from automation.workflows.models import WorkflowRule
from salesproc.demo import seed_people

pytestmark = pytest.mark.django_db


def test_it_seeds_the_examples_with_the_follow_up_rule_on_and_only_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    WorkflowRule.objects.all().delete()  # as a fresh install before the migration's rows
    seed_people()
    seed()
    seed()
    rules = dict(WorkflowRule.objects.values_list("example_key", "active"))
    assert rules == {
        "follow_up_call": True,
        "deal_for_qualified_lead": False,
        "intake_from_known_person": False,
        "big_deal_lost": False,
        "win_on_accepted_quote": False,
    }
    follow_up = WorkflowRule.objects.get(example_key="follow_up_call")
    assert follow_up.version == 2 and follow_up.versions.count() == 2
