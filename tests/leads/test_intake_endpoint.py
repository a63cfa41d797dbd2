"""POST /api/v1/intake/<key>/: stored first, answered 202, processed by a task."""

import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from leads.intake.models import HONEYPOT_FIELD, IntakeSubmission
from leads.models import Lead
from salesproc.models import Event

from .intake_factories import IntakeFormFactory


def url_for(form):
    return reverse("intake_submit", args=[form.key])


def post_json(client, form, payload):
    return client.post(url_for(form), data=json.dumps(payload), content_type="application/json")


def test_it_stores_the_submission_and_answers_202_before_processing(
    client, form, rep, django_capture_on_commit_callbacks
):
    # Given an active intake form for team North
    payload = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@engines.test"}
    # When a website posts JSON (the task is held back until commit)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_json(client, form, payload)
    # Then the answer is 202 with the stored submission's id, and no lead exists yet
    submission = IntakeSubmission.objects.get()
    assert response.status_code == 202
    assert response.json() == {"id": submission.pk, "status": "received"}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert submission.state == "pending"
    assert submission.payload == payload
    assert Lead.objects.count() == 0
    assert len(callbacks) == 1
    # When the enqueued task runs
    callbacks[0]()
    # Then the lead exists, owned by the first in turn, with the form's source
    submission.refresh_from_db()
    lead = Lead.objects.get()
    assert submission.state == "processed"
    assert submission.outcome == "created"
    assert submission.lead == lead
    assert (lead.first_name, lead.last_name, lead.email) == ("Ada", "Lovelace", "ada@engines.test")
    assert lead.owner == rep
    assert lead.source == "Website"
    assert Event.objects.filter(name="lead.created", object_id=lead.pk).count() == 1


def test_it_attaches_a_second_post_to_the_lead_instead_of_duplicating(
    client, form, django_capture_on_commit_callbacks
):
    # Given a lead that came in through the form
    with django_capture_on_commit_callbacks(execute=True):
        post_json(client, form, {"last_name": "Hopper", "email": "grace@navy.test"})
    lead = Lead.objects.get()
    # When the same person posts again with another case and a phone number
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            client,
            form,
            {"last_name": "Hopper", "email": "GRACE@navy.test", "phone": "+1 555 0100"},
        )
    # Then the one lead gets the submission on its timeline, the phone offered, not written
    # (issue 8: an anonymous post never overwrites a lead)
    assert response.status_code == 202
    assert Lead.objects.count() == 1
    lead.refresh_from_db()
    assert lead.phone == ""
    second = IntakeSubmission.objects.get(pk=response.json()["id"])
    assert (second.state, second.outcome, second.lead_id) == ("processed", "attached", lead.pk)
    assert second.proposed_changes == {"phone": ["", "+1 555 0100"]}
    assert Event.objects.filter(name="lead.updated", object_id=lead.pk).count() == 0
    assert Event.objects.filter(name="lead.intake_received", object_id=lead.pk).count() == 1


def test_it_gives_new_leads_to_the_team_in_turn(
    client, form, rep, teammate, manager, django_capture_on_commit_callbacks
):
    # Given team North: Alice and Bob qualify leads; their manager is not in the turn
    owners = []
    # When three different people post
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            post_json(client, form, {"last_name": f"Person{n}", "email": f"p{n}@x.test"})
        owners.append(Lead.objects.get(email=f"p{n}@x.test").owner)
    # Then the leads go Alice, Bob, Alice
    assert owners == [rep, teammate, rep]
    form.refresh_from_db()
    assert form.last_owner == rep
    # and each rep hears of the leads that came to them
    from salesproc.models import Notification

    assert Notification.objects.filter(recipient=rep, text__contains="New lead").count() == 2
    assert Notification.objects.filter(recipient=teammate, text__contains="Person1").count() == 1


def test_it_accepts_a_browser_form_post_and_redirects_to_the_thank_you_page(
    client, rep, django_capture_on_commit_callbacks
):
    # Given a form with a thank-you page and a website field named "company"
    form = IntakeFormFactory(
        team=rep.team, redirect_url="https://example.test/thanks", aliases={"org": "company_name"}
    )
    body = urlencode({"name": "Katherine Johnson", "email": "kj@nasa.test", "org": "NASA"})
    # When a browser posts the plain HTML form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url_for(form), data=body, content_type="application/x-www-form-urlencoded"
        )
    # Then it is sent to the thank-you page and the name is split
    assert response.status_code == 303
    assert response["Location"] == "https://example.test/thanks"
    lead = Lead.objects.get()
    assert (lead.first_name, lead.last_name, lead.company_name) == ("Katherine", "Johnson", "NASA")


def test_it_shows_a_thank_you_note_to_a_browser_without_a_redirect(client, form):
    response = client.post(
        url_for(form),
        data={"last_name": "Curie", "email": "marie@radium.test"},
        HTTP_ACCEPT="text/html,application/xhtml+xml",
    )
    assert response.status_code == 202
    assert b"Thank you" in response.content


def test_the_thank_you_note_leads_back_to_the_visitors_page(client, form):
    response = client.post(
        url_for(form),
        data={"last_name": "Curie", "email": "marie@radium.test"},
        HTTP_ACCEPT="text/html",
        HTTP_REFERER="https://www.example.test/contact-us",
    )
    assert b'href="https://www.example.test/contact-us"' in response.content
    sneaky = client.post(
        url_for(form),
        data={"last_name": "Curie", "email": "marie@radium.test"},
        HTTP_ACCEPT="text/html",
        HTTP_REFERER="javascript:alert(1)",
    )
    assert b"javascript:" not in sneaky.content


def test_it_drops_a_filled_honeypot_silently(client, form, django_capture_on_commit_callbacks):
    # When a bot fills every field, the hidden one too
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_json(
            client,
            form,
            {"last_name": "Bot", "email": "bot@spam.test", HONEYPOT_FIELD: "http://spam.test"},
        )
    # Then it hears the usual answer, the post is kept as dropped, and no lead is made
    submission = IntakeSubmission.objects.get()
    assert response.status_code == 202
    assert response.json() == {"id": submission.pk, "status": "received"}
    assert submission.state == "dropped"
    assert callbacks == []
    assert Lead.objects.count() == 0


@pytest.mark.parametrize("active", [True, False])
def test_it_answers_404_to_an_unknown_or_inactive_key(client, rep, active):
    form = IntakeFormFactory(team=rep.team, is_active=active)
    key = form.key if not active else "not-a-key"
    response = client.post(
        reverse("intake_submit", args=[key]),
        data=json.dumps({"last_name": "X", "email": "x@x.test"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert IntakeSubmission.objects.count() == 0


def test_it_refuses_an_oversized_body(client, form):
    response = post_json(client, form, {"last_name": "X" * 70_000, "email": "x@x.test"})
    assert response.status_code == 400
    assert "limit is 64 KB" in response.json()["detail"]
    assert IntakeSubmission.objects.count() == 0


def test_it_refuses_malformed_json(client, form):
    response = client.post(url_for(form), data='{"last_name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The body is not valid JSON")
    assert IntakeSubmission.objects.count() == 0


def test_it_refuses_json_that_is_not_an_object(client, form):
    response = client.post(url_for(form), data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Send a JSON object")


def test_it_refuses_a_post_with_no_usable_fields(client, form):
    response = post_json(client, form, {"favourite_colour": "blue"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "This submission can't make a lead."
    assert body["fields"][0].startswith("No usable fields. This form accepts: first_name")
    assert IntakeSubmission.objects.count() == 0


def test_it_refuses_a_post_without_last_name_or_with_a_bad_email(client, form):
    response = post_json(client, form, {"first_name": "Ada", "email": "not-an-email"})
    assert response.status_code == 400
    assert response.json()["fields"] == [
        "“not-an-email” is not a valid email address.",
        "Last name is missing.",
        "Needs an email or a company.",
    ]


def test_it_refuses_other_content_types(client, form):
    response = client.post(url_for(form), data="last_name=X", content_type="text/plain")
    assert response.status_code == 415
    assert IntakeSubmission.objects.count() == 0


def test_it_limits_posts_per_key(client, rep, settings, django_capture_on_commit_callbacks):
    # Given a limit of 3 posts a minute per key
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"intake": "3/min"},
    }
    form, other = IntakeFormFactory(team=rep.team), IntakeFormFactory(team=rep.team)
    payload = {"last_name": "Flood", "email": "flood@x.test"}
    # When a fourth post arrives within the minute
    statuses = [post_json(client, form, payload).status_code for _ in range(4)]
    # Then it is refused with a Retry-After, while another form's key still works
    assert statuses == [202, 202, 202, 429]
    refused = post_json(client, form, payload)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert post_json(client, other, payload).status_code == 202
    assert IntakeSubmission.objects.filter(form=form).count() == 3


def test_it_answers_the_cors_preflight(client, form):
    response = client.options(url_for(form), HTTP_ORIGIN="https://example.test")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_it_needs_no_login_and_no_csrf_token(rep, form):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url_for(form), data={"last_name": "Noether", "email": "emmy@x.test"})
    assert response.status_code == 202
    submission = IntakeSubmission.objects.get()
    assert submission.payload == {"last_name": "Noether", "email": "emmy@x.test"}


def test_it_stores_the_submission_when_the_broker_is_down(
    client, form, rep, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a broker (Redis) that refuses every task
    def refuse(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("leads.tasks.process_intake_submission_task.delay", refuse)
    # When a website posts
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, form, {"last_name": "Outage", "email": "o@x.test"})
    # Then it is answered 202 and the submission is stored, pending for the sweep
    assert response.status_code == 202
    submission = IntakeSubmission.objects.get(pk=response.json()["id"])
    assert (submission.state, submission.payload["email"]) == ("pending", "o@x.test")
    assert Lead.objects.count() == 0
