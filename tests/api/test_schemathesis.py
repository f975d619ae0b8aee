"""A short, seeded schemathesis run over every operation in /api/v1/openapi.json, with a token for a
user holding the broad working roles: an answer of 500, or one that the document does not declare
(status, content type or body shape), fails the suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor

from ..factories import InvolvementFactory, PersonFactory, UserFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BROAD = [
    Role.FRONT_DOOR_MANAGER,
    Role.TEAM_MANAGER,
    Role.POLICE_OFFICER,
    Role.HEALTH_SAFEGUARDING_LEAD,
    Role.RHI_WORKER,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection when a request ends; Django's test client turns
    that off, schemathesis's WSGI client does not, and on PostgreSQL it closed the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: Any) -> str:
    user = UserFactory(roles=BROAD)
    InvolvementFactory(person=PersonFactory(partnership=user.team.partnership), team=user.team, worker=user)
    return str(token_create(user=user, by=Actor.system("test")).raw)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_the_document_says(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
