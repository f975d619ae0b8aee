"""Missing episodes from partner systems (the police): report, return, read. Idempotent on the police
reference: the same episode sent again returns the first, and the same return sent again changes nothing."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from mace.accounts.selectors import partnership_of
from mace.core.access import capabilities
from mace.frontdoor.api import ErrorOut, SubjectIn
from mace.people.selectors import PersonNotFound

from . import selectors, services
from .models import MissingEpisode


def _offset(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("times must include a UTC offset, like 2026-03-02T21:15:00+00:00")
    return value


class EpisodeIn(Schema):
    police_ref: str = Field(..., min_length=1, max_length=40)
    category: str = Field(..., pattern="^(missing|absent)$")
    setting: str = Field(..., pattern="^(home|care)$")
    risk: int = Field(..., ge=1, le=3, description="Police risk grading: 1 low, 2 medium, 3 high")
    reported_at: datetime
    last_seen_at: datetime
    last_seen_place: str = Field(..., min_length=1, max_length=200)
    last_seen_with: str = Field("", max_length=200)
    circumstances: str = Field(..., min_length=1, max_length=20_000)
    subject: SubjectIn

    @field_validator("reported_at", "last_seen_at")
    @classmethod
    def needs_offset(cls, value: datetime) -> datetime | None:
        return _offset(value)


class ReturnIn(Schema):
    returned_at: datetime
    found_place: str = Field(..., min_length=1, max_length=200)
    found_by: str = Field(..., pattern="^(police|family|self|professional|other)$")
    found_with: str = Field("", max_length=200)
    child_account: str = Field("", max_length=20_000)
    harm_disclosed: bool = False
    harm_details: str = Field("", max_length=20_000)

    @field_validator("returned_at")
    @classmethod
    def needs_offset(cls, value: datetime) -> datetime | None:
        return _offset(value)


class EpisodeOut(Schema):
    id: int
    police_ref: str
    person_id: int | None
    match_status: str
    status: str
    risk: int
    last_seen_at: datetime
    returned_at: datetime | None
    strategy_meeting_due_at: datetime
    return_interview_due_at: datetime | None


router = Router(tags=["missing"])


def _out(e: MissingEpisode) -> dict[str, object]:
    interview = getattr(e, "interview", None) if e.returned_at else None
    return {
        "id": e.pk,
        "police_ref": e.police_ref,
        "person_id": e.person_id,
        "match_status": e.match_status,
        "status": e.status,
        "risk": e.risk,
        "last_seen_at": e.last_seen_at,
        "returned_at": e.returned_at,
        "strategy_meeting_due_at": e.strategy_due_at,
        "return_interview_due_at": interview.offer_due_at if interview else None,
    }


def _errors(exc: ValidationError) -> dict[str, object]:
    return {
        "detail": [
            {"loc": ["body", *name.split(".")], "field": name.split(".")[-1], "msg": " ".join(msgs)}
            for name, msgs in exc.message_dict.items()
        ]
    }


@router.post(
    "",
    response={200: EpisodeOut, 201: EpisodeOut, 403: ErrorOut, 422: ErrorOut},
    summary="Report a child missing",
)
def report_episode(request: HttpRequest, payload: EpisodeIn) -> Status[dict[str, object]]:
    user = request.user
    if not capabilities(user).report_missing:
        return Status(403, {"detail": "This account cannot report children missing"})
    partnership = partnership_of(user)  # type: ignore[arg-type]
    if partnership is None:
        return Status(
            422,
            {"detail": [{"loc": ["body"], "field": "", "msg": "The account is not part of a partnership"}]},
        )
    data = services.EpisodeIn(
        police_ref=payload.police_ref,
        category=payload.category,
        setting=payload.setting,
        risk=payload.risk,
        reported_at=payload.reported_at,
        last_seen_at=payload.last_seen_at,
        last_seen_place=payload.last_seen_place,
        last_seen_with=payload.last_seen_with,
        circumstances=payload.circumstances,
        subject=payload.subject.dict(exclude_none=True),
    )
    try:
        episode, created = services.episode_report(data=data, partnership=partnership, route="api", by=user)
    except ValidationError as exc:
        return Status(422, _errors(exc))
    return Status(201 if created else 200, _out(episode))


@router.post(
    "/{episode_id}/return",
    response={200: EpisodeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="The child is found or has returned",
)
def return_episode(request: HttpRequest, episode_id: int, payload: ReturnIn) -> Status[dict[str, object]]:
    user = request.user
    if not capabilities(user).report_missing:
        return Status(403, {"detail": "This account cannot record returns"})
    try:
        episode = selectors.episode_for_user(user, episode_id)
    except PersonNotFound:
        return Status(404, {"detail": "Not found"})
    data = services.ReturnIn(**payload.dict())
    try:
        episode, _changed = services.episode_return(episode=episode, data=data, by=user)
    except ValidationError as exc:
        return Status(422, _errors(exc))
    return Status(200, _out(episode))


@router.get("/{episode_id}", response={200: EpisodeOut, 404: ErrorOut}, summary="One missing episode")
def get_episode(request: HttpRequest, episode_id: int) -> Status[dict[str, object]]:
    try:
        episode = selectors.episode_for_user(request.user, episode_id)
    except PersonNotFound:
        return Status(404, {"detail": "Not found"})
    return Status(200, _out(episode))


@router.get("", response={200: list[EpisodeOut]}, summary="Children missing now (the morning list)")
def missing_now(request: HttpRequest) -> Status[list[dict[str, object]]]:
    view = selectors.morning_list(request.user)
    return Status(200, [_out(r.episode) for r in view.rows])
