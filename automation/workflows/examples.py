"""The rules salesproc ships, switched off: an admin turns one on with one click."""

EXAMPLES = [
    {
        "example_key": "follow_up_call",
        "name": "Plan the follow-up call",
        "description": "When a call is completed with a next step, plan the next call a week later.",
        "trigger": "call.completed",
        "match": "all",
        "conditions": [{"source": "record", "field": "next_steps", "op": "not_empty", "value": ""}],
        "actions": [{"action": "calls.plan_follow_up", "params": {"days": 7}}],
    },
    {
        "example_key": "deal_for_qualified_lead",
        "name": "Create the deal of a qualified lead",
        "description": "When a lead is qualified and has no deal yet, convert it: account, "
        "contact and deal.",
        "trigger": "lead.qualified",
        "match": "all",
        "conditions": [{"source": "record", "field": "converted_deal", "op": "empty", "value": ""}],
        "actions": [{"action": "leads.create_deal", "params": {"deal_name": ""}}],
    },
    {
        "example_key": "intake_from_known_person",
        "name": "Tell the owner about a form from a known person",
        "description": "When an intake submission comes from someone who is already the "
        "team's lead, notify the lead's owner.",
        "trigger": "lead.intake_received",
        "match": "all",
        "conditions": [],
        "actions": [
            {
                "action": "salesproc.notify",
                "params": {
                    "recipient": "owner",
                    "message": "{record} sent an intake form again: {summary}",
                },
            }
        ],
    },
    {
        "example_key": "big_deal_lost",
        "name": "Tell the manager about a big lost deal",
        "description": "When a deal over 50,000 is lost, notify the owner's manager.",
        "trigger": "deal.lost",
        "match": "all",
        "conditions": [{"source": "record", "field": "amount", "op": "gt", "value": "50000"}],
        "actions": [
            {
                "action": "salesproc.notify",
                "params": {
                    "recipient": "manager",
                    "message": "A big deal was lost: {record} ({summary})",
                },
            }
        ],
    },
    {
        "example_key": "win_on_accepted_quote",
        "name": "Win the deal when its quote is accepted",
        "description": "When the buyer accepts a quote, close its deal as won.",
        "trigger": "quote.accepted",
        "match": "all",
        "conditions": [],
        "actions": [{"action": "deals.win_deal", "params": {}}],
    },
]


def ensure_examples(rule_model, version_model=None):
    """Create the shipped rules that are missing (switched off). Safe to run twice."""
    have = set(rule_model.objects.exclude(example_key="").values_list("example_key", flat=True))
    for example in EXAMPLES:
        if example["example_key"] in have:
            continue
        rule = rule_model.objects.create(active=False, **example)
        if version_model is not None:
            version_model.objects.create(
                rule=rule,
                version=1,
                snapshot={k: example[k] for k in example if k != "example_key"} | {"active": False},
                note="Shipped with salesproc",
            )
