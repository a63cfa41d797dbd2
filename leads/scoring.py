"""Lead scoring: pure functions over a snapshot of the criteria. No database access.

One concept in one module (a little over 500 lines): the criterion snapshot, the
profile rules, answer parsing and the score with its verdict read each other's rules,
and the tests cover them together.

The bulk importer and the services share these. A criteria list comes from
`selectors.current_criteria()` (loaded once) or from a past `CriteriaVersion.criteria` via
`criteria_from_snapshot()`.

Scoring, in the words a sales manager would use:
- each criterion has a weight; a met criterion earns its weight, a choice earns the
  share of its weight that the chosen answer is worth, a missing one earns nothing;
- the score is what the answers earned out of all the weights, 0-100;
- unknown answers earn nothing yet, but they still could: a lead is only disqualified
  on score when even a "yes" to every unknown would leave it below the threshold;
- a must-have that fails suggests disqualify whatever the score; a must-have still
  unknown keeps the lead in "keep working" until it is answered.
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

YES_NO = "yes_no"
CHOICE = "choice"
NUMBER = "number"

QUALIFY = "qualify"
KEEP_WORKING = "keep_working"
DISQUALIFY = "disqualify"
VERDICT_LABELS = {QUALIFY: "Qualify", KEEP_WORKING: "Keep working", DISQUALIFY: "Disqualify"}

MET = "met"
MISSING = "missing"
UNKNOWN = "unknown"
FAILED_MUST_HAVE = "failed_must_have"
STATUS_LABELS = {
    MET: "Met",
    MISSING: "Missing",
    UNKNOWN: "Unknown",
    FAILED_MUST_HAVE: "Failed must-have",
}

DEFAULT_QUALIFY_AT = 70
DEFAULT_DISQUALIFY_BELOW = 30


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion as frozen in a version: everything scoring needs, nothing else."""

    id: int
    label: str
    question: str
    answer_type: str = YES_NO
    weight: int = 10
    must_have: bool = False
    choices: tuple = ()  # ({"value", "label", "points"}, ...), points 0-100
    number_min: float | None = None
    number_max: float | None = None
    rule_industries: tuple = ()
    rule_employees_min: int | None = None
    rule_employees_max: int | None = None
    rule_countries: tuple = ()
    guidance: str = ""
    order: int = 0

    @property
    def has_profile_rule(self):
        return bool(
            self.rule_industries
            or self.rule_countries
            or self.rule_employees_min is not None
            or self.rule_employees_max is not None
        )

    def choice(self, value):
        for option in self.choices:
            if option["value"] == value:
                return option
        return None

    def to_snapshot(self):
        data = asdict(self)
        data["choices"] = [dict(c) for c in self.choices]
        data["rule_industries"] = list(self.rule_industries)
        data["rule_countries"] = list(self.rule_countries)
        return data

    def rule_summary(self):
        """'Industry in Software, Retail; 50-5000 employees; country in Germany'."""
        parts = []
        if self.rule_industries:
            parts.append("industry is " + ", ".join(self.rule_industries))
        low, high = self.rule_employees_min, self.rule_employees_max
        if low is not None and high is not None:
            parts.append(f"{low:,}–{high:,} employees")
        elif low is not None:
            parts.append(f"at least {low:,} employees")
        elif high is not None:
            parts.append(f"at most {high:,} employees")
        if self.rule_countries:
            parts.append("country is " + ", ".join(self.rule_countries))
        return "; ".join(parts)


class Criteria(tuple):
    """The ordered criteria of one version, with that version's thresholds."""

    version_id = None
    version_number = None
    qualify_at = DEFAULT_QUALIFY_AT
    disqualify_below = DEFAULT_DISQUALIFY_BELOW

    def __new__(
        cls,
        specs,
        *,
        version_id=None,
        version_number=None,
        qualify_at=DEFAULT_QUALIFY_AT,
        disqualify_below=DEFAULT_DISQUALIFY_BELOW,
    ):
        obj = super().__new__(cls, sorted(specs, key=lambda s: (s.order, s.id)))
        obj.version_id = version_id
        obj.version_number = version_number
        obj.qualify_at = qualify_at
        obj.disqualify_below = disqualify_below
        return obj

    def by_id(self):
        return {spec.id: spec for spec in self}


def spec_from_dict(data):
    def num(value):
        return None if value is None else float(value)

    return CriterionSpec(
        id=int(data["id"]),
        label=data.get("label", ""),
        question=data.get("question", ""),
        answer_type=data.get("answer_type", YES_NO),
        weight=int(data.get("weight", 0)),
        must_have=bool(data.get("must_have", False)),
        choices=tuple(dict(c) for c in data.get("choices") or ()),
        number_min=num(data.get("number_min")),
        number_max=num(data.get("number_max")),
        rule_industries=tuple(data.get("rule_industries") or ()),
        rule_employees_min=data.get("rule_employees_min"),
        rule_employees_max=data.get("rule_employees_max"),
        rule_countries=tuple(data.get("rule_countries") or ()),
        guidance=data.get("guidance", ""),
        order=int(data.get("order", 0)),
    )


def criteria_from_snapshot(snapshot, **thresholds):
    """A version's frozen JSON -> Criteria (thresholds: qualify_at, disqualify_below...)."""
    return Criteria([spec_from_dict(item) for item in snapshot or []], **thresholds)


# -- profile rules ------------------------------------------------------------------


def _norm(text):
    return " ".join(str(text or "").split()).casefold()


def profile_rule_answer(spec, lead_fields: dict):
    """True/False when the lead's own fields decide the rule, None when they can't yet.

    Every part of the rule that is set must hold (industry, employees, country). A part
    whose field is empty on the lead leaves the answer unknown unless another part fails.
    """
    if not spec.has_profile_rule:
        return None
    unknown = False
    if spec.rule_industries:
        industry = _norm(lead_fields.get("industry"))
        if not industry:
            unknown = True
        elif industry not in {_norm(i) for i in spec.rule_industries}:
            return False
    if spec.rule_employees_min is not None or spec.rule_employees_max is not None:
        employees = lead_fields.get("employee_count")
        if employees in (None, ""):
            unknown = True
        else:
            try:
                employees = int(employees)
            except (TypeError, ValueError):
                unknown = True
            else:
                if spec.rule_employees_min is not None and employees < spec.rule_employees_min:
                    return False
                if spec.rule_employees_max is not None and employees > spec.rule_employees_max:
                    return False
    if spec.rule_countries:
        country = _norm(lead_fields.get("country"))
        if not country:
            unknown = True
        elif country not in {_norm(c) for c in spec.rule_countries}:
            return False
    return None if unknown else True


def profile_rule_answers(criteria, lead_fields: dict) -> dict:
    """{criterion id: True/False} for each criterion with a profile rule the fields decide.

    Profile rules answer yes/no criteria only; undecided ones are left out.
    """
    answers = {}
    for spec in criteria:
        if spec.answer_type != YES_NO or not spec.has_profile_rule:
            continue
        value = profile_rule_answer(spec, lead_fields)
        if value is not None:
            answers[spec.id] = value
    return answers


@dataclass
class ProfileRescore:
    """A lead's answers after its own fields answered the profile rules, and their score."""

    answers: dict  # {criterion id: value}: what the working qualification stores
    rule_answers: dict  # the answers the profile rules gave
    result: "ScoreResult"

    def stored_answers(self):
        return {str(k): v for k, v in self.answers.items()}


def profile_rescore(criteria, lead_fields: dict, *, working=None, latest=None) -> ProfileRescore:
    """The one rule for rescoring a lead from its profile (the service and the import).

    Start from the working qualification's answers (else the last decided one's; each has
    `.answers` and `.results`), replace the profile-rule answers, and drop a rule's old
    answer when the fields no longer decide it (never a rep's answer).
    """
    criterion_ids = {spec.id for spec in criteria}
    rule_answers = profile_rule_answers(criteria, lead_fields)
    source = working if working is not None else latest
    answers = {}
    if source is not None:
        answers = {int(k): v for k, v in source.answers.items() if int(k) in criterion_ids}
    previous_profile = (
        {r["criterion"] for r in working.results if r.get("from_profile")} if working else set()
    )
    for spec in criteria:
        if not spec.has_profile_rule:
            continue
        if spec.id in rule_answers:
            answers[spec.id] = rule_answers[spec.id]
        elif spec.id in previous_profile:
            answers.pop(spec.id, None)
    result = score(criteria, answers, profile=rule_answers.keys())
    return ProfileRescore(answers=answers, rule_answers=rule_answers, result=result)


# -- answers ------------------------------------------------------------------------

YES_WORDS = {"yes", "true", "1", "y", "on"}
NO_WORDS = {"no", "false", "0", "n", "off"}
UNKNOWN_WORDS = {"", "unknown", "null", "none"}


def check_answer(spec, value):
    """The answer as stored (bool, choice value, number or None); raises ValueError."""
    if value is None:
        return None
    if spec.answer_type == YES_NO:
        if isinstance(value, bool):
            return value
        raise ValueError("Answer yes/no questions with true, false or null.")
    if spec.answer_type == CHOICE:
        if isinstance(value, str) and spec.choice(value) is not None:
            return value
        allowed = ", ".join(f'"{c["value"]}"' for c in spec.choices)
        raise ValueError(f"Choose one of {allowed}, or null.")
    if spec.answer_type == NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise ValueError("Answer with a number, or null.")
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError("Answer with a finite number, or null.")
        return int(number) if number == int(number) else number
    raise ValueError("This criterion has an unknown answer type.")


def parse_form_answer(spec, raw):
    """A form's string to the stored answer; raises ValueError."""
    raw = (raw or "").strip()
    if spec.answer_type == CHOICE and spec.choice(raw) is not None:
        return raw  # a choice may be called "none" or "no"
    if raw.casefold() in UNKNOWN_WORDS:
        return None
    if spec.answer_type == YES_NO:
        if raw.casefold() in YES_WORDS:
            return True
        if raw.casefold() in NO_WORDS:
            return False
        raise ValueError("Answer yes, no or unknown.")
    if spec.answer_type == NUMBER:
        try:
            number = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise ValueError("Enter a number, or leave it blank for unknown.")
        return check_answer(spec, number)
    return check_answer(spec, raw)


def validate_answers(criteria, raw_answers: dict) -> tuple[dict, dict]:
    """({criterion id: clean value}, {criterion id: message}) for API or form answers.

    Keys may be ints or digit strings; ids not in these criteria are errors.
    """
    by_id = criteria.by_id() if isinstance(criteria, Criteria) else {c.id: c for c in criteria}
    clean, errors = {}, {}
    for key, value in raw_answers.items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            errors[str(key)] = "Not a criterion id."
            continue
        spec = by_id.get(criterion_id)
        if spec is None:
            errors[str(key)] = "Not one of the current qualification criteria."
            continue
        try:
            clean[criterion_id] = check_answer(spec, value)
        except ValueError as exc:
            errors[str(key)] = str(exc)
    return clean, errors


# -- score --------------------------------------------------------------------------


@dataclass
class CriterionResult:
    criterion: int
    label: str
    question: str
    answer: object
    answer_label: str
    status: str  # met / missing / unknown / failed_must_have
    weight: int
    earned: float  # weight points this answer earned
    must_have: bool
    from_profile: bool = False

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass
class ScoreResult:
    score: int
    verdict: str
    results: list = field(default_factory=list)
    max_score: int = 100
    qualify_at: int = DEFAULT_QUALIFY_AT
    disqualify_below: int = DEFAULT_DISQUALIFY_BELOW

    @property
    def verdict_label(self):
        return VERDICT_LABELS[self.verdict]

    def count(self, status):
        return sum(1 for r in self.results if r.status == status)

    @property
    def met(self):
        return [r for r in self.results if r.status == MET]

    @property
    def missing(self):
        return [r for r in self.results if r.status == MISSING]

    @property
    def unknown(self):
        return [r for r in self.results if r.status == UNKNOWN]

    @property
    def failed_must_haves(self):
        return [r for r in self.results if r.status == FAILED_MUST_HAVE]

    @property
    def reasons(self):
        """Plain sentences explaining the verdict."""
        lines = []
        for r in self.failed_must_haves:
            lines.append(f"Must-have not met: {r.label}.")
        unknown_must = [r for r in self.unknown if r.must_have]
        for r in unknown_must:
            lines.append(f"Must-have still unknown: {r.label}.")
        if self.verdict == QUALIFY:
            lines.append(f"Score {self.score} reaches the qualify threshold of {self.qualify_at}.")
        elif self.verdict == DISQUALIFY and not self.failed_must_haves:
            lines.append(
                f"Even with every unknown met the score could reach only {self.max_score}, "
                f"below {self.disqualify_below}."
            )
        elif self.verdict == KEEP_WORKING and not unknown_must and self.score < self.qualify_at:
            lines.append(f"Score {self.score} is below the qualify threshold of {self.qualify_at}.")
        return lines

    def results_json(self):
        return [
            {
                "criterion": r.criterion,
                "label": r.label,
                "question": r.question,
                "answer": r.answer,
                "answer_label": r.answer_label,
                "status": r.status,
                "weight": r.weight,
                "earned": round(r.earned, 2),
                "must_have": r.must_have,
                "from_profile": r.from_profile,
            }
            for r in self.results
        ]


def answer_label(spec, value):
    if value is None:
        return "Unknown"
    if spec.answer_type == YES_NO:
        return "Yes" if value else "No"
    if spec.answer_type == CHOICE:
        option = spec.choice(value)
        return option["label"] if option else str(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def answer_fraction(spec, value):
    """Share of the weight an answer earns: 0.0-1.0, or None when unknown."""
    if value is None:
        return None
    if spec.answer_type == YES_NO:
        return 1.0 if value is True else 0.0
    if spec.answer_type == CHOICE:
        option = spec.choice(value)
        if option is None:
            return None
        return max(0.0, min(100.0, float(option.get("points", 0)))) / 100
    if spec.answer_type == NUMBER:
        number = float(value)
        if spec.number_min is not None and number < spec.number_min:
            return 0.0
        if spec.number_max is not None and number > spec.number_max:
            return 0.0
        return 1.0
    return None


def score(criteria, answers: dict, *, qualify_at=None, disqualify_below=None, profile=()):
    """Score answers against criteria -> ScoreResult (0-100, suggested verdict, results).

    `answers` maps criterion id (int or digit string) to a checked value; ids of other
    criteria are ignored. `profile` lists the criterion ids answered by profile rules.
    Thresholds default to the ones carried by `criteria`.
    """
    if qualify_at is None:
        qualify_at = getattr(criteria, "qualify_at", DEFAULT_QUALIFY_AT)
    if disqualify_below is None:
        disqualify_below = getattr(criteria, "disqualify_below", DEFAULT_DISQUALIFY_BELOW)
    by_key = {}
    for key, value in (answers or {}).items():
        try:
            by_key[int(key)] = value
        except (TypeError, ValueError):
            continue
    profile = {int(p) for p in profile}
    total = sum(max(0, spec.weight) for spec in criteria)
    earned_total = 0.0
    unknown_weight = 0.0
    results = []
    for spec in criteria:
        value = by_key.get(spec.id)
        fraction = answer_fraction(spec, value)
        weight = max(0, spec.weight)
        if fraction is None:
            status, earned = UNKNOWN, 0.0
            unknown_weight += weight
            value = None
        else:
            earned = weight * fraction
            if fraction > 0:
                status = MET
            elif spec.must_have:
                status = FAILED_MUST_HAVE
            else:
                status = MISSING
        earned_total += earned
        results.append(
            CriterionResult(
                criterion=spec.id,
                label=spec.label,
                question=spec.question,
                answer=value,
                answer_label=answer_label(spec, value),
                status=status,
                weight=weight,
                earned=earned,
                must_have=spec.must_have,
                from_profile=spec.id in profile and value is not None,
            )
        )
    if total:
        points = round(100 * earned_total / total)
        ceiling = round(100 * (earned_total + unknown_weight) / total)
    else:
        points = ceiling = 0
    failed = any(r.status == FAILED_MUST_HAVE for r in results)
    must_unknown = any(r.status == UNKNOWN and r.must_have for r in results)
    if failed or (total and ceiling < disqualify_below):
        verdict = DISQUALIFY
    elif total and points >= qualify_at and not must_unknown:
        verdict = QUALIFY
    else:
        verdict = KEEP_WORKING
    return ScoreResult(
        score=points,
        verdict=verdict,
        results=results,
        max_score=ceiling,
        qualify_at=qualify_at,
        disqualify_below=disqualify_below,
    )
