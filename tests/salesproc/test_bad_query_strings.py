"""Bad query strings (issue 8, item 13): a NUL byte (or another control character) in a
search or a filter gets the list and a message on pages, a 400 in the API, never a 500."""

import pytest

from salesproc.middleware import QUERY_STRING_MESSAGE
from tests.factories import AccountFactory, ContactFactory

PAGES = {
    "/accounts/companies/": ["q", "status", "industry", "owner", "country", "sort", "page"],
    "/accounts/contacts/": ["q", "account", "owner", "decision_maker", "sort", "page"],
    "/leads/": ["q", "status", "owner", "source", "min_score", "sort", "page"],
    "/deals/": [
        "q",
        "owner",
        "pipeline",
        "stage",
        "status",
        "category",
        "type",
        "close",
        "sort",
        "page",
    ],
    "/deals/board/": ["q", "owner", "pipeline"],
    "/calls/all/": ["q", "status", "owner", "type", "channel", "period", "sort", "page"],
    "/deals/settings/products/": ["q", "show", "page"],
}
CASES = [(path, name) for path, names in PAGES.items() for name in names]


@pytest.fixture
def records(admin, rep):
    account = AccountFactory(name="Acme Robotics", owner=rep)
    ContactFactory(first_name="Ann", last_name="Acme", account=account, owner=rep)
    return account


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), CASES)
def test_a_nul_in_a_search_or_filter_shows_the_list_with_a_message(
    client, admin, records, path, name
):
    client.force_login(admin)

    response = client.get(f"{path}?{name}=Acme%00Robotics")

    assert response.status_code == 200
    assert QUERY_STRING_MESSAGE.replace("'", "&#x27;") in response.content.decode()


@pytest.mark.django_db
def test_a_nul_is_left_out_and_the_rest_of_the_search_still_applies(client, admin, records):
    client.force_login(admin)

    response = client.get("/accounts/companies/?q=Acme%00")

    assert response.status_code == 200
    assert "Acme Robotics" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PAGES))
def test_a_nul_in_a_parameter_name_is_handled_too(client, admin, path):
    client.force_login(admin)

    assert client.get(f"{path}?q%00=x").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(PAGES))
def test_an_htmx_request_with_a_nul_answers_the_partial(client, admin, path):
    client.force_login(admin)

    assert client.get(f"{path}?q=%00", HTTP_HX_REQUEST="true").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/",
        "/api/v1/contacts/",
        "/api/v1/leads/",
        "/api/v1/deals/",
        "/api/v1/calls/",
        "/api/v1/users/",
    ],
)
@pytest.mark.parametrize("query", ["search=%00", "owner=%00", "ordering=na%00me", "page=%01"])
def test_the_api_answers_400_with_a_field_message(api, admin, path, query):
    api.force_authenticate(admin)

    response = api.get(f"{path}?{query}")

    assert response.status_code == 400
    field = query.split("=")[0]
    assert response.json() == {
        field: ["Contains characters that can't be searched for (such as NUL)."]
    }


@pytest.mark.django_db
def test_a_clean_query_string_is_left_alone(client, admin, records):
    client.force_login(admin)

    response = client.get("/accounts/companies/?q=Acme")

    assert "Acme Robotics" in response.content.decode()
    assert QUERY_STRING_MESSAGE.replace("'", "&#x27;") not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), CASES)
@pytest.mark.parametrize(
    "value", ["abc", "-1", "99999999999999999999999", "%F0%9F%92%A9", "a'%22;--"]
)
def test_other_bad_values_answer_the_list_never_a_500(client, admin, records, path, name, value):
    client.force_login(admin)

    assert client.get(f"{path}?{name}={value}").status_code == 200
