"""The network for police systems and analysts: the same access (handling codes), the same rules and the
same refusals as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from mace.accounts.selectors import partnership_of
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, ErrorOut

from . import selectors, services
from .models import Subject

router = Router(tags=["network"])


class NetworkSubjectOut(Schema):
    id: int
    kind: str
    name: str
    grading: str = Field(
        ..., description="Source reliability (A-E), information assessment (1-5), handling code (1-5)"
    )
    place_kind: str
    foreign: bool
    proposed: bool


class NetworkSubjectIn(Schema):
    kind: str = Field(..., pattern=r"^(adult|place|vehicle|online|group)$")
    name: str = Field(..., min_length=1, max_length=200, pattern=NON_BLANK)
    source: str = Field(..., min_length=1, max_length=200, pattern=NON_BLANK)
    source_reliability: str = Field(..., pattern=r"^(A|B|C|D|E)$")
    information_assessment: int = Field(..., ge=1, le=5)
    handling_code: int = Field(..., ge=1, le=5)
    aliases: str = Field("", max_length=300)
    date_of_birth: date | None = None
    place_kind: str = Field(
        "", pattern=r"^(|address|takeaway|hotel|taxi_firm|park|school|shop|transport|other)$"
    )
    address: str = Field("", max_length=300)
    postcode: str = Field("", max_length=10)
    foreign: bool = False
    platform: str = Field("", max_length=60)
    description: str = Field("", max_length=5000)


class NetworkLinkOut(Schema):
    id: int
    source: str = Field(..., description="p<id> for a child, s<id> for a subject")
    target: str
    kind: str
    starts: date | None
    ends: date | None
    withheld: bool


class NetworkOut(Schema):
    subject: NetworkSubjectOut
    links: list[NetworkLinkOut]


class NetworkAssociationIn(Schema):
    kind: str = Field(
        ...,
        pattern=r"^(seen_with|missing_from|found_at|peers|uses_vehicle|linked_to_place|online_contact|member_of)$",
    )
    subject_id: int
    person_id: int | None = None
    from_subject_id: int | None = None
    starts: date | None = None
    ends: date | None = None
    source_kind: str = Field("intelligence", pattern=r"^(missing|screening|contact|meeting|intelligence)$")
    source_id: str = Field("", max_length=64)
    confidence: str = Field("medium", pattern=r"^(low|medium|high)$")
    note: str = Field("", max_length=5000)


class NetworkCreatedOut(Schema):
    id: int


class NetworkDecisionIn(Schema):
    decision: str = Field(..., pattern=r"^(confirm|reject)$")
    reason: str = Field("", max_length=2000)


def _subject(s: Subject) -> dict[str, Any]:
    return {
        "id": s.pk,
        "kind": s.kind,
        "name": s.name,
        "grading": s.grading,
        "place_kind": s.place_kind,
        "foreign": s.foreign,
        "proposed": s.proposed,
    }


@router.get(
    "/subjects",
    response={200: list[NetworkSubjectOut], 422: ErrorOut},
    summary="Subjects you may see (by handling code)",
)
def list_subjects(
    request: HttpRequest, kind: str | None = Query(None, pattern=r"^(adult|place|vehicle|online|group)$")
) -> Status[Any]:
    if not capabilities(request.user).intelligence:
        return Status(200, [])
    return Status(200, [_subject(s) for s in selectors.subject_list(request.user, kind=kind or "")])


@router.get(
    "/subjects/{subject_id}",
    response={200: NetworkOut, 404: ErrorOut, 422: ErrorOut},
    summary="A subject and its links",
)
def get_subject(request: HttpRequest, subject_id: int) -> Status[Any]:
    try:
        found = selectors.subject_for_user(request.user, subject_id, purpose="api")
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    net = selectors.network_around_subject(request.user, found)
    links = [
        {
            "id": e.pk,
            "source": e.source,
            "target": e.target,
            "kind": e.kind,
            "starts": e.starts,
            "ends": e.ends,
            "withheld": net.nodes[e.source].withheld or net.nodes[e.target].withheld,
        }
        for e in net.edges
    ]
    return Status(200, {"subject": _subject(found), "links": links})


@router.post(
    "/subjects", response={201: NetworkSubjectOut, 403: ErrorOut, 422: ErrorOut}, summary="Record a subject"
)
def post_subject(request: HttpRequest, payload: NetworkSubjectIn) -> Status[Any]:
    partnership = partnership_of(request.user)  # type: ignore[arg-type]
    if partnership is None:
        raise PermissionError("Your account is not in a partnership.")
    s = services.subject_record(
        partnership=partnership, data=services.SubjectIn(**payload.dict()), by=request.user
    )
    return Status(201, _subject(s))


@router.post(
    "/associations",
    response={201: NetworkCreatedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a link",
)
def post_association(request: HttpRequest, payload: NetworkAssociationIn) -> Status[Any]:
    try:
        subject = selectors.subject_for_user(request.user, payload.subject_id, purpose="link")
        from_subject = (
            selectors.subject_for_user(request.user, payload.from_subject_id, purpose="link")
            if payload.from_subject_id
            else None
        )
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    person = selectors.person_by_id(payload.person_id) if payload.person_id else None
    if payload.person_id and person is None:
        raise ValidationError({"person": "You may not link to a record you cannot see"})
    link = services.association_record(
        partnership=subject.partnership,
        data=services.LinkIn(
            kind=payload.kind,
            subject=subject,
            person=person,
            from_subject=from_subject,
            starts=payload.starts,
            ends=payload.ends,
            source_kind=payload.source_kind,
            source_id=payload.source_id,
            confidence=payload.confidence,
            note=payload.note,
        ),
        by=request.user,
    )
    return Status(201, {"id": link.pk})


@router.post(
    "/proposals/{proposal_id}/decision",
    response={200: NetworkCreatedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Confirm or reject a proposed link",
)
def post_decision(request: HttpRequest, proposal_id: int, payload: NetworkDecisionIn) -> Status[Any]:
    try:
        found = selectors.proposal_for_user(request.user, proposal_id)
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    decided = services.proposal_decide(
        proposal=found, confirm=payload.decision == "confirm", reason=payload.reason, by=request.user
    )
    return Status(200, {"id": decided.association_id or decided.pk})
