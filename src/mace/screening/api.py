"""POST /api/v1/screenings: a partner system sends a completed exploitation screening. It reaches the
front door as a contact; the same reference sent again returns the first screening."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, VersionConflictOut, conflict_shows
from mace.frontdoor.api import ErrorOut, SubjectIn
from mace.frontdoor.models import Contact
from mace.people.selectors import PersonNotFound, person_for_user

from . import selectors, services
from .models import Screening

JUDGEMENTS = {"no_concerns": 0, "low": 1, "medium": 2, "high": 3}


class AnswerIn(Schema):
    indicator: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=40)
    evidence: str = Field("", max_length=10_000)


class ScreeningIn(Schema):
    source_system: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=60)
    external_ref: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=100)
    tool_version: int = Field(..., ge=1, description="The version of the screening tool completed")
    completed_at: datetime | None = None
    person_id: int | None = Field(None, description="A child you may see; otherwise give the subject")
    subject: SubjectIn | None = None
    answers: list[AnswerIn] = Field(default_factory=list, max_length=100)
    child_voice: str = Field("", max_length=10_000)
    analysis: str = Field("", max_length=10_000)
    judgement: str = Field("", description="no_concerns, low, medium or high")
    judgement_reason: str = Field("", max_length=10_000)


class AgreementIn(Schema):
    agree: bool = Field(..., description="true: agree the practitioner's judgement; false: change it")
    judgement: str = Field("", description="When changing it: no_concerns, low, medium or high")
    note: str = Field(
        ...,
        min_length=1,
        pattern=NON_BLANK,
        max_length=10_000,
        description="Why you agree, or what changes the judgement",
    )
    version: int = Field(..., description="The screening version this was based on (any other is a 409)")


class ScreeningOut(Schema):
    id: int
    version: int
    person_id: int | None
    tool_version: int
    score: int
    level: str
    judgement: str
    needs_agreement: bool
    status: str
    contact_id: int | None


router = Router(tags=["screenings"])
NAMES = {v: k for k, v in JUDGEMENTS.items()}


def _out(s: Screening) -> dict[str, object]:
    return {
        "id": s.pk,
        "version": s.version,
        "person_id": s.person_id,
        "tool_version": s.tool_version.version,
        "score": s.score,
        "level": NAMES[s.level],
        "judgement": NAMES[s.judgement],
        "needs_agreement": s.needs_agreement,
        "status": s.status,
        "contact_id": s.contact_id,
    }


def _problem(field: str, msg: str, *loc: str) -> dict[str, object]:
    return {"loc": ["body", *(loc or (field,))], "field": field, "msg": msg}


@router.post(
    "",
    response={200: ScreeningOut, 201: ScreeningOut, 403: ErrorOut, 422: ErrorOut},
    summary="Send a completed exploitation screening",
)
def create_screening(request: HttpRequest, payload: ScreeningIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).complete_screenings:
        return Status(403, {"detail": "This account cannot send screenings"})
    partnership = partnership_of(user)
    if partnership is None:
        return Status(422, {"detail": [_problem("", "The account is not part of a partnership")]})
    problems = []
    person = None
    if payload.person_id is not None:
        try:
            person, _ = person_for_user(user, payload.person_id, purpose="screening")
        except PersonNotFound:
            problems.append(_problem("person_id", "No child you may see has this identifier"))
    version = selectors.tool_version_by_number(selectors.DEFAULT_TOOL, payload.tool_version)
    if version is None:
        problems.append(_problem("tool_version", "There is no such version of the screening tool"))
    if payload.judgement not in JUDGEMENTS:
        problems.append(
            _problem("judgement", "Record the professional judgement: no_concerns, low, medium or high")
        )
    codes = [a.indicator for a in payload.answers]
    if len(set(codes)) != len(codes):
        problems.append(_problem("answers", "Each indicator may be answered once"))
    data = services.ScreeningIn(
        tool_version=version,
        answers={a.indicator: a.evidence for a in payload.answers},
        analysis=payload.analysis,
        judgement=JUDGEMENTS.get(payload.judgement),
        judgement_reason=payload.judgement_reason,
        person=person,
        subject=payload.subject.dict(exclude_none=True) if payload.subject else {},
        child_voice=payload.child_voice,
        completed_at=payload.completed_at,
        source_system=payload.source_system,
        external_ref=payload.external_ref,
    )
    if version is not None:
        for name, msg in services.validate_screening(data).items():
            if name == "judgement" and any(p["field"] == "judgement" for p in problems):
                continue
            if name.startswith("evidence."):
                code = name.split(".", 1)[1]
                problems.append(_problem(code, msg, "answers", code, "evidence"))
            else:
                problems.append(_problem(name, msg))
    if problems:
        return Status(422, {"detail": problems})
    screening, created = services.screening_complete(
        data=data, partnership=partnership, by=user, route=Contact.Route.API
    )
    return Status(201 if created else 200, _out(screening))


@router.get(
    "/awaiting-agreement",
    response={200: list[ScreeningOut], 403: ErrorOut},
    summary="Judgements below the indicators, waiting for a manager",
)
def awaiting_agreement(request: HttpRequest) -> Status[object]:
    if not capabilities(request.user).agree_judgements:
        return Status(403, {"detail": "Only a manager agrees screening judgements"})
    return Status(200, [_out(s) for s in selectors.agreement_queue(request.user)])


@router.get("/{screening_id}", response={200: ScreeningOut, 404: ErrorOut}, summary="One screening")
def get_screening(request: HttpRequest, screening_id: int) -> Status[dict[str, object]]:
    screening = selectors.screening_for_user(request.user, screening_id)
    return Status(200, _out(screening))


@router.post(
    "/{screening_id}/agreement",
    response={200: ScreeningOut, 403: ErrorOut, 404: ErrorOut, 409: VersionConflictOut, 422: ErrorOut},
    summary="A manager agrees the judgement, or changes it",
)
def agree(request: HttpRequest, screening_id: int, payload: AgreementIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).agree_judgements:
        return Status(403, {"detail": "Only a manager agrees screening judgements"})
    screening = selectors.screening_for_user(user, screening_id)
    if not payload.agree and payload.judgement not in JUDGEMENTS:
        return Status(
            422, {"detail": [_problem("judgement", "Choose the level: no_concerns, low, medium or high")]}
        )
    screening = services.screening_agree(
        screening=screening,
        agree=payload.agree,
        note=payload.note,
        judgement=JUDGEMENTS.get(payload.judgement),
        version=payload.version,
        by=user,
    )
    return Status(200, _out(screening))


conflict_shows(Screening, _out)
