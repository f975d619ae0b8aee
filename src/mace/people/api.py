from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from mace.accounts.actors import signed_in
from mace.accounts.selectors import partnership_of
from mace.core.access import capabilities
from mace.core.api import NON_BLANK
from mace.core.api import ErrorOut as ErrorOut  # one error schema for every module

from . import selectors, services


class FlagOut(Schema):
    kind: str
    label: str
    reason: str


class PersonSummary(Schema):
    id: int
    given_names: str
    family_name: str
    preferred_name: str
    date_of_birth: date | None
    sex: str
    flags: list[str]


class IdentifierOut(Schema):
    scheme: str
    value: str


class InvolvementOut(Schema):
    agency: str
    team: str
    worker: str | None
    kind: str


class PersonDetail(PersonSummary):
    kind: str
    ethnicity: str
    relationship: str
    identifiers: list[IdentifierOut]
    flag_details: list[FlagOut]
    involvements: list[InvolvementOut]


class PersonSearchOut(Schema):
    results: list[PersonSummary]
    more: bool


class PersonIn(Schema):
    given_names: str = Field(min_length=1, pattern=NON_BLANK, max_length=150)
    family_name: str = Field(min_length=1, pattern=NON_BLANK, max_length=150)
    preferred_name: str = Field("", max_length=150)
    kind: str = Field("child", pattern="^(child|adult)$")
    date_of_birth: date | None = None
    sex: str = Field("X", pattern="^[FMX]$")
    ethnicity: str = Field("", max_length=120)
    nhs_number: str = Field("", max_length=20)
    police_id: str = Field("", max_length=40)
    la_child_id: str = Field("", max_length=40)
    upn: str = Field("", max_length=20)
    address_line1: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=10)


router = Router(tags=["people"])


@router.get("", response=PersonSearchOut, summary="Search people you may see")
def search_people(
    request: HttpRequest, q: str = Query(..., min_length=1, max_length=200)
) -> dict[str, object]:
    if not capabilities(request.user).records:
        raise HttpError(403, "Your role does not work with people's records")
    results, more = selectors.search_people(request.user, q)
    flags = selectors.flags_by_person(results)
    return {
        "results": [
            {
                "id": p.pk,
                "given_names": p.given_names,
                "family_name": p.family_name,
                "preferred_name": p.preferred_name,
                "date_of_birth": p.date_of_birth,
                "sex": p.sex,
                "flags": [f.kind for f in flags[p.pk]],
            }
            for p in results
        ],
        "more": more,
    }


@router.get("/{person_id}", response={200: PersonDetail, 404: ErrorOut}, summary="One person's record")
def get_person(request: HttpRequest, person_id: int) -> Status[dict[str, object]]:
    try:
        r = selectors.person_record(request.user, person_id)
    except selectors.PersonNotFound:
        return Status(404, {"detail": "Not found"})
    p = r.person
    return Status(
        200,
        {
            "id": p.pk,
            "given_names": p.given_names,
            "family_name": p.family_name,
            "preferred_name": p.preferred_name,
            "date_of_birth": p.date_of_birth,
            "sex": p.sex,
            "kind": p.kind,
            "ethnicity": p.ethnicity,
            "relationship": r.relationship,
            "flags": [f.kind for f in r.flags],
            "flag_details": [
                {"kind": f.kind, "label": f.get_kind_display(), "reason": f.reason} for f in r.flags
            ],
            "identifiers": [{"scheme": i.scheme, "value": i.value} for i in r.identifiers],
            "involvements": [
                {
                    "agency": i.team.agency.name,
                    "team": i.team.name,
                    "worker": i.worker.get_full_name() if i.worker else None,
                    "kind": i.kind,
                }
                for i in r.involvements
            ],
        },
    )


@router.post("", response={201: PersonSummary, 403: ErrorOut, 422: ErrorOut}, summary="Add a person")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[dict[str, object]]:
    user = signed_in(request)
    if not capabilities(user).create_people:
        return Status(403, {"detail": "Your role cannot add people"})
    partnership = partnership_of(user)
    if partnership is None:
        return Status(
            422,
            {"detail": [{"loc": ["body"], "field": "", "msg": "Your account is not part of a partnership"}]},
        )
    person = services.person_create(
        data=services.NewPerson(**payload.dict()), partnership=partnership, by=user
    )
    return Status(
        201,
        {
            "id": person.pk,
            "given_names": person.given_names,
            "family_name": person.family_name,
            "preferred_name": person.preferred_name,
            "date_of_birth": person.date_of_birth,
            "sex": person.sex,
            "flags": [],
        },
    )
