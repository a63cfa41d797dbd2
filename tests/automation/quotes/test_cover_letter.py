"""A quote's cover letter started from an email template: the templates a rep may use
(shared and their own, proposal ones first), filled in for the quote's deal; page and API."""

import pytest
from django.urls import reverse

from automation.emails.models import EmailTemplate
from automation.quotes import services

from .conftest import reload
from .test_pages import line_post

LINES = [{"description": "Day", "quantity": "1", "unit_price": "100"}]


@pytest.fixture
def cover_note(admin):
    return EmailTemplate.objects.create(
        name="Proposal cover note",
        category=EmailTemplate.Category.PROPOSAL,
        subject="Our proposal: {{ deal.name }}",
        body="Dear {{ contact.first_name }},\n\nour proposal for {{ deal.name }}.\n\n"
        "{{ sender.full_name }}",
        shared=True,
        owner=admin,
    )


@pytest.fixture
def templates(rep, teammate, admin, cover_note):
    return {
        "shared_nudge": EmailTemplate.objects.create(
            name="A nudge", category="nudge", subject="Hi", body="Hello.", shared=True, owner=admin
        ),
        "mine": EmailTemplate.objects.create(
            name="Alice's note",
            category="other",
            subject="Hi",
            body="Mine: {{ deal.name }}",
            owner=rep,
        ),
        "bobs": EmailTemplate.objects.create(
            name="Bob's note", category="proposal", subject="Hi", body="Bob's.", owner=teammate
        ),
        "cover_note": cover_note,
    }


def test_the_rep_chooses_among_shared_and_own_templates_proposal_first(rep, templates):
    offered = list(services.cover_templates_for(rep))
    names = [t.name for t in offered]
    assert {"Proposal cover note", "A nudge", "Alice's note"} <= set(names)
    assert "Bob's note" not in names  # a teammate's personal template is theirs alone
    categories = [t.category == "proposal" for t in offered]
    assert categories == sorted(categories, reverse=True) and categories[0]


def test_api_create_fills_the_cover_letter_from_the_template(api_as, rep, deal, cover_note):
    response = api_as(rep).post(
        "/api/v1/quotes/", {"deal": deal.pk, "cover_template": cover_note.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    letter = response.json()["cover_letter"]
    first_name = deal.primary_contact.first_name
    assert letter.startswith(f"Dear {first_name},") and "for Acme rollout." in letter
    assert letter.endswith(rep.display_name) and "cover_template" not in response.json()
    cover_note.refresh_from_db()
    assert cover_note.usage_count == 1


def test_api_patch_replaces_the_cover_letter(api_as, rep, quote, templates):
    response = api_as(rep).patch(
        f"/api/v1/quotes/{quote.pk}/",
        {"cover_letter": "typed", "cover_template": templates["mine"].pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert reload(quote).cover_letter == "Mine: Acme rollout"


def test_api_refuses_a_teammates_personal_template_or_a_bad_id(api_as, rep, quote, templates):
    api = api_as(rep)
    for bad in (templates["bobs"].pk, 999999, "nope"):
        response = api.patch(f"/api/v1/quotes/{quote.pk}/", {"cover_template": bad}, format="json")
        assert response.status_code == 400 and "cover_template" in response.json()
    assert reload(quote).cover_letter == ""
    assert EmailTemplate.objects.get(pk=templates["bobs"].pk).usage_count == 0


def test_api_refuses_a_template_with_an_unknown_field(api_as, rep, quote):
    broken = EmailTemplate.objects.create(
        name="Old one", subject="Hi", body="Hi {{ contact.shoe_size }}", owner=rep
    )
    response = api_as(rep).patch(
        f"/api/v1/quotes/{quote.pk}/",
        {"cover_letter": "kept?", "cover_template": broken.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "contact.shoe_size" in str(response.json()["cover_template"])
    assert reload(quote).cover_letter == ""


def test_another_teams_quote_is_404_and_unchanged(api_as, other_rep, quote, cover_note):
    response = api_as(other_rep).patch(
        f"/api/v1/quotes/{quote.pk}/", {"cover_template": cover_note.pk}, format="json"
    )
    assert response.status_code == 404
    assert reload(quote).cover_letter == ""


def test_the_editor_offers_the_templates_and_fills_the_letter(client, rep, quote, templates):
    client.force_login(rep)
    url = reverse("automation:quotes:quote_edit", args=[quote.pk])
    page = client.get(url)
    choices = [label for _, label in page.context["form"].fields["cover_template"].choices]
    assert choices[1] == "Proposal cover note (Proposal, shared)"
    assert "Alice's note (Other, yours)" in choices and "A nudge (Nudge, shared)" in choices
    assert not any("Bob" in label for label in choices)
    html = page.content.decode()
    assert html.index('name="cover_template"') < html.index('name="cover_letter"')
    response = client.post(url, line_post(LINES, cover_template=str(templates["cover_note"].pk)))
    assert response.status_code == 302, response.context["form"].errors
    assert reload(quote).cover_letter.startswith("Dear ")


def test_the_editor_shows_the_error_of_a_template_it_cannot_use(client, rep, quote, templates):
    client.force_login(rep)
    url = reverse("automation:quotes:quote_edit", args=[quote.pk])
    response = client.post(url, line_post(LINES, cover_template=str(templates["bobs"].pk)))
    assert response.status_code == 400 and response.context["form"].errors["cover_template"]
    broken = EmailTemplate.objects.create(name="Old", subject="S", body="{{ x.y }}", owner=rep)
    response = client.post(url, line_post(LINES, cover_template=str(broken.pk)))
    assert response.status_code == 400
    assert "x.y" in str(response.context["form"].errors["cover_template"])
    assert reload(quote).title != "Rollout"  # nothing saved


def test_another_teams_rep_gets_404_on_the_editor(client, other_rep, quote, cover_note):
    client.force_login(other_rep)
    url = reverse("automation:quotes:quote_edit", args=[quote.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, line_post(LINES, cover_template=str(cover_note.pk))).status_code == 404
    assert reload(quote).cover_letter == ""


def test_the_service_refuses_a_template_the_actor_may_not_use(rep, quote, templates):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.quote_update(actor=rep, quote=quote, data={"cover_template": templates["bobs"]})
    assert "cover_template" in caught.value.message_dict
