"""The child's plan for partner systems: the current version, read through the same access rules as
the pages. Forbidden, missing and "no plan yet" all answer the same 404."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from mace.frontdoor.api import ErrorOut
from mace.people.selectors import PersonNotFound

from . import selectors

router = Router(tags=["plans"])


class ActionOut(Schema):
    key: str
    text: str
    owner: str
    agency: str
    due: str
    done: str


class PlanOut(Schema):
    person_id: int
    version: int
    created_at: datetime
    created_by: str
    reason: str
    plan_type: str
    status: str
    needs_and_risks: str
    outcomes: str
    child_views: str
    family_views: str
    contingency: str
    actions: list[ActionOut]


@router.get(
    "/{person_id}", response={200: PlanOut, 404: ErrorOut}, summary="The current version of a child's plan"
)
def current_plan(request: HttpRequest, person_id: int) -> Status[dict[str, object]]:
    try:
        v = selectors.current_version(request.user, person_id)
    except PersonNotFound:
        return Status(404, {"detail": "Not found"})
    return Status(
        200,
        {
            "person_id": v.plan.person_id,
            "version": v.number,
            "created_at": v.created_at,
            "created_by": v.created_by_label,
            "reason": v.reason,
            "plan_type": v.plan_type,
            "status": v.status,
            "needs_and_risks": v.needs_and_risks,
            "outcomes": v.outcomes,
            "child_views": v.child_views,
            "family_views": v.family_views,
            "contingency": v.contingency,
            "actions": v.actions,
        },
    )
