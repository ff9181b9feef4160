"""Every operation of the live schema, fed hostile values in every field: never a 5xx.

schemathesis (test_fuzz.py) generates values from the schema, so it rarely sends what
the schema does not describe: 1e400 where an id goes, a 64-bit overflow, a NUL, a
lone surrogate, nested JSON, a 5,000-digit number. Here every operation is called with
only its required fields, with every field present, and once per hostile value with
that value in every body field, query parameter and path parameter at once (a
serializer checks all its fields, so one request exercises each). Deterministic and
bounded: about 30 requests per operation.
"""

import json

import pytest
from rest_framework.test import APIClient

from servicedesk.api.scopes import Scope
from servicedesk.api.services import api_token_issue
from tests.world import build_world

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# JSON tokens spliced into bodies as they are (json.dumps cannot write 1e400 or a lone
# surrogate escape); each stands for a class of input that once reached a 500.
HOSTILE_JSON = [
    "1e400",
    "-1e400",
    str(2**63),
    str(-(2**63) - 1),
    "9" * 5000,
    "1.5",
    "-1",
    "0",
    "true",
    "null",
    '""',
    '"\\u0000"',
    '"\\ud800"',
    '"a\\u202eb\\u0007c"',
    '"' + "x" * 30_000 + '"',
    '"' + "9" * 5000 + '"',
    '"1e400"',
    '"NaN"',
    '"0001-01-01T00:00:00+23:59"',
    '"9999-12-31"',
    "[]",
    "{}",
    "[" * 30 + "]" * 30,
    '{"a": {"b": {"c": ["\\u0000"]}}}',
    '["\\u0000", 1e400, {"x": null}]',
]
# Query and path values: text (a client can send any bytes; %ED%A0%80 is a surrogate).
HOSTILE_TEXT = [
    "1e400",
    str(2**63),
    "9" * 5000,
    "1.5",
    "-1",
    "",
    "%00",
    "%ED%A0%80",
    "%FF",
    "a%E2%80%AEb",
    "x" * 5000,
    "NaN",
    "0001-01-01T00:00:00%2B23:59",
    "9999-12-31T23:59:59-23:59",
    "[]",
]


def operations():
    response = APIClient().get("/api/v1/schema/", {"format": "json"}, HTTP_HOST="127.0.0.1")
    schema = json.loads(response.content)
    for path, methods in sorted(schema["paths"].items()):
        for method, operation in sorted(methods.items()):
            if method in {"get", "post", "put", "patch", "delete"}:
                yield pytest.param(path, method, operation, schema, id=f"{method} {path}")


def _resolve(schema, node):
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _valid_value(schema, node, world):
    node = _resolve(schema, node)
    if "enum" in node:
        return node["enum"][0]
    if "allOf" in node or "oneOf" in node:
        return _valid_value(schema, (node.get("allOf") or node["oneOf"])[0], world)
    kind = node.get("type")
    if kind == "integer":
        return world.ids["teams"]
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return [_valid_value(schema, node.get("items", {}), world)]
    if kind == "object":
        return {}
    if node.get("format") == "date-time":
        return "2026-03-02T10:00:00+08:00"
    if node.get("format") == "date":
        return "2026-03-02"
    return "hostile"


def _body_fields(schema, operation):
    content = operation.get("requestBody", {}).get("content", {})
    for media_type in ("application/json", "multipart/form-data"):
        if media_type in content:
            body = _resolve(schema, content[media_type]["schema"])
            return media_type, body.get("properties", {}), set(body.get("required", []))
    return None, {}, set()


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world()


@pytest.fixture
def client(world):
    _token, plain = api_token_issue(
        user=world.users["administrator"],
        name="hostile",
        scopes=list(Scope.values),
        rate_per_minute=1_000_000,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def _path(template, world, parameters, value=None):
    resource = template.split("/")[3]
    path = template
    for name in parameters:
        replacement = value if value is not None else str(world.ids.get(resource, 1))
        if name != "id" and value is None:
            replacement = "1"
        path = path.replace("{" + name + "}", replacement)
    return path


def _call(client, method, path, *, query="", body=None, media_type=None):
    headers = {}
    parts = path.split("/")  # ['', 'api', 'v1', resource, id, ...]
    if method in {"patch", "post"} and len(parts) > 5 and parts[4].isdigit():
        # Token clients must send If-Match; the record's current ETag gets past it.
        current = client.get("/".join(parts[:5]) + "/")
        headers["HTTP_IF_MATCH"] = current.get("ETag", "")
    url = f"{path}?{query}" if query else path
    if body is None:
        return client.generic(method.upper(), url, **headers)
    return client.generic(method.upper(), url, body, content_type=media_type, **headers)


def _assert_no_server_error(response, what):
    assert response.status_code < 500, (what, response.status_code, response.content[:300])
    if response.status_code >= 400 and response.get("Content-Type", "").startswith(
        "application/json"
    ):
        assert set(response.json()) >= {"detail", "code", "fields"}, (what, response.json())


def _json_body(properties, token_for) -> bytes:
    """A JSON object of these properties, each value the JSON text token_for(name)."""
    return (
        "{" + ", ".join(f"{json.dumps(name)}: {token_for(name)}" for name in properties) + "}"
    ).encode()


@pytest.mark.parametrize("path, method, operation, schema", list(operations()))
def test_no_field_of_any_operation_turns_hostile_input_into_a_5xx(
    client, world, path, method, operation, schema
):
    path_parameters = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    query_parameters = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    media_type, properties, required = _body_fields(schema, operation)
    real_path = _path(path, world, path_parameters)

    json_body = media_type == "application/json"
    valid = {
        name: json.dumps(_valid_value(schema, node, world)) for name, node in properties.items()
    }
    # Every optional field absent, then every field present with a value of its type.
    for names in (sorted(required), sorted(properties)):
        body = _json_body(names, valid.__getitem__) if json_body else None
        _assert_no_server_error(
            _call(client, method, real_path, body=body, media_type=media_type), names
        )
    for token in HOSTILE_JSON if json_body else ():
        body = _json_body(sorted(properties), lambda name, token=token: token)
        _assert_no_server_error(
            _call(client, method, real_path, body=body, media_type=media_type), token[:40]
        )
    for text in HOSTILE_TEXT:
        if query_parameters:
            query = "&".join(f"{name}={text}" for name in query_parameters)
            _assert_no_server_error(_call(client, method, real_path, query=query), text[:40])
        if path_parameters:
            hostile_path = _path(path, world, path_parameters, value=text or "%20")
            _assert_no_server_error(_call(client, method, hostile_path), text[:40])
