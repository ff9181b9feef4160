"""The OpenAPI schema: generated without warnings, every operation documents its errors."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        # --fail-on-warn: any warning (an unresolvable field, a name collision) fails the build.
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "patch", "put", "delete"}:
                yield path, method, operation


def test_every_operation_documents_the_common_errors_in_the_error_shape(schema):
    for path, method, operation in operations(schema):
        for status in ("400", "401", "403", "404", "429"):
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"]["$ref"].endswith("/Error"), (path, method, status)
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_every_post_documents_idempotency_and_its_errors(schema):
    posts = [(path, op) for path, method, op in operations(schema) if method == "post"]
    assert posts
    for path, operation in posts:
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path
        assert {"409", "413", "415", "422"} <= set(operation["responses"]), path


def test_updates_document_if_match_412_and_428_and_reads_document_the_etag(schema):
    ticket = schema["paths"]["/api/v1/tickets/{id}/"]
    for operation in (ticket["patch"], schema["paths"]["/api/v1/tickets/{id}/status/"]["post"]):
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "If-Match" in headers
        assert {"412", "428"} <= set(operation["responses"])
    assert "ETag" in ticket["get"]["responses"]["200"]["headers"]


def test_the_error_codes_are_published_in_the_description(schema):
    description = schema["info"]["description"]
    for code in (
        "invalid_cursor",
        "idempotency_key_reused",
        "precondition_required",
        "throttled",
        "transition_not_allowed",
    ):
        assert f"`{code}`" in description


def test_the_schema_and_the_docs_are_served_without_a_cdn(client, integration):
    client.force_login(integration)
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"drf_spectacular_sidecar" in docs.content
