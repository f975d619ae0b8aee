"""The network for police systems and analysts: the same access (handling codes), the same rules and the
same refusals as the pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from mace.accounts.actors import User, signed_in
from mace.accounts.selectors import partnership_of
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, ErrorOut, VersionConflictOut, conflict_shows

from . import selectors, services
from .models import ContextPlan, Subject

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
        partnership=partnership, data=services.SubjectIn(**payload.dict()), by=signed_in(request)
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
        by=signed_in(request),
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
        proposal=found, confirm=payload.decision == "confirm", reason=payload.reason, by=signed_in(request)
    )
    return Status(200, {"id": decided.association_id or decided.pk})


# Contextual safeguarding -------------------------------------------------------------------------------


class ContextActionOut(Schema):
    key: str
    text: str
    partner: str
    owner: str
    due: str
    progress: str


class ContextAssessmentOut(Schema):
    id: int
    subject_id: int
    step: str = Field(..., description="trigger, scope, observation, weighing, conference or plan")
    trigger: str
    triggered_on: date
    version: int = Field(..., description="Send it back with the next step")
    children_in_scope: int
    plan_version: int = Field(..., description="0 until the context plan is written")
    review_on: date | None
    actions: list[ContextActionOut]


class ContextStartIn(Schema):
    trigger: str = Field(..., min_length=1, max_length=5000, pattern=NON_BLANK)
    triggered_on: date
    source_kind: str = Field("", pattern=r"^(|missing|screening|contact|meeting|intelligence)$")
    source_id: str = Field("", max_length=64)


class ContextActionIn(Schema):
    key: str = Field("", max_length=12)
    text: str = Field(..., min_length=1, max_length=2000, pattern=NON_BLANK)
    partner: str = Field(
        ...,
        pattern=r"^(licensing|transport|school|police|community_safety|health|social_care|youth|business)$",
    )
    owner: str = Field(..., min_length=1, max_length=150, pattern=NON_BLANK)
    due: date
    progress: str = Field("", max_length=2000)


class ContextPlanPut(Schema):
    version: int | None = Field(None, description="The plan version the change is based on (0: no plan yet)")
    summary: str = Field(..., min_length=1, max_length=20000, pattern=NON_BLANK)
    review_on: date
    reason: str = Field("", max_length=2000)
    actions: list[ContextActionIn] = Field(..., min_length=1, max_length=50)


def _context(a: Any) -> dict[str, Any]:
    plan = selectors.context_plan(a)
    current = plan.versions.get(number=plan.version) if plan else None
    return {
        "id": a.pk,
        "subject_id": a.subject_id,
        "step": a.step,
        "trigger": a.trigger,
        "triggered_on": a.triggered_on,
        "version": a.version,
        "children_in_scope": a.children.count(),
        "plan_version": plan.version if plan else 0,
        "review_on": plan.review_on if plan else None,
        "actions": current.actions if current else [],
    }


def _plan_out(plan: Any) -> dict[str, Any]:
    return {"version": plan.version, "review_on": plan.review_on.isoformat(), "status": plan.status}


@router.get(
    "/context-assessments",
    response={200: list[ContextAssessmentOut]},
    summary="Context assessments of places and groups you may see",
)
def list_contexts(request: HttpRequest) -> Status[Any]:
    return Status(200, [_context(a) for a in selectors.context_assessments_for(request.user)])


@router.get(
    "/context-assessments/{assessment_id}",
    response={200: ContextAssessmentOut, 404: ErrorOut},
    summary="A context assessment (each child in scope read is logged)",
)
def get_context(request: HttpRequest, assessment_id: int) -> Status[Any]:
    try:
        a = selectors.context_for_user(request.user, assessment_id, purpose="api")
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    return Status(200, _context(a))


@router.post(
    "/subjects/{subject_id}/context-assessments",
    response={201: ContextAssessmentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Start a context assessment of a place or group (the trigger step)",
)
def post_context(request: HttpRequest, subject_id: int, payload: ContextStartIn) -> Status[Any]:
    try:
        subject = selectors.subject_for_user(request.user, subject_id, purpose="context")
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    a = services.context_start(
        subject=subject, data=services.TriggerIn(**payload.dict()), by=signed_in(request)
    )
    return Status(201, _context(a))


@router.put(
    "/context-assessments/{assessment_id}/plan",
    response={
        200: ContextAssessmentOut,
        403: ErrorOut,
        404: ErrorOut,
        409: VersionConflictOut,
        422: ErrorOut,
    },
    summary="Write the context plan's next version (409 if `version` is not the saved one)",
)
def put_context_plan(request: HttpRequest, assessment_id: int, payload: ContextPlanPut) -> Status[Any]:
    try:
        a = selectors.context_for_user(request.user, assessment_id, purpose="api")
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    services.context_plan_save(
        assessment=a,
        data=services.ContextPlanIn(
            summary=payload.summary,
            review_on=payload.review_on,
            reason=payload.reason,
            actions=[services.ContextActionIn(**x.dict()) for x in payload.actions],
        ),
        by=signed_in(request),
        version=payload.version,
    )
    a.refresh_from_db()
    return Status(200, _context(a))


conflict_shows(ContextPlan, _plan_out)


class ContextScopeIn(Schema):
    version: int | None = Field(None, description="The assessment's version")
    area: str = Field(..., min_length=1, max_length=2000, pattern=NON_BLANK)
    children: list[int] = Field(
        ..., min_length=1, max_length=500, description="Ids of children linked to the place or group"
    )


class SafetyMapIn(Schema):
    place: str = Field(..., min_length=1, max_length=200, pattern=NON_BLANK)
    feels: str = Field(..., pattern=r"^(safe|unsafe)$")
    why: str = Field("", max_length=2000)


class ContextObservationIn(Schema):
    version: int | None = Field(None, description="The assessment's version")
    on: date
    where: str = Field(..., min_length=1, max_length=500, pattern=NON_BLANK)
    what: str = Field(..., min_length=1, max_length=10000, pattern=NON_BLANK)
    safety: list[SafetyMapIn] = Field(default_factory=list, max_length=50)


class ContextWeighIn(Schema):
    context: str = Field(..., pattern=r"^(peer|school|neighbourhood|online|home)$")
    harm: str = Field("", max_length=5000)
    protective: str = Field("", max_length=5000)


class ContextWeighingIn(Schema):
    version: int | None = Field(None, description="The assessment's version")
    contexts: list[ContextWeighIn] = Field(..., min_length=1, max_length=10)
    judgement: str = Field(..., min_length=1, max_length=10000, pattern=NON_BLANK)


class ContextAttendeeIn(Schema):
    name: str = Field(..., min_length=1, max_length=150, pattern=NON_BLANK)
    agency: str = Field("", max_length=150)


class ContextConferenceIn(Schema):
    version: int | None = Field(None, description="The assessment's version")
    held_on: date
    chair_id: int = Field(..., description="A child protection chair of the partnership")
    attendees: list[ContextAttendeeIn] = Field(..., min_length=1, max_length=60)
    discussion: str = Field(..., min_length=1, max_length=20000, pattern=NON_BLANK)
    decisions: str = Field(..., min_length=1, max_length=20000, pattern=NON_BLANK)


class ContextReviewPost(Schema):
    held_on: date
    attendees: str = Field(..., min_length=1, max_length=5000, pattern=NON_BLANK)
    progress: str = Field(..., min_length=1, max_length=20000, pattern=NON_BLANK)
    safer: str = Field(..., pattern=r"^(yes|no|unclear)$", description="Is the place or group safer?")
    decision: str = Field(..., pattern=r"^(continue|close)$")
    next_review_on: date | None = None


_STEP_RESPONSES: dict[int, Any] = {
    200: ContextAssessmentOut,
    403: ErrorOut,
    404: ErrorOut,
    409: VersionConflictOut,
    422: ErrorOut,
}


class _Refused(Exception):
    """A step the endpoint itself refuses before calling the service (a 422 with the reason)."""


def _step(request: HttpRequest, assessment_id: int, write: Callable[[Any, User], Any]) -> Status[Any]:
    """One step of an assessment the caller may see: `write(assessment, user)` calls the service (which
    checks the version, the order of the steps and the caller's role), then the assessment as it is now.
    The service's own refusals map to 403, 409 and 422 as everywhere in the API."""
    try:
        a = selectors.context_for_user(request.user, assessment_id, purpose="api")
    except selectors.NotFound:
        return Status(404, {"detail": "Not found"})
    try:
        write(a, signed_in(request))
    except _Refused as refused:
        return Status(422, {"detail": str(refused)})
    a.refresh_from_db()
    return Status(200, _context(a))


@router.put(
    "/context-assessments/{assessment_id}/scope",
    response=_STEP_RESPONSES,
    summary="Scope the assessment: the area, and the children in scope (only children linked to it)",
)
def put_context_scope(request: HttpRequest, assessment_id: int, payload: ContextScopeIn) -> Status[Any]:
    def write(a: Any, user: User) -> None:
        allowed = selectors.scope_candidates(user, a.subject)
        if any(pk not in allowed for pk in payload.children):
            raise _Refused("Name only children linked to the place or group whose records you may see")
        services.context_scope(
            assessment=a,
            area=payload.area,
            children=selectors.people_by_ids(payload.children),
            by=user,
            version=payload.version,
        )

    return _step(request, assessment_id, write)


@router.post(
    "/context-assessments/{assessment_id}/observations",
    response=_STEP_RESPONSES,
    summary="Record an observation and young people's own safety mapping (no names)",
)
def post_context_observation(
    request: HttpRequest, assessment_id: int, payload: ContextObservationIn
) -> Status[Any]:
    safety = [services.SafetyIn(x.place, x.feels, x.why) for x in payload.safety]
    return _step(
        request,
        assessment_id,
        lambda a, user: services.context_observe(
            assessment=a,
            on=payload.on,
            where=payload.where,
            what=payload.what,
            safety=safety,
            by=user,
            version=payload.version,
        ),
    )


@router.put(
    "/context-assessments/{assessment_id}/weighing",
    response=_STEP_RESPONSES,
    summary="Weigh the contexts: harm and protective factors in each, and a judgement",
)
def put_context_weighing(request: HttpRequest, assessment_id: int, payload: ContextWeighingIn) -> Status[Any]:
    contexts = [services.ContextIn(x.context, x.harm, x.protective) for x in payload.contexts]
    return _step(
        request,
        assessment_id,
        lambda a, user: services.context_weigh(
            assessment=a, contexts=contexts, judgement=payload.judgement, by=user, version=payload.version
        ),
    )


@router.post(
    "/context-assessments/{assessment_id}/conference",
    response=_STEP_RESPONSES,
    summary="Record the context conference (a child protection chair; about the place, not individuals)",
)
def post_context_conference(
    request: HttpRequest, assessment_id: int, payload: ContextConferenceIn
) -> Status[Any]:
    def write(a: Any, user: User) -> None:
        data = services.ConferenceIn(
            held_on=payload.held_on,
            chair=selectors.chair_by_id(user, payload.chair_id),
            attendees=[services.AttendeeIn(x.name, x.agency) for x in payload.attendees],
            discussion=payload.discussion,
            decisions=payload.decisions,
        )
        services.context_conference(assessment=a, data=data, by=user, version=payload.version)

    return _step(request, assessment_id, write)


@router.post(
    "/context-assessments/{assessment_id}/plan/reviews",
    response={200: ContextAssessmentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Review the context plan: progress, whether the place is safer, continue or close",
)
def post_context_review(request: HttpRequest, assessment_id: int, payload: ContextReviewPost) -> Status[Any]:
    def write(a: Any, user: User) -> None:
        plan = selectors.context_plan(a)
        if plan is None:
            raise _Refused("Write the context plan before reviewing it.")
        data = services.ContextReviewIn(
            held_on=payload.held_on,
            attendees=payload.attendees,
            progress=payload.progress,
            safer=payload.safer,
            decision=payload.decision,
            next_review_on=payload.next_review_on,
        )
        services.context_review(plan=plan, data=data, by=user)

    return _step(request, assessment_id, write)
