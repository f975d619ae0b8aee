"""The partner API: /api/v1/, bearer tokens per user or partner system, OpenAPI at /api/v1/openapi.json.

Each module adds a router; every endpoint reads through the same user-scoped selectors as the pages.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from mace.accounts.services import token_authenticate
from mace.core.api import conflict_current, problems
from mace.core.conflict import Conflict
from mace.people.selectors import PersonNotFound


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


class MaceAPI(NinjaAPI):
    """The published contract names every answer a client can get: 401 on every operation (no or a
    wrong token), and 422 wherever the request has parameters or a body that can be refused."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                responses.setdefault(
                    401, {"description": "No token, or a token that is not valid", "content": ERROR_REF}
                )
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault(
                        422,
                        {
                            "description": "A parameter or the body is refused, naming it",
                            "content": ERROR_REF,
                        },
                    )
        return schema


api = MaceAPI(
    title="MACE API",
    version="1",
    description=(
        "The multi-agency child exploitation platform's API for partner systems. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `mace token create USERNAME`). Every call is "
        "scoped by the same access rules as the pages and recorded in the access log."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(
        request, {"detail": [{"loc": ["body"], "msg": "The request is too large (2 MB at most)"}]}, status=413
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and "parse" in str(exc).lower():
        return api.create_response(
            request,
            {"detail": [{"loc": ["body"], "field": "", "msg": "The request body is not valid JSON"}]},
            status=422,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", [])]
        msg = str(error.get("msg", "Invalid value"))
        kind = str(error.get("type", ""))
        if kind == "json_invalid" or (loc[:1] == ["body"] and "json" in msg.lower()):
            msg = "The request body is not valid JSON"
        elif loc[:1] in (["path"], ["query"]) and len(loc) > 1:
            # ninja nests parameters under the function's argument; the client knows only the name
            where = "path" if loc[0] == "path" else "query string"
            msg = f"`{loc[-1]}` in the {where} is not valid: {msg}"
            loc = [loc[0], loc[-1]]
        problems.append({"loc": loc, "msg": msg, "field": loc[-1] if loc else ""})
    return api.create_response(request, {"detail": problems}, status=422)


@api.exception_handler(ValidationError)
def refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Services refuse bad input with a ValidationError; nothing was saved (their transaction rolled back)."""
    return api.create_response(request, problems(exc), status=422)


@api.exception_handler(PersonNotFound)
def not_found(request: HttpRequest, exc: PersonNotFound) -> HttpResponse:
    """Forbidden and missing alike: the selectors have already logged the refusal."""
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(PermissionError)
def forbidden(request: HttpRequest, exc: PermissionError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


def _plain(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@api.exception_handler(Conflict)
def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    """Optimistic locking: nothing was saved; the caller sees what is saved now and what it tried."""
    current = getattr(exc.record, "version", getattr(exc.record, "number", None))
    return api.create_response(
        request,
        {
            "detail": (
                f"Someone else changed this record (it is now at version {current}); nothing was saved. "
                "Read it again, merge your change and send it with the new version."
            ),
            "current_version": current,
            "based_on": exc.based_on,
            "current": json.loads(json.dumps(conflict_current(exc.record), default=_plain)),
            "attempted": json.loads(json.dumps(exc.attempted, default=_plain)),
        },
        status=409,
    )


def _register() -> None:
    from mace.casework.api import router as casework_router
    from mace.exports.api import router as exports_router
    from mace.frontdoor.api import router as contacts_router
    from mace.health.api import router as health_router
    from mace.health.api import waits_router
    from mace.improvement.api import router as improvement_router
    from mace.meetings.api import router as meetings_router
    from mace.missing.api import interviews_router, trigger_plans_router
    from mace.missing.api import router as missing_router
    from mace.network.api import router as network_router
    from mace.oversight.api import router as oversight_router
    from mace.people.api import router as people_router
    from mace.plans.api import router as plans_router
    from mace.screening.api import router as screening_router

    api.add_router("/people", people_router)
    api.add_router("/contacts", contacts_router)
    api.add_router("/screenings", screening_router)
    api.add_router("/ed-attendances", health_router)
    api.add_router("/assessment-waits", waits_router)
    api.add_router("/missing-episodes", missing_router)
    api.add_router("/return-interviews", interviews_router)
    api.add_router("/trigger-plans", trigger_plans_router)
    api.add_router("/plans", plans_router)
    api.add_router("/meetings", meetings_router)
    api.add_router("/casework", casework_router)
    api.add_router("/oversight", oversight_router)
    api.add_router("/exports", exports_router)
    api.add_router("/improvement", improvement_router)
    api.add_router("/network", network_router)


_register()
