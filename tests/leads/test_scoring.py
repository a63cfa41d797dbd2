"""Scoring is pure: these tests build criteria snapshots by hand and touch no database."""

import pytest

from leads import scoring
from leads.scoring import Criteria, CriterionSpec

FIT = CriterionSpec(
    id=1,
    label="Fit",
    question="Does this prospect match your ideal customer profile?",
    weight=30,
    rule_employees_min=50,
    rule_employees_max=5000,
    order=0,
)
AUTHORITY = CriterionSpec(
    id=2,
    label="Decision maker",
    question="Is this person the right decision maker?",
    answer_type=scoring.CHOICE,
    choices=(
        {"value": "signs", "label": "Signs", "points": 100},
        {"value": "influences", "label": "Influences", "points": 50},
        {"value": "no", "label": "No", "points": 0},
    ),
    weight=30,
    order=1,
)
BUDGET = CriterionSpec(
    id=3,
    label="Budget",
    question="Does this prospect have the budget?",
    answer_type=scoring.CHOICE,
    choices=(
        {"value": "approved", "label": "Approved", "points": 100},
        {"value": "planned", "label": "Planned", "points": 50},
        {"value": "none", "label": "None", "points": 0},
    ),
    weight=40,
    must_have=True,
    order=2,
)
SEATS = CriterionSpec(
    id=4,
    label="Seats",
    question="How many seats?",
    answer_type=scoring.NUMBER,
    number_min=10,
    number_max=500,
    weight=10,
    order=3,
)


def criteria(*specs, qualify_at=70, disqualify_below=30):
    return Criteria(
        specs or (FIT, AUTHORITY, BUDGET), qualify_at=qualify_at, disqualify_below=disqualify_below
    )


def test_it_scores_met_answers_by_weight():
    # given every criterion met
    result = scoring.score(criteria(), {1: True, 2: "signs", 3: "approved"})

    # then the score is the full 100 and the verdict is qualify
    assert result.score == 100
    assert result.verdict == scoring.QUALIFY
    assert [r.status for r in result.results] == ["met", "met", "met"]


def test_it_gives_a_choice_its_share_of_the_weight():
    # given fit met (30), decision maker influences (50% of 30 = 15), budget planned (20)
    result = scoring.score(criteria(), {1: True, 2: "influences", 3: "planned"})

    # then the score is 65 of 100: below 70, so keep working
    assert result.score == 65
    assert result.verdict == scoring.KEEP_WORKING
    assert [round(r.earned, 1) for r in result.results] == [30.0, 15.0, 20.0]


def test_it_suggests_disqualify_when_a_must_have_fails_whatever_the_score():
    # given a high score but no budget (a must-have)
    result = scoring.score(criteria(qualify_at=50), {1: True, 2: "signs", 3: "none"})

    # then budget is a failed must-have and the verdict is disqualify
    assert result.score == 60
    assert result.verdict == scoring.DISQUALIFY
    assert [r.label for r in result.failed_must_haves] == ["Budget"]
    assert result.reasons[0] == "Must-have not met: Budget."


def test_it_calls_a_no_on_an_ordinary_criterion_missing():
    result = scoring.score(criteria(), {1: False, 2: "signs", 3: "approved"})

    assert result.score == 70
    assert [r.status for r in result.results] == ["missing", "met", "met"]
    assert result.verdict == scoring.QUALIFY


def test_it_keeps_working_while_answers_are_unknown():
    # given nothing answered
    result = scoring.score(criteria(), {})

    # then the score is 0 but the lead could still reach 100: keep working, not disqualify
    assert result.score == 0
    assert result.max_score == 100
    assert result.verdict == scoring.KEEP_WORKING
    assert len(result.unknown) == 3


def test_it_waits_for_an_unknown_must_have_before_qualifying():
    # given 60 points from fit and decision maker, budget unknown, qualify at 50
    result = scoring.score(criteria(qualify_at=50), {1: True, 2: "signs", 3: None})

    assert result.score == 60
    assert result.verdict == scoring.KEEP_WORKING
    assert "Must-have still unknown: Budget." in result.reasons


def test_it_disqualifies_on_score_only_when_unknowns_could_not_save_it():
    # given a lead that scores 0 on fit and authority; budget planned; threshold 40
    answered = scoring.score(
        criteria(qualify_at=80, disqualify_below=40), {1: False, 2: "no", 3: "planned"}
    )
    # then 20 points, nothing unknown: below 40, disqualify
    assert answered.score == 20
    assert answered.verdict == scoring.DISQUALIFY

    # given the same lead with authority unknown: it could still reach 50
    open_question = scoring.score(
        criteria(qualify_at=80, disqualify_below=40), {1: False, 3: "planned"}
    )
    assert open_question.score == 20
    assert open_question.max_score == 50
    assert open_question.verdict == scoring.KEEP_WORKING


@pytest.mark.parametrize(
    ("qualify_at", "verdict"), [(65, scoring.QUALIFY), (66, scoring.KEEP_WORKING)]
)
def test_it_applies_the_qualify_threshold_inclusively(qualify_at, verdict):
    result = scoring.score(
        criteria(qualify_at=qualify_at), {1: True, 2: "influences", 3: "planned"}
    )
    assert result.score == 65
    assert result.verdict == verdict


def test_it_scores_numbers_within_their_range():
    specs = criteria(SEATS, qualify_at=100, disqualify_below=0)

    assert scoring.score(specs, {4: 10}).score == 100
    assert scoring.score(specs, {4: 500}).score == 100
    assert scoring.score(specs, {4: 9}).score == 0
    assert scoring.score(specs, {4: 501}).results[0].status == "missing"


def test_it_ignores_answers_to_criteria_not_in_the_set():
    result = scoring.score(criteria(), {1: True, 99: True, "x": True})
    assert result.score == 30


def test_it_answers_profile_rules_from_the_leads_fields():
    spec = CriterionSpec(
        id=7,
        label="ICP",
        question="Fits?",
        rule_industries=("Software", "Retail"),
        rule_employees_min=50,
        rule_employees_max=5000,
        rule_countries=("Germany",),
    )
    specs = Criteria([spec])

    fits = {"industry": " software ", "employee_count": 200, "country": "germany"}
    assert scoring.profile_rule_answers(specs, fits) == {7: True}
    assert scoring.profile_rule_answers(specs, {**fits, "employee_count": 49}) == {7: False}
    assert scoring.profile_rule_answers(specs, {**fits, "country": "France"}) == {7: False}
    # an empty field leaves the answer unknown, unless another part already fails
    assert scoring.profile_rule_answers(specs, {**fits, "country": ""}) == {}
    assert scoring.profile_rule_answers(
        specs, {"industry": "Mining", "employee_count": None, "country": ""}
    ) == {7: False}


def test_it_leaves_criteria_without_a_rule_to_the_rep():
    assert scoring.profile_rule_answers(criteria(), {"employee_count": 200}) == {1: True}
    assert scoring.profile_rule_answers(criteria(), {"employee_count": 20}) == {1: False}


def test_it_rejects_answers_of_the_wrong_type():
    specs = criteria(FIT, AUTHORITY, SEATS)

    clean, errors = scoring.validate_answers(
        specs, {1: "yes", 2: "maybe", 4: True, 99: True, "abc": 1}
    )

    assert clean == {}
    assert errors == {
        "1": "Answer yes/no questions with true, false or null.",
        "2": 'Choose one of "signs", "influences", "no", or null.',
        "4": "Answer with a number, or null.",
        "99": "Not one of the current qualification criteria.",
        "abc": "Not a criterion id.",
    }


def test_it_accepts_well_typed_answers_and_nulls():
    specs = criteria(FIT, AUTHORITY, SEATS)

    clean, errors = scoring.validate_answers(specs, {"1": False, 2: None, 4: 12.0})

    assert errors == {}
    assert clean == {1: False, 2: None, 4: 12}


def test_it_round_trips_a_snapshot():
    specs = criteria(FIT, AUTHORITY, BUDGET, SEATS)
    snapshot = [spec.to_snapshot() for spec in specs]

    again = scoring.criteria_from_snapshot(snapshot, qualify_at=70, disqualify_below=30)

    assert list(again) == list(specs)


def test_it_scores_zero_with_no_criteria():
    result = scoring.score(Criteria([]), {})
    assert (result.score, result.verdict) == (0, scoring.KEEP_WORKING)


def test_it_reads_form_answers():
    assert scoring.parse_form_answer(FIT, "yes") is True
    assert scoring.parse_form_answer(FIT, "No") is False
    assert scoring.parse_form_answer(FIT, "unknown") is None
    assert scoring.parse_form_answer(BUDGET, "none") == "none"  # a choice, not "unknown"
    assert scoring.parse_form_answer(BUDGET, "") is None
    assert scoring.parse_form_answer(SEATS, "1,200") == 1200
    assert scoring.parse_form_answer(SEATS, "") is None
    with pytest.raises(ValueError):
        scoring.parse_form_answer(SEATS, "lots")
    with pytest.raises(ValueError):
        scoring.parse_form_answer(BUDGET, "plenty")
