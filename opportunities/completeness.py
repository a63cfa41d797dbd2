"""What a plan is missing, and its completeness: one pure function, one place."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanFacts:
    """What completeness reads: the plan's own fields and a count of its parts."""

    problem: str
    impact: str
    impact_amount: object
    desired_outcome: str
    decision_process: str
    decision_date: object
    strategy_id: int | None
    answers: dict
    extra_prompts: list  # [{"id", "text"}]
    roles: frozenset  # buying roles among the stakeholders
    competitors: int
    open_steps_with_date: int


def assess(facts: PlanFacts) -> tuple[int, list[str]]:
    """(completeness 0-100, what is missing as short phrases)."""
    checks = [
        (bool(facts.problem.strip()), "the business problem"),
        (bool(facts.impact.strip()) or facts.impact_amount is not None, "its impact"),
        (bool(facts.desired_outcome.strip()), "the outcome the customer wants"),
        (
            bool(facts.decision_process.strip()) and facts.decision_date is not None,
            "how they will decide (process and date)",
        ),
        ("economic_buyer" in facts.roles, "an economic buyer"),
        ("champion" in facts.roles, "a champion"),
        (facts.competitors > 0, "the competition"),
        (facts.strategy_id is not None, "a win strategy"),
        (facts.open_steps_with_date > 0, "a next step with a due date"),
    ]
    for prompt in facts.extra_prompts:
        answer = str(facts.answers.get(str(prompt["id"]), "")).strip()
        checks.append((bool(answer), f"an answer to “{prompt['text']}”"))
    done = sum(1 for ok, _ in checks if ok)
    missing = [label for ok, label in checks if not ok]
    return round(100 * done / len(checks)), missing
