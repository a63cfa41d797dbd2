"""Intake form admin pages: list, create, snippet, new key, submissions."""

import pytest
from django.urls import reverse

from leads.intake.models import HONEYPOT_FIELD, IntakeForm, IntakeSubmission
from salesproc.models import Event

from .intake_factories import IntakeFormFactory


def test_it_creates_an_intake_form(client, admin, north):
    client.force_login(admin)
    response = client.post(
        reverse("leads:intake_form_create"),
        {
            "name": "Contact us",
            "source": "Website",
            "team": north.pk,
            "allowed_fields": ["first_name", "last_name", "email", "company_name"],
            "aliases": "company = company_name\nyour-name = Full name",
            "redirect_url": "https://example.test/thanks",
            "is_active": "on",
        },
    )
    form = IntakeForm.objects.get()
    assert response.status_code == 302
    assert response["Location"] == form.get_absolute_url()
    assert (form.name, form.team, form.is_active) == ("Contact us", north, True)
    assert form.aliases == {"company": "company_name", "your-name": "full_name"}
    assert len(form.key) >= 32
    assert form.created_by == admin
    assert Event.objects.filter(name="intake_form.created", object_id=form.pk).count() == 1


def test_it_refuses_a_form_that_cannot_make_a_lead(client, admin, north):
    client.force_login(admin)
    response = client.post(
        reverse("leads:intake_form_create"),
        {
            "name": "Bad",
            "source": "Web",
            "team": north.pk,
            "allowed_fields": ["first_name", "email"],
        },
    )
    assert response.status_code == 200
    assert "A lead needs a last name: allow Last name." in response.content.decode()
    assert IntakeForm.objects.count() == 0


def test_the_detail_page_shows_the_key_and_a_snippet_with_a_honeypot(client, admin, rep, teammate):
    form = IntakeFormFactory(team=rep.team)
    client.force_login(admin)
    response = client.get(form.get_absolute_url())
    text = response.content.decode()
    assert response.status_code == 200
    assert form.key in text
    assert f"/api/v1/intake/{form.key}/" in text
    assert f'name="{HONEYPOT_FIELD}"' in text.replace("&quot;", '"')
    assert "Alice" in text and "Bob" in text  # who is in turn


def test_a_new_key_retires_the_old_one(client, admin, rep):
    form = IntakeFormFactory(team=rep.team)
    old = form.key
    client.force_login(admin)
    client.post(reverse("leads:intake_form_regenerate_key", args=[form.pk]))
    form.refresh_from_db()
    assert form.key != old
    response = client.post(
        reverse("intake_submit", args=[old]), {"last_name": "X", "email": "x@x.test"}
    )
    assert response.status_code == 404


def test_it_edits_a_form(client, admin, rep):
    form = IntakeFormFactory(team=rep.team)
    client.force_login(admin)
    response = client.post(
        reverse("leads:intake_form_edit", args=[form.pk]),
        {
            "name": "Renamed",
            "source": "Landing page",
            "team": rep.team.pk,
            "allowed_fields": ["last_name", "email"],
            "aliases": "",
            "redirect_url": "",
        },
    )
    assert response.status_code == 302
    form.refresh_from_db()
    assert (form.name, form.source, form.is_active) == ("Renamed", "Landing page", False)


@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_only_an_admin_sees_intake_forms(client, request, persona, rep):
    form = IntakeFormFactory(team=rep.team)
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("leads:intake_form_list"),
        reverse("leads:intake_form_create"),
        form.get_absolute_url(),
        reverse("leads:intake_form_edit", args=[form.pk]),
    ):
        assert client.get(url).status_code == 404
    key = form.key
    assert (
        client.post(reverse("leads:intake_form_regenerate_key", args=[form.pk])).status_code == 404
    )
    form.refresh_from_db()
    assert form.key == key


def test_the_list_shows_forms_and_submissions_by_state(client, admin, rep):
    form = IntakeFormFactory(team=rep.team, name="Pricing page")
    IntakeSubmission.objects.create(
        form=form, payload={"last_name": "A"}, state="failed", error="Boom"
    )
    IntakeSubmission.objects.create(form=form, payload={"last_name": "B"}, state="dropped")
    client.force_login(admin)
    text = client.get(reverse("leads:intake_form_list")).content.decode()
    assert "Pricing page" in text and "Boom" in text and "Spam, dropped" in text
    failed_only = client.get(reverse("leads:intake_form_list") + "?state=failed").content.decode()
    assert "Boom" in failed_only and "Spam, dropped" not in failed_only


@pytest.mark.parametrize("count", [3, 30])
def test_the_submission_lists_have_a_constant_number_of_queries(
    client, admin, rep, count, django_assert_max_num_queries
):
    from tests.factories import LeadFactory

    forms = [IntakeFormFactory(team=rep.team) for _ in range(3)]
    leads = [LeadFactory(owner=rep) for _ in range(3)]
    IntakeSubmission.objects.bulk_create(
        [
            IntakeSubmission(
                form=forms[i % 3],
                payload={"last_name": f"P{i}"},
                state="processed",
                lead=leads[i % 3],
            )
            for i in range(count)
        ]
    )
    client.force_login(admin)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("leads:intake_form_list")).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(forms[0].get_absolute_url()).status_code == 200
