import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from leads import selectors, services
from leads.models import CriteriaVersion, Criterion, DisqualificationReason, Lead, Qualification
from salesproc.models import Event
from tests.factories import LeadFactory

from .factories import criteria_set, default_answers, ids_by_label

pytestmark = pytest.mark.django_db


def events(lead, name=None):
    qs = Event.objects.filter(content_type__model="lead", object_id=lead.pk)
    if name:
        qs = qs.filter(name=name)
    return list(qs.order_by("id").values_list("name", flat=True))


# -- create, update, profile rules --------------------------------------------------


def test_it_creates_a_lead_with_a_lowercase_email_and_an_event(rep):
    lead = services.lead_create(
        actor=rep,
        data={
            "first_name": "Jo",
            "last_name": "Ng",
            "email": " Jo.Ng@Acme.TEST ",
            "employee_count": 300,
        },
        owner=rep,
    )

    assert lead.email == "jo.ng@acme.test"
    assert lead.status == Lead.Status.NEW
    assert events(lead)[0] == "lead.created"


def test_it_scores_a_new_lead_from_its_profile(rep):
    # given the default criteria: the ideal customer profile is 50-5000 employees (weight 30)
    lead = services.lead_create(
        actor=rep, data={"last_name": "Fit", "employee_count": 300}, owner=rep
    )

    # then the profile criterion is answered and the lead scores 30 of 100
    assert lead.score == 30
    working = selectors.working_qualification(lead)
    ids = ids_by_label(selectors.current_criteria())
    assert working.answers == {str(ids["Ideal customer profile"]): True}
    assert working.decided_at is None
    assert Lead.objects.get(pk=lead.pk).score == 30


def test_it_accepts_a_lead_from_intake_without_an_actor(rep):
    lead = services.lead_create(actor=None, data={"last_name": "Web", "source": "web"}, owner=rep)

    assert lead.owner == rep
    assert Event.objects.get(object_id=lead.pk, name="lead.created").actor is None


def test_it_rejects_a_lead_without_a_last_name_or_with_a_bad_email(rep):
    with pytest.raises(ValidationError) as exc:
        services.lead_create(actor=rep, data={"last_name": "", "email": "nope"}, owner=rep)

    assert set(exc.value.message_dict) == {"last_name", "email"}
    assert Lead.objects.count() == 0


def test_it_does_not_let_a_rep_give_a_lead_to_another_team(rep, other_manager):
    with pytest.raises(ValidationError) as exc:
        services.lead_create(actor=rep, data={"last_name": "X"}, owner=other_manager)
    assert "owner" in exc.value.message_dict
    assert Lead.objects.count() == 0


def test_it_records_changes_and_rescores_when_the_profile_changes(rep):
    lead = services.lead_create(
        actor=rep, data={"last_name": "Ng", "employee_count": 300}, owner=rep
    )

    services.lead_update(actor=rep, lead=lead, data={"employee_count": 20, "phone": "123"})

    lead.refresh_from_db()
    assert lead.score == 0
    updated = Event.objects.get(object_id=lead.pk, name="lead.updated")
    assert updated.data["changes"] == {"employee_count": [300, 20], "phone": ["", "123"]}
    assert events(lead) == ["lead.created", "lead.scored", "lead.updated", "lead.scored"]


def test_it_records_nothing_when_nothing_changes(rep):
    lead = LeadFactory(owner=rep, phone="1")

    services.lead_update(actor=rep, lead=lead, data={"phone": "1"})

    assert events(lead) == []


def test_it_applies_profile_rules_once(rep):
    lead = LeadFactory(owner=rep, employee_count=300)

    services.lead_apply_profile_rules(lead=lead)
    services.lead_apply_profile_rules(lead=lead)

    assert Qualification.objects.filter(lead=lead).count() == 1
    assert events(lead) == ["lead.scored"]
    assert Lead.objects.get(pk=lead.pk).score == 30


def test_it_keeps_a_reps_answers_when_profile_rules_run_again(rep):
    lead = LeadFactory(owner=rep, employee_count=300)
    answers = default_answers(budget="approved", decision_maker="signs")
    ids = ids_by_label(selectors.current_criteria())
    services.lead_keep_working(actor=rep, lead=lead, answers={ids["Budget"]: "approved"})

    lead.employee_count = 10
    lead.save()
    services.lead_apply_profile_rules(lead=lead)

    working = selectors.working_qualification(lead)
    assert working.answers == {
        str(ids["Budget"]): answers[ids["Budget"]],
        str(ids["Ideal customer profile"]): False,
    }
    assert Lead.objects.get(pk=lead.pk).score == 40


def test_it_refuses_to_delete_a_converted_lead(rep):
    lead = LeadFactory(owner=rep, status=Lead.Status.CONVERTED)
    with pytest.raises(ValidationError):
        services.lead_delete(actor=rep, lead=lead)
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_it_deletes_a_lead_and_leaves_a_trace(rep):
    lead = LeadFactory(owner=rep)
    pk = lead.pk

    services.lead_delete(actor=rep, lead=lead)

    assert not Lead.objects.filter(pk=pk).exists()
    assert Event.objects.filter(object_id=pk, name="lead.deleted").count() == 1


# -- qualify, keep working, disqualify ----------------------------------------------


def test_it_qualifies_when_the_verdict_allows_it(rep):
    lead = LeadFactory(owner=rep)

    qualification = services.lead_qualify(actor=rep, lead=lead, answers=default_answers())

    lead.refresh_from_db()
    assert (qualification.score, qualification.verdict, qualification.decision) == (
        100,
        "qualify",
        "qualified",
    )
    assert lead.status == Lead.Status.QUALIFIED
    assert lead.score == 100
    assert lead.qualified_at is not None
    assert qualification.by == rep
    assert qualification.version == CriteriaVersion.objects.get()
    assert events(lead)[-1] == "lead.qualified"


def test_it_keeps_working_a_lead_below_the_threshold(rep):
    lead = LeadFactory(owner=rep)

    # given 30 + 15 + 20 = 65 < 70
    qualification = services.lead_qualify(
        actor=rep,
        lead=lead,
        answers=default_answers(decision_maker="influences", budget="planned"),
    )

    lead.refresh_from_db()
    assert qualification.score == 65
    assert qualification.decision == "working"
    assert lead.status == Lead.Status.WORKING
    assert lead.qualified_at is None
    assert "lead.qualified" not in events(lead)
    assert events(lead)[-1] == "lead.kept_working"


def test_it_qualifies_against_the_verdict_when_the_rep_confirms(rep):
    lead = LeadFactory(owner=rep)

    qualification = services.lead_qualify(
        actor=rep,
        lead=lead,
        answers=default_answers(decision_maker="influences", budget="planned"),
        confirm=True,
    )

    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.QUALIFIED
    assert qualification.overridden is True
    assert Event.objects.get(object_id=lead.pk, name="lead.qualified").data["overridden"] is True


def test_it_does_not_qualify_on_a_failed_must_have(rep):
    lead = LeadFactory(owner=rep)

    qualification = services.lead_qualify(
        actor=rep, lead=lead, answers=default_answers(budget="none")
    )

    assert qualification.verdict == "disqualify"
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.WORKING


def test_it_merges_new_answers_with_the_working_ones(rep):
    lead = LeadFactory(owner=rep, employee_count=300)  # profile: fits (30)
    services.lead_apply_profile_rules(lead=lead)
    ids = ids_by_label(selectors.current_criteria())

    qualification = services.lead_qualify(
        actor=rep, lead=lead, answers={ids["Decision maker"]: "signs", ids["Budget"]: "approved"}
    )

    assert qualification.score == 100
    assert Qualification.objects.filter(lead=lead).count() == 1
    assert [r["from_profile"] for r in qualification.results] == [True, False, False]


def test_it_rejects_unknown_criteria_and_wrong_types_and_changes_nothing(rep):
    lead = LeadFactory(owner=rep)
    ids = ids_by_label(selectors.current_criteria())

    with pytest.raises(ValidationError) as exc:
        services.lead_qualify(actor=rep, lead=lead, answers={ids["Budget"]: 7, 999999: True})

    assert exc.value.message_dict["answers"] == [
        f'Criterion {ids["Budget"]}: Choose one of "approved", "planned", "none", or null.',
        "Criterion 999999: Not one of the current qualification criteria.",
    ]
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.NEW
    assert Qualification.objects.count() == 0


def test_it_disqualifies_with_a_reason(rep):
    lead = LeadFactory(owner=rep)

    qualification = services.lead_disqualify(
        actor=rep, lead=lead, reason="no budget", note="Frozen"
    )

    lead.refresh_from_db()
    assert lead.status == Lead.Status.DISQUALIFIED
    assert lead.disqualification_reason.name == "No budget"
    assert qualification.decision == "disqualified"
    assert qualification.note == "Frozen"
    assert (
        Event.objects.get(object_id=lead.pk, name="lead.disqualified").data["reason"] == "No budget"
    )


@pytest.mark.parametrize("reason", ["", "   ", None, "Because"])
def test_it_requires_a_known_reason_to_disqualify(rep, reason):
    lead = LeadFactory(owner=rep)

    with pytest.raises(ValidationError) as exc:
        services.lead_disqualify(actor=rep, lead=lead, reason=reason)

    assert "reason" in exc.value.message_dict
    assert Lead.objects.get(pk=lead.pk).status == Lead.Status.NEW


def test_it_refuses_a_retired_reason(rep, admin):
    selectors.active_reasons()
    reason = DisqualificationReason.objects.get(name="Unresponsive")
    services.disqualification_reason_set_active(actor=admin, reason=reason, active=False)

    with pytest.raises(ValidationError):
        services.lead_disqualify(actor=rep, lead=LeadFactory(owner=rep), reason=reason.pk)


def test_it_requalifies_a_disqualified_lead(rep):
    lead = LeadFactory(owner=rep)
    services.lead_disqualify(actor=rep, lead=lead, reason="Unresponsive")

    services.lead_qualify(actor=rep, lead=lead, answers=default_answers())

    lead.refresh_from_db()
    assert lead.status == Lead.Status.QUALIFIED
    assert lead.disqualification_reason is None
    assert lead.qualifications.decided().count() == 2


# -- versions -----------------------------------------------------------------------


def test_it_makes_the_defaults_version_one():
    criteria = selectors.current_criteria()

    assert [s.label for s in criteria] == ["Ideal customer profile", "Decision maker", "Budget"]
    assert [s.question for s in criteria] == [
        "Does this prospect match your ideal customer profile?",
        "Is this person the right decision maker for this purchase?",
        "Does this prospect have the budget to pay for your product or service?",
    ]
    assert (criteria.version_number, criteria.qualify_at, criteria.disqualify_below) == (1, 70, 30)


def test_it_leaves_past_qualifications_intact_when_criteria_change(rep, admin):
    # given a lead qualified on version 1
    lead = LeadFactory(owner=rep)
    past = services.lead_qualify(actor=rep, lead=lead, answers=default_answers())
    version_one = past.version
    frozen = list(version_one.criteria)
    ids = ids_by_label(selectors.current_criteria())

    # when an admin reweighs budget, adds a criterion and removes another
    budget = Criterion.objects.get(pk=ids["Budget"])
    services.criterion_update(
        actor=admin, criterion=budget, data={"weight": 10, "question": "Budget?"}
    )
    services.criterion_create(
        actor=admin,
        data={"label": "Timeline", "question": "When?", "answer_type": "yes_no", "weight": 20},
    )
    services.criterion_delete(
        actor=admin, criterion=Criterion.objects.get(pk=ids["Decision maker"])
    )

    # then the past qualification keeps its version, answers and score
    past.refresh_from_db()
    version_one.refresh_from_db()
    assert past.version_id == version_one.pk
    assert version_one.criteria == frozen
    assert past.score == 100
    assert [r["label"] for r in past.results] == [
        "Ideal customer profile",
        "Decision maker",
        "Budget",
    ]
    assert Lead.objects.get(pk=lead.pk).score == 100
    # and the current version is the fourth, with the new questions
    current = selectors.current_criteria()
    assert current.version_number == 4
    assert [(s.label, s.weight) for s in current] == [
        ("Ideal customer profile", 30),
        ("Budget", 10),
        ("Timeline", 20),
    ]


def test_it_scores_new_qualifications_on_the_new_version(rep, admin):
    criteria = criteria_set(
        admin,
        [
            {"label": "Need", "question": "Need?", "weight": 50, "must_have": True},
            {"label": "Timeline", "question": "When?", "weight": 50},
        ],
        qualify_at=50,
    )
    ids = ids_by_label(criteria)
    lead = LeadFactory(owner=rep)

    qualification = services.lead_qualify(actor=rep, lead=lead, answers={ids["Need"]: True})

    assert qualification.version.number == criteria.version_number
    assert qualification.score == 50
    assert qualification.decision == "qualified"


def test_it_only_lets_admins_change_criteria(rep):
    selectors.current_version()
    with pytest.raises(PermissionDenied):
        services.criterion_create(actor=rep, data={"label": "X", "question": "Y"})
    with pytest.raises(PermissionDenied):
        services.criteria_load_preset(actor=rep, preset="bant")
    assert CriteriaVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"label": "", "question": "Q"}, "label"),
        ({"label": "L", "question": " "}, "question"),
        (
            {
                "label": "L",
                "question": "Q",
                "answer_type": "choice",
                "choices": [{"label": "Only", "points": 100}],
            },
            "choices",
        ),
        (
            {
                "label": "L",
                "question": "Q",
                "answer_type": "choice",
                "choices": [{"label": "A", "points": 100}, {"label": "B", "points": 101}],
            },
            "choices",
        ),
        (
            {
                "label": "L",
                "question": "Q",
                "answer_type": "number",
                "number_min": 10,
                "number_max": 5,
            },
            "number_max",
        ),
        (
            {
                "label": "L",
                "question": "Q",
                "answer_type": "choice",
                "choices": [{"label": "A", "points": 1}, {"label": "B", "points": 0}],
                "rule_countries": ["Spain"],
            },
            "answer_type",
        ),
        (
            {"label": "L", "question": "Q", "rule_employees_min": 100, "rule_employees_max": 10},
            "rule_employees_max",
        ),
        ({"label": "L", "question": "Q", "weight": 101}, "weight"),
    ],
)
def test_it_rejects_bad_criteria_and_publishes_nothing(admin, data, field):
    selectors.current_version()

    with pytest.raises(ValidationError) as exc:
        services.criterion_create(actor=admin, data=data)

    assert field in exc.value.message_dict
    assert CriteriaVersion.objects.count() == 1
    assert Criterion.objects.count() == 3


def test_it_reorders_the_questions(admin):
    criteria = selectors.current_criteria()
    ids = [s.id for s in criteria]

    services.criteria_reorder(actor=admin, order=list(reversed(ids)))

    assert [s.id for s in selectors.current_criteria()] == list(reversed(ids))
    with pytest.raises(ValidationError):
        services.criteria_reorder(actor=admin, order=ids[:2])


def test_it_moves_a_question_up(admin):
    ids = [s.id for s in selectors.current_criteria()]

    services.criterion_move(actor=admin, criterion=Criterion.objects.get(pk=ids[2]), direction="up")

    assert [s.id for s in selectors.current_criteria()] == [ids[0], ids[2], ids[1]]


def test_it_checks_thresholds(admin):
    selectors.current_version()
    with pytest.raises(ValidationError) as exc:
        services.criteria_set_thresholds(actor=admin, qualify_at=40, disqualify_below=50)
    assert "disqualify_below" in exc.value.message_dict

    version = services.criteria_set_thresholds(actor=admin, qualify_at=60, disqualify_below=20)
    assert (version.number, version.qualify_at, version.disqualify_below) == (2, 60, 20)


@pytest.mark.parametrize(
    ("preset", "labels"),
    [
        ("bant", ["Budget", "Authority", "Need", "Timeline"]),
        (
            "meddicc",
            [
                "Metrics",
                "Economic buyer",
                "Decision criteria",
                "Decision process",
                "Identified pain",
                "Champion",
                "Competition",
            ],
        ),
    ],
)
def test_it_loads_ready_made_sets(admin, preset, labels):
    selectors.current_version()

    services.criteria_load_preset(actor=admin, preset=preset)

    current = selectors.current_criteria()
    assert [s.label for s in current] == labels
    assert current.version_number == 2
