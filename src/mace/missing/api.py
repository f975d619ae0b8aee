"""Missing episodes from partner systems (the police): report, return, read. Idempotent on the police
reference: the same episode sent again returns the first, and the same return sent again changes nothing."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, VersionConflictOut, conflict_shows, with_offset
from mace.frontdoor.api import ErrorOut, SubjectIn
from mace.people.selectors import person_for_user

from . import selectors, services
from .models import MissingEpisode, ReturnInterview, TriggerPlan


class EpisodeIn(Schema):
    police_ref: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=40)
    category: str = Field(..., pattern="^(missing|absent)$")
    setting: str = Field(..., pattern="^(home|care)$")
    risk: int = Field(..., ge=1, le=3, description="Police risk grading: 1 low, 2 medium, 3 high")
    reported_at: datetime
    last_seen_at: datetime
    last_seen_place: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=200)
    last_seen_with: str = Field("", max_length=200)
    circumstances: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=20_000)
    subject: SubjectIn

    @field_validator("reported_at", "last_seen_at")
    @classmethod
    def needs_offset(cls, value: datetime) -> datetime | None:
        return with_offset(value)


class ReturnIn(Schema):
    returned_at: datetime
    found_place: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=200)
    found_by: str = Field(..., pattern="^(police|family|self|professional|other)$")
    found_with: str = Field("", max_length=200)
    child_account: str = Field("", max_length=20_000)
    harm_disclosed: bool = False
    harm_details: str = Field("", max_length=20_000)
    found_outside_area: bool | None = Field(
        None, description="Found outside the partnership's area (true or false); leave out when not known"
    )
    version: int | None = Field(
        None,
        ge=1,
        description="The episode version this return was based on (checked when given). A return is "
        "recorded once and writes only the return, so it may be sent without one, and sent again",
    )

    @field_validator("returned_at")
    @classmethod
    def needs_offset(cls, value: datetime) -> datetime | None:
        return with_offset(value)


class EpisodeOut(Schema):
    id: int
    version: int
    police_ref: str
    person_id: int | None
    match_status: str
    match_model: str = ""  # the linkage model's version
    status: str
    risk: int
    last_seen_at: datetime
    returned_at: datetime | None
    found_outside_area: bool | None = Field(
        None, description="Found outside the partnership's area; null: not known"
    )
    strategy_meeting_due_at: datetime
    return_interview_due_at: datetime | None


class UpdateIn(Schema):
    text: str = Field(
        ..., min_length=1, pattern=NON_BLANK, max_length=20_000, description="What the search learned or did"
    )
    risk: int | None = Field(None, ge=1, le=3, description="A new police risk grading, if it changed")
    version: int = Field(..., ge=1, description="The episode version this update was based on")


class InterviewIn(Schema):
    action: str = Field(..., pattern="^(offer|accept|decline|complete|follow_up)$")
    at: datetime | None = Field(None, description="When it happened (not needed for a follow-up)")
    push_factors: list[str] = Field(default_factory=list, description=", ".join(services.PUSH_FACTORS))
    pull_factors: list[str] = Field(default_factory=list, description=", ".join(services.PULL_FACTORS))
    where_stayed: str = Field("", max_length=200)
    who_with: str = Field("", max_length=200)
    child_words: str = Field("", max_length=20_000)
    follow_up: str = Field("", max_length=20_000)
    version: int = Field(..., ge=1, description="The interview version this step was based on")

    @field_validator("at")
    @classmethod
    def needs_offset(cls, value: datetime | None) -> datetime | None:
        return with_offset(value)


class InterviewOut(Schema):
    id: int
    version: int
    episode_id: int
    person_id: int | None
    offer_due_at: datetime
    offered_at: datetime | None
    response: str
    responded_at: datetime | None
    completed_at: datetime | None
    push_factors: list[str]
    pull_factors: list[str]
    where_stayed: str
    who_with: str
    child_words: str
    follow_up: str


def _interview_out(i: ReturnInterview) -> dict[str, object]:
    return {
        "id": i.pk,
        "version": i.version,
        "episode_id": i.episode_id,
        "person_id": i.episode.person_id,
        "offer_due_at": i.offer_due_at,
        "offered_at": i.offered_at,
        "response": i.response,
        "responded_at": i.responded_at,
        "completed_at": i.completed_at,
        "push_factors": i.push_factors,
        "pull_factors": i.pull_factors,
        "where_stayed": i.where_stayed,
        "who_with": i.who_with,
        "child_words": i.child_words,
        "follow_up": i.follow_up,
    }


router = Router(tags=["missing"])
interviews_router = Router(tags=["missing"])


def _out(e: MissingEpisode) -> dict[str, object]:
    interview = getattr(e, "interview", None) if e.returned_at else None
    return {
        "id": e.pk,
        "version": e.version,
        "police_ref": e.police_ref,
        "person_id": e.person_id,
        "match_status": e.match_status,
        "match_model": e.match_model,
        "status": e.status,
        "risk": e.risk,
        "last_seen_at": e.last_seen_at,
        "returned_at": e.returned_at,
        "found_outside_area": e.found_outside_area,
        "strategy_meeting_due_at": e.strategy_due_at,
        "return_interview_due_at": interview.offer_due_at if interview else None,
    }


@router.post(
    "",
    response={200: EpisodeOut, 201: EpisodeOut, 403: ErrorOut, 422: ErrorOut},
    summary="Report a child missing",
)
def report_episode(request: HttpRequest, payload: EpisodeIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).report_missing:
        return Status(403, {"detail": "This account cannot report children missing"})
    partnership = partnership_of(user)
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
    episode, created = services.episode_report(data=data, partnership=partnership, route="api", by=user)
    return Status(201 if created else 200, _out(episode))


@router.post(
    "/{episode_id}/return",
    response={200: EpisodeOut, 403: ErrorOut, 404: ErrorOut, 409: VersionConflictOut, 422: ErrorOut},
    summary="The child is found or has returned",
)
def return_episode(request: HttpRequest, episode_id: int, payload: ReturnIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).report_missing:
        return Status(403, {"detail": "This account cannot record returns"})
    episode = selectors.episode_for_user(user, episode_id)
    data = services.ReturnIn(**payload.dict(exclude={"version"}))
    # A police system reports the return as an event: it cannot overwrite anything (the service refuses a
    # second, different return), so without a version the episode as read here is the one it is based on.
    version = payload.version if payload.version is not None else episode.version
    episode, _changed = services.episode_return(episode=episode, data=data, by=user, version=version)
    return Status(200, _out(episode))


@router.post(
    "/{episode_id}/updates",
    response={200: EpisodeOut, 403: ErrorOut, 404: ErrorOut, 409: VersionConflictOut, 422: ErrorOut},
    summary="What the search learned, and a new risk grading",
)
def update_episode(request: HttpRequest, episode_id: int, payload: UpdateIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).report_missing:
        return Status(403, {"detail": "This account cannot update missing episodes"})
    episode = selectors.episode_for_user(user, episode_id)
    episode = services.episode_update(
        episode=episode, text=payload.text, risk=payload.risk, version=payload.version, by=user
    )
    return Status(200, _out(episode))


@router.get("/{episode_id}", response={200: EpisodeOut, 404: ErrorOut}, summary="One missing episode")
def get_episode(request: HttpRequest, episode_id: int) -> Status[dict[str, object]]:
    episode = selectors.episode_for_user(request.user, episode_id)
    return Status(200, _out(episode))


@router.get("", response={200: list[EpisodeOut]}, summary="Children missing now (the morning list)")
def missing_now(request: HttpRequest) -> Status[list[dict[str, object]]]:
    view = selectors.morning_list(request.user)
    return Status(200, [_out(r.episode) for r in view.rows])


@interviews_router.get(
    "",
    response={200: list[InterviewOut], 403: ErrorOut},
    summary="Open return home interviews, most urgent first",
)
def interview_queue(request: HttpRequest) -> Status[object]:
    caps = capabilities(request.user)
    if not (caps.return_interviews or caps.missing_list):
        return Status(403, {"detail": "This account does not hold return home interviews"})
    return Status(200, [_interview_out(i) for i in selectors.interview_queue(request.user)])


@interviews_router.get(
    "/{interview_id}", response={200: InterviewOut, 404: ErrorOut}, summary="One interview"
)
def get_interview(request: HttpRequest, interview_id: int) -> Status[dict[str, object]]:
    interview = selectors.interview_for_user(request.user, interview_id)
    return Status(200, _interview_out(interview))


@interviews_router.post(
    "/{interview_id}",
    response={200: InterviewOut, 403: ErrorOut, 404: ErrorOut, 409: VersionConflictOut, 422: ErrorOut},
    summary="Offered, accepted, declined, completed, or followed up after a decline",
)
def record_interview(
    request: HttpRequest, interview_id: int, payload: InterviewIn
) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).return_interviews:
        return Status(403, {"detail": "Only the return home interview service records interviews"})
    interview = selectors.interview_for_user(user, interview_id)
    data = services.InterviewIn(**payload.dict(exclude={"version"}))
    interview = services.interview_record(interview=interview, data=data, by=user, version=payload.version)
    return Status(200, _interview_out(interview))


class TriggerPlanIn(Schema):
    actions: str = Field(
        ...,
        min_length=1,
        pattern=NON_BLANK,
        max_length=20_000,
        description="What to do at once when the child is reported missing",
    )
    places: str = Field(
        ..., min_length=1, pattern=NON_BLANK, max_length=20_000, description="Where to look first"
    )
    associates: str = Field("", max_length=20_000, description="Who the child goes missing with or to")
    triggers: str = Field(
        ...,
        min_length=1,
        pattern=NON_BLANK,
        max_length=20_000,
        description="What sets off the child's episodes",
    )
    version: int | None = Field(
        None,
        ge=1,
        description="The version you changed: required to revise the live plan (without it, 409); "
        "leave it out only to write a new plan",
    )


class TriggerPlanOut(Schema):
    person_id: int
    version: int
    actions: str
    places: str
    associates: str
    triggers: str
    created_at: datetime
    updated_at: datetime
    updated_by: str
    review_due_on: date


def _plan_out(p: TriggerPlan) -> dict[str, object]:
    return {
        "person_id": p.person_id,
        "version": p.version,
        "actions": p.actions,
        "places": p.places,
        "associates": p.associates,
        "triggers": p.triggers,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "updated_by": p.updated_by_label,
        "review_due_on": p.review_due_on,
    }


trigger_plans_router = Router(tags=["missing"])


@trigger_plans_router.get(
    "/{person_id}",
    response={200: TriggerPlanOut, 404: ErrorOut},
    summary="A child's live police trigger plan",
)
def get_trigger_plan(request: HttpRequest, person_id: int) -> Status[dict[str, object]]:
    person, _ = person_for_user(request.user, person_id, purpose="view")
    plan = selectors.live_trigger_plan(person)
    if plan is None:
        return Status(404, {"detail": "Not found"})
    return Status(200, _plan_out(plan))


@trigger_plans_router.put(
    "/{person_id}",
    response={
        200: TriggerPlanOut,
        201: TriggerPlanOut,
        403: ErrorOut,
        404: ErrorOut,
        409: VersionConflictOut,
        422: ErrorOut,
    },
    summary="Write or review a child's trigger plan",
)
def put_trigger_plan(
    request: HttpRequest, person_id: int, payload: TriggerPlanIn
) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).report_missing:
        return Status(403, {"detail": "Only the police write trigger plans"})
    person, _ = person_for_user(user, person_id, purpose="trigger-plan")
    data = services.TriggerPlanIn(**payload.dict(exclude={"version"}))
    plan, created = services.trigger_plan_save(person=person, data=data, by=user, version=payload.version)
    return Status(201 if created else 200, _plan_out(plan))


conflict_shows(MissingEpisode, _out)
conflict_shows(ReturnInterview, _interview_out)
conflict_shows(TriggerPlan, _plan_out)
