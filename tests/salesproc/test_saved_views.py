"""Saved views: personal and shared, tabs above the lists, the default applied."""

import pytest
from django.urls import reverse

from salesproc.models import DefaultView, SavedView
from salesproc.saved_views import services

pytestmark = pytest.mark.django_db

LISTS = [
    ("accounts", "accounts:account_list"),
    ("contacts", "accounts:contact_list"),
    ("leads", "leads:lead_list"),
    ("deals", "deals:deal_list"),
    ("calls", "calls:call_list"),
]


def test_it_saves_the_current_filters_as_a_view_from_the_list(client, rep):
    client.force_login(rep)
    response = client.post(
        reverse("saved_views:save"),
        {"list_key": "leads", "name": "Hot", "query": "min_score=60&sort=-score&page=3"},
    )
    view = SavedView.objects.get()
    assert view.params == {"min_score": ["60"], "sort": ["-score"]}
    assert view.team_id is None
    assert response["Location"] == f"/leads/?min_score=60&sort=-score&view={view.pk}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        f'href="/leads/?min_score=60&amp;sort=-score&amp;view={view.pk}" aria-current="page"'
        in html
    )


@pytest.mark.parametrize(("list_key", "url_name"), LISTS)
def test_every_list_shows_its_tabs_and_opens_with_the_default_view(
    client, manager, list_key, url_name
):
    view = services.saved_view_create(
        actor=manager, list_key=list_key, name="Mine", params={"sort": ["name"]}, make_default=True
    )
    client.force_login(manager)
    opened = client.get(reverse(url_name))
    assert opened.status_code == 302
    assert opened["Location"].endswith(f"view={view.pk}")
    shown = client.get(opened["Location"])
    assert shown.status_code == 200 and "saved-view-tabs" in shown.content.decode()
    # a list opened with filters, or the All tab, is left alone
    assert client.get(reverse(url_name) + "?view=all").status_code == 200
    assert client.get(reverse(url_name) + "?q=x").status_code == 200


def test_a_shared_view_is_seen_by_the_team_but_not_another_team(
    client, manager, rep, other_rep, other_manager
):
    shared = services.saved_view_create(
        actor=manager, list_key="deals", name="Team pipeline", params={}, shared=True
    )
    personal = services.saved_view_create(actor=manager, list_key="deals", name="Mine only")
    assert shared.team == manager.team
    assert list(services.views_visible_to(rep, "deals")) == [shared]
    assert list(services.views_visible_to(other_rep, "deals")) == []
    assert list(services.views_visible_to(other_manager, "deals")) == []
    client.force_login(rep)
    html = client.get(reverse("deals:deal_list") + "?view=all").content.decode()
    assert "Team pipeline" in html and "Mine only" not in html
    client.force_login(other_rep)
    assert client.post(reverse("saved_views:default", args=[shared.pk])).status_code == 404
    assert client.post(reverse("saved_views:delete", args=[personal.pk])).status_code == 404
    assert SavedView.objects.count() == 2 and not DefaultView.objects.exists()


def test_a_rep_cannot_share_and_a_teammate_cannot_delete_a_shared_view(client, rep, manager):
    with pytest.raises(Exception) as refused:
        services.saved_view_create(actor=rep, list_key="leads", name="X", shared=True)
    assert "shared" in refused.value.message_dict
    shared = services.saved_view_create(actor=manager, list_key="leads", name="T", shared=True)
    client.force_login(rep)
    client.post(reverse("saved_views:delete", args=[shared.pk]))
    assert SavedView.objects.filter(pk=shared.pk).exists()
    # but a teammate may make it their default
    client.post(reverse("saved_views:default", args=[shared.pk]))
    assert DefaultView.objects.get(user=rep).view == shared


def test_a_default_that_is_no_longer_visible_is_ignored(client, rep, manager, roles, south):
    shared = services.saved_view_create(actor=manager, list_key="leads", name="T", shared=True)
    services.default_view_set(actor=rep, list_key="leads", view=shared)
    rep.team = south
    rep.save()
    client.force_login(rep)
    assert client.get(reverse("leads:lead_list")).status_code == 200


def test_the_api_creates_lists_updates_and_deletes_views(api_as, manager, rep):
    api = api_as(manager)
    created = api.post(
        "/api/v1/saved-views/",
        {
            "list_key": "deals",
            "name": "Big ones",
            "params": {"sort": ["-amount"]},
            "columns": ["name", "amount"],
            "shared": True,
            "is_default": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["shared"] is True and body["is_default"] is True
    assert body["columns"] == ["name", "amount"]
    team_view = api_as(rep).get("/api/v1/saved-views/?list_key=deals").json()
    assert [v["name"] for v in team_view] == ["Big ones"]
    assert team_view[0]["is_default"] is False
    renamed = api.patch(
        f"/api/v1/saved-views/{body['id']}/",
        {"name": "Biggest", "is_default": False},
        format="json",
    )
    assert renamed.json()["name"] == "Biggest" and renamed.json()["is_default"] is False
    refused = api_as(rep).delete(f"/api/v1/saved-views/{body['id']}/")
    assert refused.status_code == 400
    assert api.delete(f"/api/v1/saved-views/{body['id']}/").status_code == 204


def test_the_api_answers_400_with_field_errors(api_as, rep, other_rep):
    api = api_as(rep)
    bad = api.post(
        "/api/v1/saved-views/",
        {"list_key": "planets", "name": "", "params": {"a": "not a list"}},
        format="json",
    )
    assert bad.status_code == 400 and {"list_key", "name"} <= set(bad.json())
    bad_params = api.post(
        "/api/v1/saved-views/",
        {"list_key": "leads", "name": "x", "params": {"a": 1}},
        format="json",
    )
    assert bad_params.status_code == 400 and "params" in bad_params.json()
    share = api.post(
        "/api/v1/saved-views/", {"list_key": "leads", "name": "x", "shared": True}, format="json"
    )
    assert share.status_code == 400 and "shared" in share.json()
    mine = services.saved_view_create(actor=rep, list_key="leads", name="Mine")
    assert api_as(other_rep).get(f"/api/v1/saved-views/{mine.pk}/").status_code == 404
    duplicate = api.post(
        "/api/v1/saved-views/", {"list_key": "leads", "name": "mine"}, format="json"
    )
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    assert SavedView.objects.count() == 1


def test_without_javascript_the_filters_come_from_the_list_page(client, rep):
    client.force_login(rep)
    client.post(
        reverse("saved_views:save"),
        {"list_key": "leads", "name": "Web", "query": ""},
        HTTP_REFERER="http://testserver/leads/?source=web&page=2",
    )
    assert SavedView.objects.get().params == {"source": ["web"]}
    client.post(
        reverse("saved_views:save"),
        {"list_key": "leads", "name": "Elsewhere", "query": ""},
        HTTP_REFERER="http://testserver/deals/?status=won",
    )
    assert SavedView.objects.get(name="Elsewhere").params == {}


def test_saving_without_a_name_says_so(client, rep):
    client.force_login(rep)
    response = client.post(
        reverse("saved_views:save"), {"list_key": "leads", "name": "", "query": "q=a"}, follow=True
    )
    assert "Give the view a name" in " ".join(str(m) for m in response.context["messages"])
    assert not SavedView.objects.exists()


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_tabs_cost_a_bounded_number_of_queries(
    client, rep, rows, django_assert_max_num_queries
):
    SavedView.objects.bulk_create(
        SavedView(owner=rep, list_key="accounts" if n < 5 else "deals", name=f"V{n}")
        for n in range(rows)
    )
    client.force_login(rep)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:account_list") + "?view=all")
    assert response.status_code == 200
