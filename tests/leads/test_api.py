import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account
from deals.models import Deal
from leads import selectors, services
from leads.models import CriteriaVersion, Criterion, Lead, Qualification
from tests.factories import LeadFactory, PipelineFactory

from .factories import default_answers, ids_by_label

pytestmark = pytest.mark.django_db


def answers_body(**kwargs):
    return {"answers": [{"criterion": k, "value": v} for k, v in default_answers(**kwargs).items()]}


# -- list, filters, ordering --------------------------------------------------------


def test_it_lists_visible_leads_highest_score_first(api_as, rep, teammate, manager, other_manager):
    low = LeadFactory(owner=rep, score=20)
    high = LeadFactory(owner=rep, score=90)
    unscored = LeadFactory(owner=rep, score=None)
    theirs = LeadFactory(owner=teammate, score=50)
    LeadFactory(owner=other_manager, score=99)

    rep_ids = [row["id"] for row in api_as(rep).get("/api/v1/leads/").json()["results"]]
    manager_ids = [row["id"] for row in api_as(manager).get("/api/v1/leads/").json()["results"]]

    assert rep_ids == [high.pk, low.pk, unscored.pk]
    assert manager_ids == [high.pk, theirs.pk, low.pk, unscored.pk]


def test_it_filters_by_status_owner_source_and_min_score(api_as, manager, rep, teammate):
    match = LeadFactory(owner=rep, status="working", source="event", score=75)
    LeadFactory(owner=rep, status="working", source="event", score=60)
    LeadFactory(owner=rep, status="new", source="event", score=80)
    LeadFactory(owner=rep, status="working", source="web", score=80)
    LeadFactory(owner=teammate, status="working", source="event", score=80)

    response = api_as(manager).get(
        "/api/v1/leads/",
        {"status": "working", "source": "event", "owner": rep.pk, "min_score": 70},
    )

    assert [row["id"] for row in response.json()["results"]] == [match.pk]


def test_it_orders_by_score_ascending_with_unscored_last(api_as, rep):
    a = LeadFactory(owner=rep, score=10)
    b = LeadFactory(owner=rep, score=None)
    c = LeadFactory(owner=rep, score=5)

    response = api_as(rep).get("/api/v1/leads/", {"ordering": "score"})

    assert [row["id"] for row in response.json()["results"]] == [c.pk, a.pk, b.pk]


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_leads_in_a_constant_number_of_queries(
    api_as, rep, rows, django_assert_max_num_queries
):
    LeadFactory.create_batch(rows, owner=rep, score=50)
    client = api_as(rep)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/leads/", {"page_size": 50})

    assert response.json()["count"] == rows


# -- create, update, delete ---------------------------------------------------------


def test_it_creates_a_lead_owned_by_the_caller(api_as, rep):
    response = api_as(rep).post(
        "/api/v1/leads/",
        {"last_name": "Ng", "email": "JO@X.TEST", "employee_count": 120, "source": "web"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["email"], body["owner"], body["status"], body["score"]) == (
        "jo@x.test",
        rep.pk,
        "new",
        30,
    )


def test_it_ignores_status_and_score_sent_by_a_client(api_as, rep):
    response = api_as(rep).post(
        "/api/v1/leads/", {"last_name": "Ng", "status": "converted", "score": 100}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["score"]) == ("new", None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"last_name": ""}, "last_name"),
        ({"last_name": "Ng", "email": "not-an-email"}, "email"),
        ({"last_name": "Ng", "employee_count": -5}, "employee_count"),
    ],
)
def test_it_rejects_bad_lead_data(api_as, rep, body, field):
    response = api_as(rep).post("/api/v1/leads/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Lead.objects.count() == 0


def test_it_rejects_an_owner_from_another_team(api_as, rep, other_manager):
    response = api_as(rep).post(
        "/api/v1/leads/", {"last_name": "Ng", "owner": other_manager.pk}, format="json"
    )

    assert response.status_code == 400
    assert "owner" in response.json()


def test_it_updates_and_deletes_through_the_services(api_as, rep):
    lead = LeadFactory(owner=rep, phone="")
    client = api_as(rep)

    response = client.patch(f"/api/v1/leads/{lead.pk}/", {"phone": "555"}, format="json")
    assert response.status_code == 200
    assert Lead.objects.get(pk=lead.pk).phone == "555"

    assert client.delete(f"/api/v1/leads/{lead.pk}/").status_code == 204
    assert not Lead.objects.filter(pk=lead.pk).exists()


# -- qualify, disqualify, convert ---------------------------------------------------


def test_it_qualifies_over_the_api(api_as, rep):
    lead = LeadFactory(owner=rep)

    response = api_as(rep).post(f"/api/v1/leads/{lead.pk}/qualify/", answers_body(), format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["score"], body["status"], body["verdict"]) == (100, "qualified", "qualify")
    assert [r["status"] for r in body["results"]] == ["met", "met", "met"]
    assert body["criteria_version"] == 1


def test_it_answers_with_the_reasons_when_the_lead_does_not_qualify(api_as, rep):
    lead = LeadFactory(owner=rep)

    response = api_as(rep).post(
        f"/api/v1/leads/{lead.pk}/qualify/", answers_body(budget="none"), format="json"
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["score"], body["status"], body["verdict"]) == (60, "working", "disqualify")
    assert [r["status"] for r in body["results"]] == ["met", "met", "failed_must_have"]


def test_it_qualifies_with_confirm_against_the_verdict(api_as, rep):
    lead = LeadFactory(owner=rep)
    body = {**answers_body(budget="planned", decision_maker="influences"), "confirm": True}

    response = api_as(rep).post(f"/api/v1/leads/{lead.pk}/qualify/", body, format="json")

    assert response.json()["status"] == "qualified"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            [{"criterion": 999999, "value": True}],
            "Criterion 999999: Not one of the current qualification criteria.",
        ),
        ([{"criterion": "ICP", "value": "yes"}], None),
        ([{"value": True}], None),
        ("nonsense", None),
    ],
)
def test_it_rejects_bad_answers_with_400(api_as, rep, answers, message):
    lead = LeadFactory(owner=rep)

    response = api_as(rep).post(
        f"/api/v1/leads/{lead.pk}/qualify/", {"answers": answers}, format="json"
    )

    assert response.status_code == 400
    assert "answers" in response.json()
    if message:
        assert response.json()["answers"] == [message]
    assert Qualification.objects.count() == 0
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_it_rejects_a_wrong_value_type_with_a_message(api_as, rep):
    lead = LeadFactory(owner=rep)
    ids = ids_by_label(selectors.current_criteria())

    response = api_as(rep).post(
        f"/api/v1/leads/{lead.pk}/qualify/",
        {"answers": [{"criterion": ids["Ideal customer profile"], "value": "yes"}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "answers": [
            f"Criterion {ids['Ideal customer profile']}: Answer yes/no questions with true, false or null."
        ]
    }


def test_it_rejects_a_criterion_answered_twice(api_as, rep):
    lead = LeadFactory(owner=rep)
    ids = ids_by_label(selectors.current_criteria())
    criterion = ids["Ideal customer profile"]

    response = api_as(rep).post(
        f"/api/v1/leads/{lead.pk}/qualify/",
        {
            "answers": [
                {"criterion": criterion, "value": True},
                {"criterion": criterion, "value": False},
            ]
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"answers": [f"Criterion {criterion} is answered twice."]}


def test_it_rejects_a_malformed_body(api_as, rep):
    lead = LeadFactory(owner=rep)

    response = api_as(rep).post(
        f"/api/v1/leads/{lead.pk}/qualify/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    lead.refresh_from_db()
    assert (lead.status, lead.qualifications.count()) == ("new", 0)


def test_it_disqualifies_with_a_reason_over_the_api(api_as, rep):
    lead = LeadFactory(owner=rep)

    response = api_as(rep).post(
        f"/api/v1/leads/{lead.pk}/disqualify/", {"reason": "Chose a competitor"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "disqualified"
    assert Lead.objects.get(pk=lead.pk).disqualification_reason.name == "Chose a competitor"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "Bad vibes"}])
def test_it_requires_a_reason_to_disqualify_over_the_api(api_as, rep, body):
    lead = LeadFactory(owner=rep)

    response = api_as(rep).post(f"/api/v1/leads/{lead.pk}/disqualify/", body, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_it_converts_over_the_api_once(api_as, rep):
    PipelineFactory()
    lead = LeadFactory(owner=rep)
    services.lead_qualify(actor=rep, lead=lead, answers=default_answers())
    client = api_as(rep)

    first = client.post(f"/api/v1/leads/{lead.pk}/convert/")
    second = client.post(f"/api/v1/leads/{lead.pk}/convert/")

    assert first.status_code == second.status_code == 200
    lead.refresh_from_db()
    expected = {
        "account": lead.converted_account_id,
        "contact": lead.converted_contact_id,
        "deal": lead.converted_deal_id,
    }
    assert first.json() == second.json() == expected
    assert (Account.objects.count(), Deal.objects.count()) == (1, 1)


def test_it_refuses_to_convert_an_unqualified_lead(api_as, rep):
    PipelineFactory()
    lead = LeadFactory(owner=rep)

    response = api_as(rep).post(f"/api/v1/leads/{lead.pk}/convert/")

    assert response.status_code == 400
    assert response.json() == {
        "status": ["Only a qualified lead can be converted; this one is new."]
    }
    assert Deal.objects.count() == 0


def test_it_lists_the_qualification_history(api_as, rep):
    lead = LeadFactory(owner=rep)
    services.lead_keep_working(actor=rep, lead=lead, answers={})
    services.lead_qualify(actor=rep, lead=lead, answers=default_answers())

    response = api_as(rep).get(f"/api/v1/leads/{lead.pk}/qualifications/")

    assert [row["decision"] for row in response.json()] == ["qualified", "working"]


# -- permissions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("patch", "", {"phone": "1"}),
        ("delete", "", None),
        ("post", "qualify/", {"answers": []}),
        ("post", "disqualify/", {"reason": "Unresponsive"}),
        ("post", "convert/", None),
        ("get", "qualifications/", None),
    ],
)
def test_it_hides_another_teams_lead(api_as, rep, other_manager, method, path, body):
    PipelineFactory()
    lead = LeadFactory(owner=other_manager, phone="", status="qualified")

    response = getattr(api_as(rep), method)(f"/api/v1/leads/{lead.pk}/{path}", body, format="json")

    assert response.status_code == 404
    fresh = Lead.objects.get(pk=lead.pk)
    assert (fresh.phone, fresh.status, fresh.converted_deal_id) == ("", "qualified", None)
    assert Qualification.objects.count() == 0


def test_it_refuses_the_leads_api_to_a_role_that_does_not_run_it(api_as, other_rep):
    # given charlie, a key-account manager: his role does not run lead qualification
    lead = LeadFactory(owner=other_rep)

    listing = api_as(other_rep).get("/api/v1/leads/")
    qualify = api_as(other_rep).post(
        f"/api/v1/leads/{lead.pk}/qualify/", {"answers": []}, format="json"
    )

    assert listing.status_code == 403
    assert qualify.status_code == 403
    assert Qualification.objects.count() == 0


def test_it_requires_login(api):
    assert api.get("/api/v1/leads/").status_code in (401, 403)


# -- criteria -----------------------------------------------------------------------


def test_it_lets_everyone_read_the_criteria(api_as, other_rep):
    response = api_as(other_rep).get("/api/v1/qualification-criteria/")

    assert response.status_code == 200
    assert [row["label"] for row in response.json()] == [
        "Ideal customer profile",
        "Decision maker",
        "Budget",
    ]
    assert response.json()[2]["choices"][0] == {
        "value": "approved",
        "label": "Budget approved",
        "points": 100,
    }


def test_it_lets_only_admins_write_criteria(api_as, rep, manager):
    selectors.current_version()
    for user in (rep, manager):
        response = api_as(user).post(
            "/api/v1/qualification-criteria/", {"label": "X", "question": "Y?"}, format="json"
        )
        assert response.status_code == 403
    assert Criterion.objects.count() == 3
    assert CriteriaVersion.objects.count() == 1


def test_it_lets_an_admin_add_a_criterion_as_a_new_version(api_as, admin):
    client = api_as(admin)
    client.get("/api/v1/qualification-criteria/")

    response = client.post(
        "/api/v1/qualification-criteria/",
        {
            "label": "Timeline",
            "question": "When do they need it?",
            "answer_type": "choice",
            "choices": [{"label": "This quarter", "points": 100}, {"label": "Later", "points": 30}],
            "weight": 20,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["choices"] == [
        {"value": "this-quarter", "label": "This quarter", "points": 100},
        {"value": "later", "label": "Later", "points": 30},
    ]
    version = client.get("/api/v1/qualification-criteria/version/").json()
    assert version["number"] == 2
    assert [c["label"] for c in version["criteria"]][-1] == "Timeline"


def test_it_rejects_a_bad_criterion_over_the_api(api_as, admin):
    response = api_as(admin).post(
        "/api/v1/qualification-criteria/",
        {"label": "Size", "question": "How big?", "answer_type": "choice", "choices": []},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"choices": ["A choice needs at least two options."]}


def test_it_sets_thresholds_reorders_and_loads_presets_over_the_api(api_as, admin):
    client = api_as(admin)
    ids = [row["id"] for row in client.get("/api/v1/qualification-criteria/").json()]

    thresholds = client.post(
        "/api/v1/qualification-criteria/thresholds/",
        {"qualify_at": 60, "disqualify_below": 20},
        format="json",
    )
    reorder = client.post(
        "/api/v1/qualification-criteria/reorder/", {"order": list(reversed(ids))}, format="json"
    )
    preset = client.post(
        "/api/v1/qualification-criteria/load-preset/", {"preset": "meddicc"}, format="json"
    )
    bad = client.post(
        "/api/v1/qualification-criteria/thresholds/",
        {"qualify_at": 10, "disqualify_below": 20},
        format="json",
    )

    assert (thresholds.json()["number"], thresholds.json()["qualify_at"]) == (2, 60)
    assert [c["id"] for c in reorder.json()["criteria"]] == list(reversed(ids))
    assert preset.json()["number"] == 4
    assert bad.status_code == 400
    assert "disqualify_below" in bad.json()


def test_it_lists_disqualification_reasons(api_as, rep):
    response = api_as(rep).get("/api/v1/disqualification-reasons/")

    assert response.status_code == 200
    assert "No budget" in [row["name"] for row in response.json()]
    assert api_as(rep).post("/api/v1/disqualification-reasons/", {"name": "X"}).status_code == 403


def test_it_rejects_a_negative_deal_amount_and_converts_nothing(api_as, rep):
    PipelineFactory()
    lead = LeadFactory(owner=rep)
    services.lead_qualify(actor=rep, lead=lead, answers=default_answers())

    response = api_as(rep).post(
        f"/api/v1/leads/{lead.pk}/convert/", {"amount": "-5"}, format="json"
    )

    assert response.status_code == 400
    assert "amount" in response.json()
    assert Lead.objects.get(pk=lead.pk).status == "qualified"
    assert Deal.objects.count() == 0


# -- issue 9: the API refuses answers given to criteria that changed meanwhile ---------

CRITERIA_CHANGED = (
    "An admin changed the questions while you were answering. "
    "Check the answers below and decide again."
)


def test_the_api_refuses_answers_to_criteria_that_changed_meanwhile(api_as, rep, admin):
    # Given a rep who read version 1 of the criteria
    lead = LeadFactory(owner=rep)
    answered = selectors.current_version().number
    body = {**answers_body(), "criteria_version": answered}
    # When an admin publishes version 2 before the rep sends the answers
    services.criteria_set_thresholds(actor=admin, qualify_at=60, disqualify_below=10)
    response = api_as(rep).post(f"/api/v1/leads/{lead.pk}/qualify/", body, format="json")
    # Then the API gives the page's refusal and nothing is decided
    assert response.status_code == 400
    assert response.json()["criteria_version"] == [CRITERIA_CHANGED]
    assert Lead.objects.get(pk=lead.pk).status == "new"
    assert Qualification.objects.count() == 0
    # And answering the version in force qualifies
    body["criteria_version"] = selectors.current_version().number
    response = api_as(rep).post(f"/api/v1/leads/{lead.pk}/qualify/", body, format="json")
    assert response.status_code == 200
    assert response.json()["criteria_version"] == body["criteria_version"]


def test_the_service_refuses_answers_to_an_old_version(rep, admin):
    lead = LeadFactory(owner=rep)
    answered = selectors.current_version().number
    services.criteria_set_thresholds(actor=admin, qualify_at=60, disqualify_below=10)
    with pytest.raises(ValidationError) as caught:
        services.lead_qualify(
            actor=rep, lead=lead, answers=default_answers(), answered_version=answered
        )
    assert caught.value.message_dict == {"criteria_version": [CRITERIA_CHANGED]}
