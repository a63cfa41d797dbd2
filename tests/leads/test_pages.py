import pytest
from django.test import RequestFactory

from leads import selectors, services
from leads.models import CriteriaVersion, Criterion, Lead, Qualification
from salesproc.registry import panels_for
from tests.factories import DealFactory, LeadFactory, PipelineFactory

from .factories import default_answers, ids_by_label

pytestmark = pytest.mark.django_db


def form_answers(**kwargs):
    """The qualification form's fields for the default criteria."""
    raw = {True: "yes", False: "no", None: "unknown"}
    return {
        f"answer-{k}": raw.get(v, v) if isinstance(v, bool) or v is None else v
        for k, v in default_answers(**kwargs).items()
    }


# -- list and detail ----------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_leads_in_a_constant_number_of_queries(
    client, rep, rows, django_assert_max_num_queries
):
    LeadFactory.create_batch(rows, owner=rep, score=40)
    client.force_login(rep)

    with django_assert_max_num_queries(10):
        response = client.get("/leads/")

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(rows, 25)


def test_it_shows_the_highest_scores_first_and_filters(client, rep):
    LeadFactory(owner=rep, last_name="Low", score=10, source="web")
    LeadFactory(owner=rep, last_name="High", score=95, source="web")
    LeadFactory(owner=rep, last_name="Event", score=99, source="event")
    client.force_login(rep)

    default = client.get("/leads/")
    filtered = client.get("/leads/", {"source": "web", "min_score": 50}, HTTP_HX_REQUEST="true")

    assert [lead.last_name for lead in default.context["page"]] == ["Event", "High", "Low"]
    assert [lead.last_name for lead in filtered.context["page"]] == ["High"]
    assert [t.name for t in filtered.templates][0] == "leads/_lead_table.html"


def test_it_shows_a_lead_with_its_qualification_history(client, rep):
    lead = LeadFactory(owner=rep, last_name="Ng")
    services.lead_qualify(actor=rep, lead=lead, answers=default_answers())
    client.force_login(rep)

    response = client.get(f"/leads/{lead.pk}/")

    assert response.status_code == 200
    assert len(response.context["history"]) == 1
    assert b"Qualified with score 100" in response.content
    assert b"Qualification history" in response.content


def test_it_hides_another_teams_lead_pages(client, rep, other_manager):
    lead = LeadFactory(owner=other_manager)
    client.force_login(rep)

    for path in ("", "edit/", "qualify/", "convert/", "delete/"):
        assert client.get(f"/leads/{lead.pk}/{path}").status_code == 404
    assert client.post(f"/leads/{lead.pk}/qualify/", {"action": "keep_working"}).status_code == 404
    assert client.post(f"/leads/{lead.pk}/delete/").status_code == 404
    assert Lead.objects.filter(pk=lead.pk, status="new").exists()
    assert Qualification.objects.count() == 0


def test_it_tells_a_role_without_lead_qualification_so(client, other_rep):
    # given charlie, a key-account manager
    client.force_login(other_rep)

    response = client.get("/leads/")
    home = client.get("/")

    assert response.status_code == 403
    assert b"Lead qualification" in response.content
    assert b'href="/leads/"' not in home.content


def test_it_shows_leads_in_the_nav_and_on_home_for_reps(client, rep):
    LeadFactory(owner=rep, last_name="Topscore", score=88)
    client.force_login(rep)

    home = client.get("/")

    assert b'href="/leads/"' in home.content
    assert b"Leads to work" in home.content
    assert b"Topscore" in home.content


# -- create and edit ----------------------------------------------------------------


def test_it_creates_a_lead_from_the_form(client, rep):
    client.force_login(rep)

    response = client.post(
        "/leads/new/",
        {
            "last_name": "Ng",
            "first_name": "Jo",
            "email": "Jo@X.test",
            "employee_count": "300",
            "owner": rep.pk,
        },
    )

    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/leads/{lead.pk}/"
    assert (lead.email, lead.score) == ("jo@x.test", 30)


def test_it_shows_form_errors_and_creates_nothing(client, rep):
    client.force_login(rep)

    response = client.post("/leads/new/", {"last_name": "", "email": "bad", "owner": rep.pk})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"last_name", "email"}
    assert Lead.objects.count() == 0


def test_it_edits_a_lead(client, rep):
    lead = LeadFactory(owner=rep, job_title="")
    client.force_login(rep)
    data = {
        "last_name": lead.last_name,
        "first_name": lead.first_name,
        "email": lead.email,
        "job_title": "CTO",
        "owner": rep.pk,
    }

    response = client.post(f"/leads/{lead.pk}/edit/", data)

    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).job_title == "CTO"


# -- qualification view -------------------------------------------------------------


def test_it_asks_the_same_questions_in_order(client, rep, teammate):
    mine = LeadFactory(owner=rep)
    theirs = LeadFactory(owner=teammate)
    questions = [s.question for s in selectors.current_criteria()]

    client.force_login(rep)
    page_one = client.get(f"/leads/{mine.pk}/qualify/").content.decode()
    client.force_login(teammate)
    page_two = client.get(f"/leads/{theirs.pk}/qualify/").content.decode()

    for page in (page_one, page_two):
        positions = [page.index(q) for q in questions]
        assert positions == sorted(positions)
    assert 'hx-post="/leads/' in page_one


def test_it_previews_the_score_without_writing(client, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)

    response = client.post(
        f"/leads/{lead.pk}/qualify/preview/",
        form_answers(budget="none"),
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.context["result"].score == 60
    assert response.context["result"].verdict == "disqualify"
    assert b"Failed must-have" in response.content
    assert b'hx-swap-oob="true"' in response.content
    assert Qualification.objects.count() == 0


def test_it_qualifies_from_the_page(client, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)
    version = selectors.current_criteria().version_id

    response = client.post(
        f"/leads/{lead.pk}/qualify/", {**form_answers(), "action": "qualify", "version": version}
    )

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.score) == ("qualified", 100)


def test_it_keeps_working_when_qualify_is_pressed_below_the_threshold(client, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)

    client.post(
        f"/leads/{lead.pk}/qualify/",
        {**form_answers(budget="planned", decision_maker="influences"), "action": "qualify"},
    )

    assert Lead.objects.get(pk=lead.pk).status == "working"


def test_it_requires_a_reason_to_disqualify_on_the_page(client, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)

    response = client.post(
        f"/leads/{lead.pk}/qualify/", {**form_answers(), "action": "disqualify", "reason": ""}
    )

    assert response.status_code == 400
    assert b"Give a reason to disqualify the lead." in response.content
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_it_disqualifies_with_a_reason_on_the_page(client, rep):
    lead = LeadFactory(owner=rep)
    reason = next(r for r in selectors.active_reasons() if r.name == "Unresponsive")
    client.force_login(rep)

    response = client.post(
        f"/leads/{lead.pk}/qualify/", {"action": "disqualify", "reason": reason.pk}
    )

    assert response.status_code == 302
    assert Lead.objects.get(pk=lead.pk).disqualification_reason == reason


def test_it_rejects_a_bad_answer_on_the_page(client, rep):
    lead = LeadFactory(owner=rep)
    ids = ids_by_label(selectors.current_criteria())
    client.force_login(rep)

    response = client.post(
        f"/leads/{lead.pk}/qualify/", {f"answer-{ids['Budget']}": "lots", "action": "qualify"}
    )

    assert response.status_code == 400
    assert Qualification.objects.count() == 0


def test_it_asks_again_when_the_criteria_changed_meanwhile(client, rep, admin):
    lead = LeadFactory(owner=rep)
    old_version = selectors.current_criteria().version_id
    services.criteria_set_thresholds(actor=admin, qualify_at=60, disqualify_below=10)
    client.force_login(rep)

    response = client.post(
        f"/leads/{lead.pk}/qualify/",
        {**form_answers(), "action": "qualify", "version": old_version},
    )

    assert response.status_code == 400
    assert Lead.objects.get(pk=lead.pk).status == "new"


# -- convert ------------------------------------------------------------------------


def test_it_converts_from_the_page(client, rep):
    PipelineFactory()
    lead = LeadFactory(owner=rep)
    services.lead_qualify(actor=rep, lead=lead, answers=default_answers())
    client.force_login(rep)

    preview = client.get(f"/leads/{lead.pk}/convert/")
    response = client.post(f"/leads/{lead.pk}/convert/")

    assert preview.status_code == 200
    assert b"Prospecting" in preview.content
    assert response.status_code == 302
    converted = Lead.objects.get(pk=lead.pk)
    assert converted.status == "converted"
    assert response["Location"] == converted.converted_deal.get_absolute_url()  # work it next


def test_it_explains_why_an_unqualified_lead_cannot_be_converted(client, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)

    response = client.post(f"/leads/{lead.pk}/convert/", follow=True)

    assert b"Only a qualified lead can be converted" in response.content
    assert Lead.objects.get(pk=lead.pk).status == "new"


def test_it_shows_converted_leads_on_the_account_and_the_source_lead_on_the_deal(rep):
    PipelineFactory()
    lead = LeadFactory(owner=rep)
    services.lead_qualify(actor=rep, lead=lead, answers=default_answers())
    lead = services.lead_convert(actor=rep, lead=lead)
    request = RequestFactory().get("/")
    request.user = rep

    account_panels = panels_for(request, lead.converted_account)
    contact_panels = panels_for(request, lead.converted_contact)
    deal_panels = panels_for(request, lead.converted_deal)
    other_deal = panels_for(request, DealFactory(owner=rep))

    assert [p["context"]["leads"] for p in account_panels if p["key"] == "leads.converted"] == [
        [lead]
    ]
    assert [p["context"]["leads"] for p in contact_panels if p["key"] == "leads.converted"] == [
        [lead]
    ]
    assert [p["context"]["lead"] for p in deal_panels if p["key"] == "leads.source"] == [lead]
    assert [p for p in other_deal if p["key"] == "leads.source"] == []


# -- criteria admin -----------------------------------------------------------------


def test_it_hides_the_criteria_admin_from_reps_and_managers(client, rep, manager):
    before = list(Criterion.objects.values_list("pk", flat=True))  # the seeded defaults
    for user in (rep, manager):
        client.force_login(user)
        assert client.get("/leads/criteria/").status_code == 404
        assert (
            client.post("/leads/criteria/new/", {"label": "X", "question": "Y"}).status_code == 404
        )
    assert list(Criterion.objects.values_list("pk", flat=True)) == before


def test_it_lets_an_admin_add_a_criterion_that_reps_then_see(client, admin, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(admin)
    assert client.get("/leads/criteria/").status_code == 200

    response = client.post(
        "/leads/criteria/new/",
        {
            "label": "Timeline",
            "question": "When do they need a solution in place?",
            "answer_type": "choice",
            "weight": "20",
            "choices_text": "This quarter = 100\nThis year = 50\nNo date = 0",
        },
    )

    assert response.status_code == 302
    assert CriteriaVersion.objects.count() == 2
    client.force_login(rep)
    page = client.get(f"/leads/{lead.pk}/qualify/")
    assert b"When do they need a solution in place?" in page.content
    assert b"This quarter" in page.content


def test_it_shows_criterion_form_errors(client, admin):
    selectors.current_version()
    client.force_login(admin)

    response = client.post(
        "/leads/criteria/new/",
        {
            "label": "Size",
            "question": "How big?",
            "answer_type": "choice",
            "weight": "10",
            "choices_text": "Big",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "choices_text": ["A choice needs at least two options."]
    }
    assert CriteriaVersion.objects.count() == 1


def test_it_edits_moves_deletes_and_loads_presets_from_the_admin_page(client, admin):
    criteria = selectors.current_criteria()
    ids = [s.id for s in criteria]
    client.force_login(admin)

    edit_page = client.get(f"/leads/criteria/{ids[1]}/edit/")
    assert b"Yes, they sign off = 100" in edit_page.content
    client.post(f"/leads/criteria/{ids[2]}/move/up/")
    client.post(f"/leads/criteria/{ids[0]}/delete/")
    client.post("/leads/criteria/thresholds/", {"qualify_at": 80, "disqualify_below": 20})

    current = selectors.current_criteria()
    assert [s.id for s in current] == [ids[2], ids[1]]
    assert current.qualify_at == 80
    client.post("/leads/criteria/preset/", {"preset": "bant"})
    assert [s.label for s in selectors.current_criteria()] == [
        "Budget",
        "Authority",
        "Need",
        "Timeline",
    ]
    assert client.get(f"/leads/criteria/versions/{current.version_number}/").status_code == 200


def test_it_adds_and_retires_disqualification_reasons(client, admin):
    client.force_login(admin)

    client.post("/leads/criteria/reasons/", {"name": "Student project"})
    reason = next(r for r in selectors.active_reasons() if r.name == "Student project")
    client.post(f"/leads/criteria/reasons/{reason.pk}/toggle/")

    assert "Student project" not in [r.name for r in selectors.active_reasons()]


# -- metrics ------------------------------------------------------------------------


def test_it_shows_metrics_to_managers_only(client, manager, rep):
    LeadFactory(owner=rep, status="qualified")
    client.force_login(rep)
    assert client.get("/leads/metrics/").status_code == 403

    client.force_login(manager)
    response = client.get("/leads/metrics/")
    assert response.status_code == 200
    assert b"<svg" in response.content
    assert response.context["totals"]["total"] == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_it_computes_metrics_in_a_constant_number_of_queries(
    client, manager, rep, rows, django_assert_max_num_queries
):
    LeadFactory.create_batch(rows, owner=rep, status="working", source="web")
    client.force_login(manager)

    with django_assert_max_num_queries(10):
        response = client.get("/leads/metrics/")

    assert response.context["totals"]["total"] == rows


def test_it_lists_open_leads_by_default(client, rep):
    LeadFactory(owner=rep, last_name="Fresh", status="new")
    LeadFactory(owner=rep, last_name="Ready", status="qualified")
    LeadFactory(owner=rep, last_name="Done", status="converted")
    LeadFactory(owner=rep, last_name="Dropped", status="disqualified")
    client.force_login(rep)

    default = client.get("/leads/")
    everything = client.get("/leads/", {"status": "all"})

    assert {lead.last_name for lead in default.context["page"]} == {"Fresh", "Ready"}
    assert len(everything.context["page"].object_list) == 4
