"""The OpenAPI schema an integrator reads alone: tags, summaries, errors, authentication."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_has_a_resource_tag_and_a_summary_and_a_description(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, method, op in operations(schema)
        if not op.get("tags")
        or "v1" in op["tags"]
        or not (op.get("summary") or "").strip()
        or not (op.get("description") or "").strip()
    ]
    assert missing == []
    assert len(list(operations(schema))) > 100


def test_operations_are_grouped_by_resource(schema):
    tags = {op["tags"][0] for _, _, op in operations(schema)}
    assert {"deals", "accounts", "contacts", "leads", "calls", "search", "auth"} <= tags
    described = {t["name"]: t.get("description", "") for t in schema["tags"]}
    assert described["deals"]


def test_writes_list_the_400_and_detail_routes_the_404(schema):
    for path, method, op in operations(schema):
        if method in ("post", "put", "patch"):
            assert "400" in op["responses"], f"{method} {path}"
        if "{id}" in path and op.get("security"):
            assert "404" in op["responses"], f"{method} {path}"


def test_the_move_documents_the_exit_criteria_refusal_and_the_stale_version(schema):
    move = schema["paths"]["/api/v1/deals/{id}/move/"]["post"]
    assert move["summary"] == "Move a deal to another stage"
    assert "exit_criteria_confirmed" in move["responses"]["400"]["description"]
    assert "409" in move["responses"]
    assert "**409**" in move["description"]


def test_the_description_explains_authentication_and_links_back_to_the_app(schema):
    text = schema["info"]["description"]
    assert "/api/v1/auth/token/" in text
    assert "Authorization: Token " in text
    assert "session" in text.lower() and "X-CSRFToken" in text
    assert "](/)" in text


def test_the_authorize_dialog_offers_the_token_only(schema):
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth"}


def test_the_token_endpoint_is_public_and_named(schema):
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert token["summary"] == "Get an API token"
    assert not token.get("security")
    assert "401" not in token["responses"] and "429" in token["responses"]


def test_the_docs_page_and_schema_are_served(client, rep):
    client.force_login(rep)
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200
