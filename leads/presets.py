"""Ready-made qualification criteria: the defaults of PROCESSES.md, BANT and MEDDICC.

Each preset is a list of criterion field dicts in asking order, plus thresholds.
"""

YES_NO, CHOICE, NUMBER = "yes_no", "choice", "number"


def _choices(*options):
    return [{"value": v, "label": label, "points": points} for v, label, points in options]


DEFAULT = {
    "label": "Default (three questions)",
    "qualify_at": 70,
    "disqualify_below": 30,
    "criteria": [
        {
            "label": "Ideal customer profile",
            "question": "Does this prospect match your ideal customer profile?",
            "guidance": "Answered from the lead's company size; the rep can correct it.",
            "answer_type": YES_NO,
            "weight": 30,
            "must_have": False,
            "rule_employees_min": 50,
            "rule_employees_max": 5000,
        },
        {
            "label": "Decision maker",
            "question": "Is this person the right decision maker for this purchase?",
            "guidance": "Who signs off? If it isn't them, who is it, and can they introduce you?",
            "answer_type": CHOICE,
            "choices": _choices(
                ("signs", "Yes, they sign off", 100),
                ("influences", "They influence the decision", 50),
                ("no", "No", 0),
            ),
            "weight": 30,
            "must_have": False,
        },
        {
            "label": "Budget",
            "question": "Does this prospect have the budget to pay for your product or service?",
            "guidance": "Is money set aside this year, or would it have to be found?",
            "answer_type": CHOICE,
            "choices": _choices(
                ("approved", "Budget approved", 100),
                ("planned", "Budget being planned", 50),
                ("none", "No budget", 0),
            ),
            "weight": 40,
            "must_have": True,
        },
    ],
}

BANT = {
    "label": "BANT (budget, authority, need, timeline)",
    "qualify_at": 70,
    "disqualify_below": 30,
    "criteria": [
        {
            "label": "Budget",
            "question": "Is there budget for this purchase?",
            "answer_type": CHOICE,
            "choices": _choices(
                ("approved", "Approved", 100),
                ("planned", "Being planned", 50),
                ("none", "None", 0),
            ),
            "weight": 30,
            "must_have": True,
        },
        {
            "label": "Authority",
            "question": "Are you talking to the person who can say yes?",
            "answer_type": CHOICE,
            "choices": _choices(
                ("decides", "They decide", 100),
                ("influences", "They influence", 50),
                ("no", "No authority", 0),
            ),
            "weight": 25,
            "must_have": False,
        },
        {
            "label": "Need",
            "question": "Do they have a problem our product solves?",
            "answer_type": YES_NO,
            "weight": 25,
            "must_have": True,
        },
        {
            "label": "Timeline",
            "question": "When do they need a solution in place?",
            "answer_type": CHOICE,
            "choices": _choices(
                ("quarter", "Within 3 months", 100),
                ("half", "3 to 6 months", 60),
                ("later", "Later than 6 months", 20),
                ("none", "No timeline", 0),
            ),
            "weight": 20,
            "must_have": False,
        },
    ],
}

MEDDICC = {
    "label": "MEDDICC",
    "qualify_at": 65,
    "disqualify_below": 25,
    "criteria": [
        {
            "label": "Metrics",
            "question": "Can the buyer put a number on the gain they expect?",
            "answer_type": YES_NO,
            "weight": 15,
        },
        {
            "label": "Economic buyer",
            "question": "Do you know who controls the budget, and have you met them?",
            "answer_type": YES_NO,
            "weight": 20,
            "must_have": True,
        },
        {
            "label": "Decision criteria",
            "question": "Do you know the criteria they will use to choose?",
            "answer_type": YES_NO,
            "weight": 10,
        },
        {
            "label": "Decision process",
            "question": "Do you know the steps and dates of their decision?",
            "answer_type": YES_NO,
            "weight": 10,
        },
        {
            "label": "Identified pain",
            "question": "Is there a pain serious enough that they must act?",
            "answer_type": YES_NO,
            "weight": 20,
            "must_have": True,
        },
        {
            "label": "Champion",
            "question": "Is someone inside selling for you when you are not there?",
            "answer_type": YES_NO,
            "weight": 15,
        },
        {
            "label": "Competition",
            "question": "Who else are they looking at?",
            "answer_type": CHOICE,
            "choices": _choices(
                ("none", "Nobody else", 100),
                ("known", "Competitors we know how to beat", 60),
                ("incumbent", "A strong incumbent", 20),
            ),
            "weight": 10,
        },
    ],
}

PRESETS = {"default": DEFAULT, "bant": BANT, "meddicc": MEDDICC}

DEFAULT_DISQUALIFICATION_REASONS = [
    "No budget",
    "Not the decision maker",
    "Outside ideal profile",
    "No need or project",
    "Chose a competitor",
    "Unresponsive",
    "Duplicate or bad data",
]
