"""POST /api/v1/contacts: partner systems send concerns; the same reference sent again returns the first."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core.access import capabilities
from mace.core.api import NON_BLANK, with_offset
from mace.core.api import ErrorOut as ErrorOut  # one error schema for every module

from . import selectors, services
from .models import Contact


class OtherNameIn(Schema):
    """A name the child is also known by: an alias, a previous name or the name they are called."""

    given_names: str = Field("", max_length=150)
    family_name: str = Field("", max_length=150)
    kind: str = Field("alias", pattern="^(alias|previous|called)$")


class SubjectIn(Schema):
    given_names: str = Field("", max_length=150)
    family_name: str = Field("", max_length=150)
    date_of_birth: date | None = None
    sex: str | None = Field(None, pattern="^(F|M|X)$", description="F, M or X (other or not recorded)")
    other_names: list[OtherNameIn] = Field(default_factory=list, max_length=10)
    nhs_number: str | None = Field(None, max_length=20)
    police_id: str | None = Field(None, max_length=40)
    la_child_id: str | None = Field(None, max_length=40)
    upn: str | None = Field(None, max_length=20)
    postcode: str | None = Field(None, max_length=10)
    address: str | None = Field(None, max_length=200)


class ContactIn(Schema):
    source_system: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=60)
    external_ref: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=100)
    kind: str = Field(..., pattern="^(vpa|screening|ed_referral|professional|public)$")
    received_at: datetime
    source_agency: str = Field("", max_length=50, description="The sending agency's code")
    subject: SubjectIn
    summary: str = Field(..., min_length=1, pattern=NON_BLANK, max_length=20_000)
    concerns: list[str] = Field(default_factory=list, max_length=30)
    child_voice: str = Field("", max_length=5000)

    @field_validator("received_at")
    @classmethod
    def needs_offset(cls, value: datetime) -> datetime | None:
        return with_offset(value)


class MatchOut(Schema):
    status: str
    score: float
    model: str = ""  # the linkage model's version


class ContactOut(Schema):
    id: int
    person_id: int | None
    match: MatchOut
    review_due_at: datetime
    decision_due_at: datetime
    status: str


router = Router(tags=["contacts"])


def _out(contact: Contact) -> dict[str, object]:
    return {
        "id": contact.pk,
        "person_id": contact.person_id,
        "match": {
            "status": contact.match_status,
            "score": round(contact.match_score, 4),
            "model": contact.match_model,
        },
        "review_due_at": contact.review_due_at,
        "decision_due_at": contact.decision_due_at,
        "status": contact.status,
    }


@router.post(
    "",
    response={200: ContactOut, 201: ContactOut, 403: ErrorOut, 422: ErrorOut},
    summary="Send a contact to the front door",
)
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).submit_contacts:
        return Status(403, {"detail": "This account cannot send contacts"})
    partnership = partnership_of(user)
    if partnership is None:
        return Status(
            422,
            {"detail": [{"loc": ["body"], "field": "", "msg": "The account is not part of a partnership"}]},
        )
    agency = selectors.agency_by_code(payload.source_agency) if payload.source_agency else user.agency
    if payload.source_agency and agency is None:
        return Status(
            422,
            {
                "detail": [
                    {"loc": ["body", "source_agency"], "field": "source_agency", "msg": "Unknown agency code"}
                ]
            },
        )
    data = services.ContactIn(
        kind=payload.kind,
        received_at=payload.received_at,
        summary=payload.summary,
        subject=payload.subject.dict(exclude_none=True),
        source_system=payload.source_system,
        external_ref=payload.external_ref,
        source_agency=agency,
        concerns=payload.concerns,
        child_voice=payload.child_voice,
    )
    contact, created = services.contact_receive(
        data=data, partnership=partnership, route=Contact.Route.API, by=user
    )
    return Status(201 if created else 200, _out(contact))


@router.get("/{contact_id}", response={200: ContactOut, 404: ErrorOut}, summary="One contact's progress")
def get_contact(request: HttpRequest, contact_id: int) -> Status[dict[str, object]]:
    contact = selectors.contact_for_user(request.user, contact_id)
    return Status(200, _out(contact))
