import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_it_issues_a_token_that_authenticates(rep):
    client = APIClient()

    response = client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "pw"}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/users/me/")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "alice"
    assert body["team"]["name"] == "North"
    assert body["role"]["name"] == "Inside rep"
    assert [p["key"] for p in body["processes"]] == [
        "calls",
        "leads",
        "opportunities",
        "deals",
        "automation",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {"username": "alice", "password": "wrong"},
        {"username": "alice"},
        {},
    ],
)
def test_it_refuses_bad_credentials_with_400(rep, payload):
    response = APIClient().post("/api/v1/auth/token/", payload, format="json")
    assert response.status_code == 400
    assert response.json()


@pytest.mark.django_db
def test_it_answers_malformed_json_with_400(rep):
    response = APIClient().post(
        "/api/v1/auth/token/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


@pytest.mark.django_db
def test_it_requires_authentication(rep):
    response = APIClient().get("/api/v1/accounts/")
    assert response.status_code == 401


@pytest.mark.django_db
def test_it_accepts_the_browser_session(client, rep):
    client.force_login(rep)
    assert client.get("/api/v1/users/me/").json()["username"] == "alice"


@pytest.mark.django_db
def test_it_serves_the_openapi_schema_and_docs_locally(client, rep):
    client.force_login(rep)
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/accounts/" in schema.content
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"/static/drf_spectacular_sidecar/" in docs.content
