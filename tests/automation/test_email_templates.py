"""Email templates: who writes which, rendering on a record, sending and the timeline."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from automation.emails import services
from automation.emails.models import EmailTemplate
from calls.models import Call
from salesproc.models import Event
from tests.factories import ContactFactory, DealFactory, LeadFactory

pytestmark = pytest.mark.django_db

BODY = 'Hi {{ contact.first_name|default:"there" }}, about {{ deal.name }} ({{ deal.amount|money }}).\n{{ sender.full_name }}'


@pytest.fixture
def template(manager):
    return EmailTemplate.objects.create(
        name="Check-in",
        category="nudge",
        subject="About {{ deal.name }}",
        body=BODY,
        shared=True,
        owner=manager,
    )


@pytest.fixture
def deal(rep):
    contact = ContactFactory(owner=rep, first_name="Dana", email="dana@example.test")
    return DealFactory(
        owner=rep,
        name="Acme rollout",
        amount=12500,
        primary_contact=contact,
        account=contact.account,
    )


def sent_events(record):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        name="email.sent",
    )


def test_it_ships_five_default_templates():
    names = set(EmailTemplate.objects.filter(shared=True).values_list("name", flat=True))
    assert {
        "Follow-up after a call",
        "Meeting request",
        "Proposal cover note",
        "Introducing your new account manager",
        "Nudge on a stalled deal",
    } <= names


def test_it_renders_a_template_on_a_deal(rep, deal, template):
    rep.last_name = "Adams"
    rep.save()
    subject, body = services.render_template(template=template, record=deal, sender=rep)
    assert subject == "About Acme rollout"
    assert body == "Hi Dana, about Acme rollout (12,500.00).\nAlice Adams"


def test_it_renders_the_follow_up_default_on_a_call(rep):
    contact = ContactFactory(owner=rep, first_name="Dana")
    when = timezone.now().replace(year=2026, month=12, day=2, hour=10)
    call = Call.objects.create(
        owner=rep,
        contact=contact,
        account=contact.account,
        scheduled_at=when,
        purpose="Discovery",
        status=Call.Status.COMPLETED,
        result=Call.Result.HELD,
        next_steps="Send the pricing sheet",
        completed_at=when,
        duration_minutes=30,
    )
    template = EmailTemplate.objects.get(name="Follow-up after a call")
    subject, body = services.render_template(template=template, record=call, sender=rep)
    assert subject == "Thanks for your time, Dana"
    assert "the call on Wednesday, 2 December" in body
    assert "Send the pricing sheet" in body


def test_it_renders_missing_objects_as_defaults(rep):
    lead = LeadFactory(owner=rep, first_name="Sam", company_name="Nolan & Co")
    template = EmailTemplate.objects.create(
        name="t",
        subject="Hi",
        body='{{ contact.first_name|default:"there" }} {{ lead.company }}',
        owner=rep,
    )
    assert (
        services.render_template(template=template, record=lead, sender=rep)[1]
        == "there Nolan & Co"
    )


def test_a_rep_writes_personal_templates_only(rep, api_as):
    response = api_as(rep).post(
        "/api/v1/email-templates/",
        {
            "name": "Mine",
            "subject": "Hi",
            "body": "Hello {{ contact.first_name }}",
            "category": "other",
            "shared": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "shared" in response.json()
    response = api_as(rep).post(
        "/api/v1/email-templates/",
        {
            "name": "Mine",
            "subject": "Hi",
            "body": "Hello {{ contact.first_name }}",
            "category": "other",
        },
        format="json",
    )
    assert response.status_code == 201
    assert set(response.json()) >= {"id", "name", "subject", "body", "category", "shared"}
    assert EmailTemplate.objects.get(pk=response.json()["id"]).owner == rep


def test_an_unknown_field_is_refused_on_save(manager, api_as):
    response = api_as(manager).post(
        "/api/v1/email-templates/",
        {
            "name": "Bad",
            "subject": "{{ deal.secret }}",
            "body": "{% if 1 %}x{% endif %}",
            "category": "other",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["subject"] == ["Unknown field “deal.secret”."]
    assert "Template tags" in response.json()["body"][0]
    assert not EmailTemplate.objects.filter(name="Bad").exists()


def test_a_rep_cannot_change_a_shared_template(rep, template, api_as):
    response = api_as(rep).patch(
        f"/api/v1/email-templates/{template.pk}/", {"name": "Hacked"}, format="json"
    )
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.name == "Check-in"


def test_a_personal_template_is_invisible_to_others(rep, teammate, manager, api_as):
    mine = EmailTemplate.objects.create(name="Mine", subject="s", body="b", owner=rep)
    for user in (teammate, manager):
        assert api_as(user).get(f"/api/v1/email-templates/{mine.pk}/").status_code == 404
        response = api_as(user).delete(f"/api/v1/email-templates/{mine.pk}/")
        assert response.status_code == 404
    assert EmailTemplate.objects.filter(pk=mine.pk).exists()


def test_render_api_fills_in_a_visible_record(rep, deal, template, api_as):
    response = api_as(rep).post(
        f"/api/v1/email-templates/{template.pk}/render/",
        {"record_type": "deal", "record_id": deal.pk},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["subject"] == "About Acme rollout"
    assert response.json()["body"].startswith("Hi Dana, about Acme rollout")


def test_render_and_send_on_another_teams_record_is_404(other_rep, deal, template, api_as):
    for action in ("render", "send"):
        response = api_as(other_rep).post(
            f"/api/v1/email-templates/{template.pk}/{action}/",
            {"record_type": "deal", "record_id": deal.pk},
            format="json",
        )
        assert response.status_code == 404
    assert mail.outbox == []
    assert not sent_events(deal).exists()
    template.refresh_from_db()
    assert template.usage_count == 0


def test_render_bad_input_is_400(rep, template, api_as):
    response = api_as(rep).post(
        f"/api/v1/email-templates/{template.pk}/render/",
        {"record_type": "planet", "record_id": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"record_type", "record_id"}


def test_send_records_the_email_on_the_timeline(rep, deal, template, api_as, settings):
    settings.DEFAULT_FROM_EMAIL = "crm@example.test"
    rep.email = "alice@example.test"
    rep.save()
    response = api_as(rep).post(
        f"/api/v1/email-templates/{template.pk}/send/",
        {"record_type": "deal", "record_id": deal.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    [message] = mail.outbox
    assert message.to == ["dana@example.test"]
    assert message.from_email == "crm@example.test"
    assert message.reply_to == ["alice@example.test"]
    assert message.subject == "About Acme rollout"
    [event] = sent_events(deal)
    assert event.data["subject"] == "About Acme rollout"
    assert event.data["body"] == message.body
    assert event.actor == rep
    # the contact's timeline shows it too
    contact_ct = ContentType.objects.get_for_model(deal.primary_contact)
    assert event.references.filter(
        content_type=contact_ct, object_id=deal.primary_contact_id
    ).exists()
    template.refresh_from_db()
    assert template.usage_count == 1


def test_send_with_an_edited_unknown_field_is_refused(rep, deal, template, api_as):
    response = api_as(rep).post(
        f"/api/v1/email-templates/{template.pk}/send/",
        {
            "record_type": "deal",
            "record_id": deal.pk,
            "subject": "Hi",
            "body": "{{ contact.salary }}",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["body"] == ["Unknown field “contact.salary”."]
    assert mail.outbox == []
    assert not sent_events(deal).exists()


def test_send_without_an_address_asks_for_one(rep, template, api_as):
    lead = LeadFactory(owner=rep, email="")
    response = api_as(rep).post(
        f"/api/v1/email-templates/{template.pk}/send/",
        {"record_type": "lead", "record_id": lead.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "to" in response.json()


def test_usage_counts_add_up(rep, deal, template, client):
    client.force_login(rep)
    for _ in range(2):
        services.email_send(
            actor=rep, template_id=template.pk, record_type="deal", record_id=deal.pk
        )
    response = client.post(reverse("automation:emails:template_copied", args=[template.pk]))
    assert response.status_code == 204
    template.refresh_from_db()
    assert template.usage_count == 3
    assert len(mail.outbox) == 2


def test_the_deal_page_offers_templates_and_the_compose_page_sends(rep, deal, template, client):
    client.force_login(rep)
    page = client.get(deal.get_absolute_url())
    assert b"Email from a template" in page.content
    compose = reverse("automation:emails:compose")
    preview = client.get(
        compose, {"record_type": "deal", "record_id": deal.pk, "template": template.pk}
    )
    assert preview.status_code == 200
    assert "Hi Dana, about Acme rollout" in preview.content.decode()
    response = client.post(
        compose,
        {
            "record_type": "deal",
            "record_id": deal.pk,
            "template": template.pk,
            "to": "dana@example.test",
            "subject": "Edited {{ deal.name }}",
            "body": "Edited body",
            "next": deal.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response.url == deal.get_absolute_url()
    assert mail.outbox[0].subject == "Edited Acme rollout"
    timeline = client.get(deal.get_absolute_url()).content.decode()
    assert "Email sent to dana@example.test: Edited Acme rollout" in timeline


def test_the_compose_page_of_another_teams_record_is_404(other_rep, deal, template, client):
    client.force_login(other_rep)
    compose = reverse("automation:emails:compose")
    assert (
        client.get(
            compose, {"record_type": "deal", "record_id": deal.pk, "template": template.pk}
        ).status_code
        == 404
    )
    response = client.post(
        compose,
        {
            "record_type": "deal",
            "record_id": deal.pk,
            "template": template.pk,
            "subject": "s",
            "body": "b",
        },
    )
    assert response.status_code == 404
    assert mail.outbox == []


def test_the_editor_flags_an_unknown_field(rep, client):
    client.force_login(rep)
    response = client.post(
        reverse("automation:emails:template_new"),
        {"name": "x", "category": "other", "subject": "Hi", "body": "{{ contact.nickname }}"},
    )
    assert response.status_code == 200
    assert "Unknown field “contact.nickname”." in response.content.decode()
    assert not EmailTemplate.objects.filter(name="x").exists()


def test_the_workflow_action_sends_to_the_contact_and_never_across_teams(
    rep, other_rep, deal, template
):
    from salesproc.registry import workflow_action

    action = workflow_action("automation.send_email")
    params = {"template": template.pk, "to": "contact"}
    assert action.run(actor=rep, event=None, subject=deal, params=params, dry_run=True) == (
        "Would send “Check-in” to dana@example.test."
    )
    assert mail.outbox == []
    assert "Sent" in action.run(actor=rep, event=None, subject=deal, params=params, dry_run=False)
    assert len(mail.outbox) == 1
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        action.run(actor=other_rep, event=None, subject=deal, params=params, dry_run=False)
    assert len(mail.outbox) == 1
    assert sent_events(deal).count() == 1


@pytest.mark.parametrize("size", [10, 1000])
def test_template_pages_and_api_run_a_bounded_number_of_queries(
    rep, deal, client, api_as, django_assert_max_num_queries, size
):
    EmailTemplate.objects.bulk_create(
        [
            EmailTemplate(name=f"T{i}", subject="s", body="b", shared=i % 2 == 0, owner=rep)
            for i in range(size)
        ]
    )
    client.force_login(rep)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("automation:emails:template_list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert api_as(rep).get("/api/v1/email-templates/").status_code == 200
    template = EmailTemplate.objects.filter(owner=rep).first()
    with django_assert_max_num_queries(20):
        response = client.get(
            reverse("automation:emails:compose"),
            {"record_type": "deal", "record_id": deal.pk, "template": template.pk},
        )
        assert response.status_code == 200
