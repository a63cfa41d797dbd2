"""Settings → Account plan: admins reword and add prompts, set the review interval."""

import pytest

from accounts.plans import services
from accounts.plans.models import PlanPrompt, PlanSettings
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_an_admin_rewords_a_prompt_and_only_new_plans_ask_it(client, admin, rep, kam):
    account = AccountFactory(owner=rep, account_manager=kam, is_managed=True)
    old_plan = services.account_plan_create(actor=kam, account=account, period="FY2027")
    prompt = PlanPrompt.objects.get(key="sponsors")
    client.force_login(admin)
    response = client.post(
        "/accounts/settings/account-plan/",
        {
            "form": "prompt",
            "prompt": prompt.pk,
            "prompt-section": "relationship",
            "prompt-text": "Who sponsors the relationship on each side?",
            "prompt-help_text": "",
            "prompt-order": 10,
            "prompt-is_active": "on",
        },
    )
    assert response.status_code == 302
    new_plan = services.account_plan_create(actor=kam, account=account, period="FY2028")
    texts = lambda plan: {p["key"]: p["text"] for p in plan.prompts}  # noqa: E731
    assert texts(old_plan)["sponsors"] == "Who is the executive sponsor on each side?"
    assert texts(new_plan)["sponsors"] == "Who sponsors the relationship on each side?"


def test_an_admin_adds_a_prompt(client, admin):
    client.force_login(admin)
    client.post(
        "/accounts/settings/account-plan/",
        {
            "form": "prompt",
            "prompt-section": "needs",
            "prompt-text": "Which of their projects are we part of?",
            "prompt-order": 35,
            "prompt-is_active": "on",
        },
    )
    added = PlanPrompt.objects.get(text="Which of their projects are we part of?")
    assert (added.key, added.section) == ("which_of_their_projects_are_we_part_of", "needs")


def test_the_review_interval_is_set_and_bad_values_are_form_errors(client, admin):
    client.force_login(admin)
    bad = client.post(
        "/accounts/settings/account-plan/",
        {"form": "settings", "review_interval_days": 0, "handoff_due_days": 500},
    )
    assert bad.status_code == 400
    assert PlanSettings.objects.get().review_interval_days == 91
    client.post(
        "/accounts/settings/account-plan/",
        {"form": "settings", "review_interval_days": 182, "handoff_due_days": 10},
    )
    assert PlanSettings.objects.get().review_interval_days == 182


def test_the_settings_page_is_for_admins(client, manager):
    client.force_login(manager)
    assert client.get("/accounts/settings/account-plan/").status_code == 404
