import pytest

from salesproc.events import timeline_for
from salesproc.models import SalesRole
from salesproc.processes import PROCESS_KEYS
from salesproc.registry import NavItem, register_nav, registry


@pytest.fixture
def deals_nav_item():
    item = NavItem("Deal board (test)", "home", process="deals", order=99)
    register_nav(item)
    yield item
    registry.nav.remove(item)


@pytest.mark.django_db
def test_it_defaults_processes_per_role_as_processes_md_says(roles):
    assert roles["inside-rep"].process_list() == [
        "calls",
        "leads",
        "opportunities",
        "deals",
        "automation",
    ]
    assert "territories" not in roles["inside-rep"].processes
    assert "territories" in roles["field-rep"].processes
    assert "accounts" in roles["key-account-manager"].processes
    assert roles["sales-manager"].process_list() == PROCESS_KEYS
    assert roles["admin"].is_admin


@pytest.mark.django_db
def test_it_lets_an_admin_change_a_roles_processes(client, admin, roles):
    client.force_login(admin)
    role = roles["inside-rep"]

    response = client.post(
        f"/settings/roles/{role.pk}/",
        {"name": "Inside rep", "processes": ["calls", "leads", "territories"]},
    )

    assert response.status_code == 302
    role.refresh_from_db()
    assert role.process_list() == ["calls", "leads", "territories"]
    assert [e.name for e in timeline_for(role, user=admin)] == ["role.updated"]


@pytest.mark.django_db
def test_it_adds_a_role_and_refuses_a_duplicate_name(client, admin, roles):
    client.force_login(admin)

    created = client.post(
        "/settings/roles/", {"name": "Partner manager", "processes": ["accounts"]}
    )
    duplicate = client.post("/settings/roles/", {"name": "partner manager", "processes": []})

    assert created.status_code == 302
    assert SalesRole.objects.get(name="Partner manager").process_list() == ["accounts"]
    assert duplicate.status_code == 200
    assert "already exists" in duplicate.content.decode()
    assert SalesRole.objects.filter(name__iexact="partner manager").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_it_hides_settings_from_non_admins(client, request, persona, roles):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    role = roles["inside-rep"]

    assert client.get("/settings/roles/").status_code == 404
    response = client.post(f"/settings/roles/{role.pk}/", {"name": "X", "processes": []})

    assert response.status_code == 404
    role.refresh_from_db()
    assert role.name == "Inside rep"


@pytest.mark.django_db
def test_it_shows_navigation_of_the_role_only(client, rep, admin, roles, deals_nav_item):
    client.force_login(rep)
    assert "Deal board (test)" in client.get("/").content.decode()

    roles["inside-rep"].processes = ["calls"]
    roles["inside-rep"].save()

    page = client.get("/").content.decode()
    assert "Deal board (test)" not in page
    assert "runs call management" in page


@pytest.mark.django_db
def test_it_shows_admin_settings_in_navigation_only_to_admins(client, rep, admin):
    client.force_login(rep)
    assert 'href="/settings/"' not in client.get("/").content.decode()
    client.force_login(admin)
    assert 'href="/settings/"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_it_changes_role_processes_over_the_api(api_as, admin, rep, roles):
    role = roles["field-rep"]

    refused = api_as(rep).patch(f"/api/v1/roles/{role.pk}/", {"processes": []}, format="json")
    bad = api_as(admin).patch(f"/api/v1/roles/{role.pk}/", {"processes": ["golf"]}, format="json")
    ok = api_as(admin).patch(
        f"/api/v1/roles/{role.pk}/", {"processes": ["deals", "calls"]}, format="json"
    )

    assert refused.status_code == 403
    assert bad.status_code == 400
    assert "processes" in bad.json()
    assert ok.status_code == 200
    assert ok.json()["processes"] == ["calls", "deals"]


@pytest.mark.django_db
def test_it_assigns_people_to_teams_and_roles(client, admin, rep, roles, south):
    client.force_login(admin)

    response = client.post(
        f"/settings/users/{rep.pk}/assign/", {"team": south.pk, "role": roles["field-rep"].pk}
    )

    assert response.status_code == 302
    rep.refresh_from_db()
    assert (rep.team, rep.role) == (south, roles["field-rep"])


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "current"), [("/", "Home"), ("/accounts/contacts/", "Contacts")])
def test_it_marks_exactly_one_navigation_item_as_the_current_page(client, rep, path, current):
    client.force_login(rep)

    body = client.get(path).content.decode()
    sidebar = body[body.index('class="sidebar"') :]
    sidebar = sidebar[: sidebar.index("</nav>")]

    assert sidebar.count('aria-current="page"') == 1
    assert f'aria-current="page">{current}<' in sidebar


@pytest.mark.django_db
def test_it_loads_the_shell_of_a_page_in_three_queries(
    client, manager, rep, django_assert_num_queries
):
    from salesproc.services import notify

    notify(recipient=manager, text="A debrief waits for you")
    client.force_login(manager)

    # session, the user with their managed teams and unread count, and nothing else
    # before the page's own work: the notifications page reads one list (and, since
    # reading is a POST, marks nothing: issue 8, item 10)
    with django_assert_num_queries(3):
        response = client.get("/notifications/")

    assert "A debrief waits for you" in response.content.decode()
    assert manager.managed_team_ids == [manager.team_id]


@pytest.mark.django_db
def test_it_knows_the_teams_of_a_manager_of_two_teams(manager, south):
    from salesproc.models import User

    south.manager = manager
    south.save()

    loaded = User.objects.for_request().get(pk=manager.pk)

    assert sorted(loaded.managed_team_ids) == sorted([manager.team_id, south.pk])
