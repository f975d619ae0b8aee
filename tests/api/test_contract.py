"""The published OpenAPI document is the contract a partner's generated client is built from: every
schema name means one thing, every answer a client can get is declared, and a bad path parameter is
named as such."""

from __future__ import annotations

import collections
from typing import Any

import pytest
from django.test import Client
from ninja import Schema

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.api import api
from mace.core.audit import Actor

pytestmark = pytest.mark.django_db


def _document() -> dict[str, Any]:
    return dict(Client().get("/api/v1/openapi.json").json())


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def _schemas(cls: type = Schema) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_schemas(sub)]
    return found


def test_every_schema_name_is_defined_by_one_class() -> None:
    """ninja names a component by its class: two classes with one name become one component, and a
    client generated from the document gets the wrong one's fields (plan actions had the meeting's)."""
    assert api.urls  # every module's router is registered, so every schema class is loaded
    names = collections.Counter(c.__name__ for c in _schemas() if c.__module__.startswith("mace."))
    assert [name for name, count in names.items() if count > 1] == []


def test_every_component_in_the_document_is_a_distinct_schema() -> None:
    schemas = _document()["components"]["schemas"]
    titles = collections.Counter(component.get("title", name) for name, component in schemas.items())
    assert [title for title, count in titles.items() if count > 1] == []


def test_the_plan_action_schema_has_the_plan_fields() -> None:
    schemas = _document()["components"]["schemas"]
    plan_in = schemas["PlanIn"]["properties"]["actions"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert {"key", "text", "owner", "agency", "due", "done"} <= set(schemas[plan_in]["properties"])
    meeting_in = schemas["MeetingActionIn"]["properties"]
    assert "description" in meeting_in and "agency" not in meeting_in


def test_every_operation_documents_401() -> None:
    missing = [(p, m) for p, m, op in _operations(_document()) if "401" not in op["responses"]]
    assert missing == []


def test_every_operation_with_parameters_or_a_body_documents_422() -> None:
    document = _document()
    missing = [
        (p, m)
        for p, m, op in _operations(document)
        if (op.get("parameters") or op.get("requestBody")) and "422" not in op["responses"]
    ]
    assert missing == []


def test_a_word_where_the_path_needs_a_number_is_named_as_the_path_parameter(make_user: Any) -> None:
    user = make_user(Role.POLICE_OFFICER)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")
    response = client.get("/api/v1/people/abc")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["loc"], problem["field"]) == (["path", "person_id"], "person_id")
    assert "JSON" not in problem["msg"] and "person_id" in problem["msg"]


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if "$ref" in node else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _request_schemas(document: dict[str, Any]) -> set[str]:
    schemas = document["components"]["schemas"]
    todo = set().union(*(_refs(op.get("requestBody", {})) for _p, _m, op in _operations(document)))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        seen.add(name)
        todo |= _refs(schemas[name]) - seen
    return seen


def test_every_required_text_in_a_request_declares_that_it_cannot_be_blank() -> None:
    """The services refuse blank text: a request the schema allows must not be refused for it."""
    document = _document()
    schemas = document["components"]["schemas"]
    loose = []
    for name in sorted(_request_schemas(document)):
        schema = schemas[name]
        for field in schema.get("required", []):
            prop = schema["properties"][field]
            if prop.get("type") != "string" or "format" in prop:
                continue
            choice = prop.get("pattern", "").startswith("^(")  # one of named values: never blank
            if not choice and (prop.get("minLength", 0) < 1 or "pattern" not in prop):
                loose.append(f"{name}.{field}")
    assert loose == []
