"""Notes: Markdown sanitised, pinned first, mentions only for who may see the record."""

import pytest
from django.urls import reverse

from salesproc.models import Event, Notification
from salesproc.notes import services
from salesproc.notes.markdown import render_markdown
from salesproc.notes.models import Note
from salesproc.notes.selectors import notes_matching
from tests.factories import AccountFactory, DealFactory, LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "forbidden"),
    [
        ("hello <script>alert(1)</script>", ["<script", "alert(1)"]),
        ("[click](javascript:alert(1))", ["javascript:"]),
        ('<img src="x" onerror="alert(1)">', ["onerror", "<img"]),
        ('<a href="https://e.test" onclick="steal()">x</a>', ["onclick"]),
        ('<p style="position:fixed">x</p>', ["style="]),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", ["data:text"]),
    ],
)
def test_markdown_is_sanitised(body, forbidden):
    html = render_markdown(body)
    for piece in forbidden:
        assert piece not in html


def test_markdown_keeps_formatting_and_safe_links():
    html = render_markdown("**Budget** approved\n\n- one\n- two\n\n[site](https://e.test)")
    assert "<strong>Budget</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://e.test"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_a_note_on_a_deal_is_on_its_page_and_timeline_pinned_first(client, rep):
    deal = DealFactory(owner=rep)
    services.note_create(actor=rep, record_type="deal", record_id=deal.pk, body="First note")
    services.note_create(
        actor=rep, record_type="deal", record_id=deal.pk, body="Pinned **one**", pinned=True
    )
    services.note_create(actor=rep, record_type="deal", record_id=deal.pk, body="Latest")
    client.force_login(rep)
    page = client.get(deal.get_absolute_url())
    body = page.content.decode()
    assert (
        body.index("Pinned <strong>one</strong>") < body.index("Latest") < body.index("First note")
    )
    assert Event.objects.filter(name="note.added", object_id=deal.pk).count() == 3
    timeline = [e.summary for e in page.context["timeline"]]
    assert "Note: Latest" in timeline


def test_the_lead_page_adds_a_note_with_a_form_post(client, rep):
    lead = LeadFactory(owner=rep)
    client.force_login(rep)
    response = client.post(
        reverse("notes:note_add"),
        {"record_type": "lead", "record_id": lead.pk, "body": "Asked for pricing"},
    )
    assert response.status_code == 302
    assert Note.objects.get().record_id == lead.pk
    empty = client.post(
        reverse("notes:note_add"), {"record_type": "lead", "record_id": lead.pk, "body": " "}
    )
    assert empty.status_code == 400
    assert Note.objects.count() == 1


def test_mentions_notify_only_people_who_may_see_the_record(rep, teammate, manager, other_rep):
    account = AccountFactory(owner=rep)
    note = services.note_create(
        actor=rep,
        record_type="account",
        record_id=account.pk,
        body=f"@{manager.username} and @{other_rep.username} and @{teammate.username}, @nobody.",
    )
    assert note.mentions["notified"] == [manager.username]
    not_told = {item["username"]: item["reason"] for item in note.mentions["not_notified"]}
    assert set(not_told) == {other_rep.username, teammate.username, "nobody"}
    assert Notification.objects.filter(recipient=manager, kind="mention").count() == 1
    assert not Notification.objects.filter(recipient__in=[other_rep, teammate]).exists()


def test_the_page_says_who_was_not_told(client, rep, other_rep):
    account = AccountFactory(owner=rep)
    client.force_login(rep)
    response = client.post(
        reverse("notes:note_add"),
        {"record_type": "account", "record_id": account.pk, "body": f"cc @{other_rep.username}"},
        follow=True,
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert f"@{other_rep.username} was not notified: may not see this account" in text


def test_editing_a_note_does_not_notify_the_same_person_twice(rep, manager):
    account = AccountFactory(owner=rep)
    note = services.note_create(
        actor=rep, record_type="account", record_id=account.pk, body=f"@{manager.username}"
    )
    services.note_update(actor=rep, note=note, body=f"@{manager.username} again")
    assert Notification.objects.filter(recipient=manager).count() == 1


def test_notes_of_another_team_are_404_and_nothing_changes(client, api_as, rep, other_rep):
    account = AccountFactory(owner=rep)
    note = services.note_create(actor=rep, record_type="account", record_id=account.pk, body="x")
    client.force_login(other_rep)
    assert (
        client.post(reverse("notes:note_pin", args=[note.pk]), {"pinned": "1"}).status_code == 404
    )
    assert client.post(reverse("notes:note_delete", args=[note.pk])).status_code == 404
    add = client.post(
        reverse("notes:note_add"), {"record_type": "account", "record_id": account.pk, "body": "y"}
    )
    assert add.status_code == 404
    api = api_as(other_rep)
    assert api.get(f"/api/v1/notes/{note.pk}/").status_code == 404
    assert (
        api.patch(f"/api/v1/notes/{note.pk}/", {"pinned": True}, format="json").status_code == 404
    )
    assert api.get("/api/v1/notes/").json()["results"] == []
    created = api.post(
        "/api/v1/notes/",
        {"record_type": "account", "record_id": account.pk, "body": "z"},
        format="json",
    )
    assert created.status_code == 404
    note.refresh_from_db()
    assert (note.pinned, note.body, Note.objects.count()) == (False, "x", 1)


def test_only_the_author_edits_a_note_a_teammate_manager_may_pin(api_as, rep, manager):
    account = AccountFactory(owner=rep)
    note = services.note_create(actor=rep, record_type="account", record_id=account.pk, body="x")
    api = api_as(manager)
    refused = api.patch(f"/api/v1/notes/{note.pk}/", {"body": "rewritten"}, format="json")
    assert refused.status_code == 400 and "body" in refused.json()
    pinned = api.patch(f"/api/v1/notes/{note.pk}/", {"pinned": True}, format="json")
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    note.refresh_from_db()
    assert note.body == "x"


def test_the_api_writes_notes_and_answers_400(api_as, rep, manager):
    deal = DealFactory(owner=rep)
    api = api_as(rep)
    response = api.post(
        "/api/v1/notes/",
        {"record_type": "deal", "record_id": deal.pk, "body": f"**hi** @{manager.username}"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["body_html"] == "<p><strong>hi</strong> @manager</p>"
    assert body["mentions"]["notified"] == ["manager"]
    bad = api.post("/api/v1/notes/", {"record_type": "planet", "body": ""}, format="json")
    assert bad.status_code == 400 and {"record_type", "record_id", "body"} <= set(bad.json())
    listed = api.get(f"/api/v1/notes/?record_type=deal&record_id={deal.pk}").json()
    assert [n["id"] for n in listed["results"]] == [body["id"]]


def test_notes_matching_finds_only_visible_notes(rep, other_rep):
    mine = AccountFactory(owner=rep)
    theirs = AccountFactory(owner=other_rep)
    services.note_create(actor=rep, record_type="account", record_id=mine.pk, body="Budget talk")
    services.note_create(
        actor=other_rep, record_type="account", record_id=theirs.pk, body="Budget secret"
    )
    results = notes_matching(user=rep, query="budget", limit=10)
    assert [r["title"] for r in results] == ["Budget talk"]
    assert results[0]["url"].startswith(mine.get_absolute_url())


def _bulk_notes(deal, authors, start, stop):
    Note.objects.bulk_create(
        Note(
            record_type="deal",
            record_id=deal.pk,
            author=authors[n % len(authors)],
            body=f"note {n}",
            body_html=f"<p>note {n}</p>",
            pinned=n % 50 == 0,
        )
        for n in range(start, stop)
    )


def test_the_notes_panel_query_count_is_the_same_at_10_and_1000_notes(client, rep):
    """The deal page with its notes panel costs the same queries at 10 and 1,000 notes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    deal = DealFactory(owner=rep)
    authors = [rep, UserFactory(team=rep.team, role=rep.role), UserFactory()]
    client.force_login(rep)
    _bulk_notes(deal, authors, 0, 10)
    client.get(deal.get_absolute_url())  # warm the content-type cache
    with CaptureQueriesContext(connection) as at_10:
        assert client.get(deal.get_absolute_url()).status_code == 200
    _bulk_notes(deal, authors, 10, 1000)
    with CaptureQueriesContext(connection) as at_1000:
        response = client.get(deal.get_absolute_url())
    assert response.status_code == 200
    assert len(at_1000) == len(at_10) + 1  # + the count of notes beyond the panel's 50
    panel_sql = [q["sql"] for q in at_1000.captured_queries if "salesproc_note" in q["sql"]]
    assert len(panel_sql) == 2
    assert response.content.decode().count('class="note') >= 50


@pytest.mark.django_db
def test_the_global_search_finds_notes_the_user_may_see(rep, other_rep):
    from salesproc.search.engine import search_all

    mine = AccountFactory(owner=rep)
    theirs = AccountFactory(owner=other_rep)
    services.note_create(
        actor=rep, record_type="account", record_id=mine.pk, body="Budget signed off by Quentin"
    )
    services.note_create(
        actor=other_rep, record_type="account", record_id=theirs.pk, body="Quentin wants a discount"
    )
    groups = {g.type: g.results for g in search_all(user=rep, query="Quentin")}
    assert len(groups["note"]) == 1
    assert mine.get_absolute_url() in groups["note"][0]["url"]
