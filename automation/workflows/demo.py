"""Demo: the shipped example rules (off), with the follow-up rule switched on."""

from salesproc.models import User

from . import services
from .examples import ensure_examples
from .models import WorkflowRule, WorkflowRuleVersion


def seed(*, stdout=None):
    ensure_examples(WorkflowRule, WorkflowRuleVersion)
    admin = User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
    admin = admin or next((u for u in User.objects.filter(is_active=True) if u.is_crm_admin), None)
    rule = WorkflowRule.objects.filter(example_key="follow_up_call").first()
    if rule is not None and admin is not None and not rule.active and rule.version == 1:
        services.rule_set_active(actor=admin, rule=rule, active=True)
    if stdout:
        stdout.write("workflows: the shipped examples, the follow-up rule switched on\n")
