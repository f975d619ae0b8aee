"""Synthetic children (and a few adults) with the mess real intake has: each child known to several
agencies under slightly different details, nicknames, misspellings, day and month swapped, missing
NHS numbers, and a share of children recorded twice as separate people, for linkage to find."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from mace.accounts.models import Agency
from mace.core import audit
from mace.core.models import AccessLogEntry
from mace.people.identifiers import generate_nhs_number, generate_police_id, generate_upn, normalise_postcode
from mace.people.keys import name_key
from mace.people.models import (
    Address,
    ChronologyEvent,
    Flag,
    Identifier,
    Involvement,
    Person,
    PersonName,
    RestrictedAccess,
    SourceRecord,
)

from . import bulk
from .mess import variant_record
from .names import pick_address, pick_person
from .organisation import MAIN, PARTNERSHIPS
from .registry import DemoContext, step

BATCH = 1000
FLAG_RATES = {
    Flag.Kind.CSE: 0.04,
    Flag.Kind.CCE: 0.05,
    Flag.Kind.MISSING: 0.06,
    Flag.Kind.CPIS_CP: 0.05,
    Flag.Kind.CPIS_LAC: 0.06,
}
FLAG_REASONS = {
    Flag.Kind.CSE: [
        "Older boyfriend, gifts and going missing overnight",
        "Online contact with unknown adults",
        "Found in a hotel with adults not known to the family",
    ],
    Flag.Kind.CCE: [
        "Found out of area with cash and two phones",
        "Linked to county lines activity",
        "Arrested with older associates for possession with intent to supply",
    ],
    Flag.Kind.MISSING: ["Three missing episodes in 90 days", "Missing from care placement repeatedly"],
    Flag.Kind.CPIS_CP: ["Subject to a child protection plan (CP-IS)"],
    Flag.Kind.CPIS_LAC: ["Looked after child (CP-IS)"],
}
STORY = [
    (ChronologyEvent.Kind.EDUCATION, "education", "Attendance below 80% this half term"),
    (ChronologyEvent.Kind.HEALTH, "health", "Attended the emergency department"),
    (ChronologyEvent.Kind.CONTACT, "police", "Vulnerable person assessment submitted"),
    (ChronologyEvent.Kind.VISIT, "csc", "Home visit: seen alone"),
    (ChronologyEvent.Kind.CONTACT, "csc", "Contact received by the integrated front door"),
    (ChronologyEvent.Kind.EDUCATION, "education", "Fixed-term exclusion"),
]


def _dob(rng: random.Random, today: date) -> date:
    age = rng.choices(range(5, 18), weights=[1, 1, 1, 2, 2, 3, 4, 5, 7, 9, 10, 10, 8])[0]
    return today - timedelta(days=age * 365 + rng.randrange(365))


def _agency_of(ctx: DemoContext, kind: str, partnership_code: str) -> Agency:
    teams = ctx.org["teams"]
    if kind == "police":
        return teams["police-vh"].agency
    if kind == "health":
        return teams["mshft-ed"].agency if rng_choice(ctx) else teams["est-ed"].agency
    if kind == "education":
        return teams[f"{partnership_code}-inclusion"].agency
    return teams[f"{partnership_code}-ifd"].agency


def rng_choice(ctx: DemoContext) -> bool:
    return ctx.rng.random() < 0.5


@step(20, "people")
def build_people(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng
    teams = ctx.org["teams"]
    staff = ctx.org["staff"]
    partnerships = ctx.org["partnerships"]
    codes = [c for c, _ in PARTNERSHIPS]
    weights = [0.7 if c == MAIN else 0.1 for c in codes]
    counts = dict.fromkeys(
        [
            "Children",
            "Adults",
            "Duplicate child records",
            "Identifiers",
            "Agency records",
            "Flags",
            "Involvements",
            "Chronology events",
        ],
        0,
    )
    advance = ctx.task("Generating children", ctx.children)
    done = 0
    while done < ctx.children:
        n = min(BATCH, ctx.children - done)
        _batch(ctx, n, rng, teams, staff, partnerships, codes, weights, counts)
        done += n
        advance(n)
    return counts


def _batch(
    ctx: DemoContext,
    n: int,
    rng: random.Random,
    teams: dict[str, Any],
    staff: dict[str, list[Any]],
    partnerships: dict[str, Any],
    codes: list[str],
    weights: list[float],
    counts: dict[str, int],
) -> None:
    people: list[Person] = []
    specs: list[dict[str, Any]] = []
    for _ in range(n):
        code = rng.choices(codes, weights=weights)[0]
        name = pick_person(rng)
        dob = _dob(rng, ctx.today)
        address = pick_address(rng)
        spec: dict[str, Any] = {
            "code": code,
            "name": name,
            "dob": dob,
            "address": address,
            "nhs": generate_nhs_number(rng) if rng.random() < 0.92 else None,
            "upn": generate_upn(rng) if rng.random() < 0.85 else None,
            "police": generate_police_id(rng) if rng.random() < 0.3 else None,
            "la": f"LA{rng.randrange(100000, 999999)}" if rng.random() < 0.6 else None,
            "created": ctx.now - timedelta(days=rng.randrange(1, 730), minutes=rng.randrange(1440)),
        }
        specs.append(spec)
        people.append(
            _person(
                partnerships[code],
                name.given_names,
                name.family_name,
                dob,
                name.sex,
                name.ethnicity.label,
                name.preferred_name or "",
                spec["created"],
            )
        )
        # A share of children recorded a second time by another agency: same child, messy details.
        if rng.random() < 0.02:
            v = variant_record(
                rng,
                given_names=name.given_names,
                family_name=name.family_name,
                date_of_birth=dob,
                nhs_number=spec["nhs"],
                postcode=address.postcode,
            )
            dup = dict(spec, duplicate_of=len(specs) - 1, nhs=v["nhs_number"], upn=None, police=None, la=None)
            specs.append(dup)
            people.append(
                _person(
                    partnerships[code],
                    v["given_names"],
                    v["family_name"],
                    v["date_of_birth"],
                    name.sex,
                    "",
                    "",
                    spec["created"] + timedelta(days=rng.randrange(1, 200)),
                )
            )
            counts["Duplicate child records"] += 1
    bulk.create(Person, people)
    counts["Children"] += n
    ctx.child_ids.extend(p.pk for p in people)

    identifiers: list[Identifier] = []
    addresses: list[Address] = []
    names: list[PersonName] = []
    sources: list[SourceRecord] = []
    flags: list[Flag] = []
    involvements: list[Involvement] = []
    events: list[ChronologyEvent] = []
    named: list[RestrictedAccess] = []
    adults: list[Person] = []
    for person, spec in zip(people, specs, strict=True):
        code = spec["code"]
        csc = teams[f"{code}-ifd"].agency
        for scheme, value, agency in (
            ("nhs", spec["nhs"], teams["mshft-ed"].agency),
            ("upn", spec["upn"], teams[f"{code}-inclusion"].agency),
            ("police", spec["police"], teams["police-vh"].agency),
            ("la_child", spec["la"], csc),
        ):
            if value:
                identifiers.append(
                    bulk.row(
                        Identifier, person=person, scheme=scheme, value=value.replace(" ", ""), agency=agency
                    )
                )
        a = spec["address"]
        addresses.append(
            bulk.row(
                Address,
                person=person,
                line1=a.line1,
                town=a.town,
                postcode=normalise_postcode(a.postcode),
                from_date=(spec["created"] - timedelta(days=rng.randrange(30, 2000))).date(),
                agency=csc,
            )
        )
        if person.preferred_name:
            names.append(
                bulk.row(
                    PersonName,
                    person=person,
                    kind=PersonName.Kind.PREFERRED,
                    given_names=person.preferred_name,
                    family_name=person.family_name,
                    family_key=person.family_key,
                    given_key=name_key(person.preferred_name),
                )
            )
        events.append(
            bulk.row(
                ChronologyEvent,
                person=person,
                occurred_at=spec["created"],
                kind=ChronologyEvent.Kind.RECORD,
                title="Record created",
                agency=csc,
                actor_label=ctx.actor.label,
            )
        )
        if "duplicate_of" in spec:
            continue
        # How each agency's own system knows the child.
        for kind in rng.sample(["police", "health", "education", "csc"], k=rng.randint(2, 4)):
            v = variant_record(
                rng,
                given_names=person.given_names,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
                nhs_number=spec["nhs"],
                upn=spec["upn"],
                police_id=spec["police"],
                postcode=a.postcode,
            )
            ids = {k: v[k] for k in ("nhs_number", "upn", "police_id") if v[k]}
            sources.append(
                bulk.row(
                    SourceRecord,
                    person=person,
                    agency=_agency_of(ctx, kind, code),
                    given_names=v["given_names"],
                    family_name=v["family_name"],
                    date_of_birth=v["date_of_birth"],
                    postcode=v["postcode"] or "",
                    identifiers=ids,
                    recorded_at=spec["created"],
                )
            )
            if "nickname" in v["changes"] or "family_name_misspelt" in v["changes"]:
                names.append(
                    bulk.row(
                        PersonName,
                        person=person,
                        kind=PersonName.Kind.ALIAS,
                        given_names=v["given_names"],
                        family_name=v["family_name"],
                        family_key=name_key(v["family_name"]),
                        given_key=name_key(v["given_names"]),
                        agency=_agency_of(ctx, kind, code),
                    )
                )
        _involve(ctx, rng, person, code, teams, staff, involvements, spec["created"])
        for kind, rate in FLAG_RATES.items():
            if rng.random() < rate:
                set_at = min(ctx.now, spec["created"] + timedelta(days=rng.randrange(0, 60)))
                flags.append(
                    bulk.row(
                        Flag,
                        person=person,
                        kind=kind,
                        reason=rng.choice(FLAG_REASONS[kind]),
                        set_by_label=ctx.actor.label,
                        agency=csc if kind != "cse" else teams["police-vh"].agency,
                        set_at=set_at,
                        review_due=(set_at + timedelta(days=90)).date(),
                    )
                )
                events.append(
                    bulk.row(
                        ChronologyEvent,
                        person=person,
                        occurred_at=set_at,
                        kind=ChronologyEvent.Kind.FLAG,
                        title=f"Flag set: {Flag.Kind(kind).label}",
                        agency=csc,
                        actor_label=ctx.actor.label,
                    )
                )
        for _ in range(rng.randint(1, 6)):
            kind, agency_kind, title = rng.choice(STORY)
            events.append(
                bulk.row(
                    ChronologyEvent,
                    person=person,
                    kind=kind,
                    title=title,
                    agency=_agency_of(ctx, agency_kind, code),
                    occurred_at=min(
                        ctx.now,
                        spec["created"] + timedelta(days=rng.randrange(0, 700), minutes=rng.randrange(1440)),
                    ),
                    actor_label=ctx.actor.label,
                )
            )
        if rng.random() < 0.003:
            person.restricted = True
            flags.append(
                bulk.row(
                    Flag,
                    person=person,
                    kind=Flag.Kind.RESTRICTED,
                    reason="Record sealed: protected identity",
                    set_by_label=ctx.actor.label,
                    agency=csc,
                    set_at=spec["created"],
                )
            )
            worker = staff[f"{code}-cp"][0] if staff.get(f"{code}-cp") else None
            if worker is not None:
                named.append(
                    bulk.row(
                        RestrictedAccess,
                        person=person,
                        user=worker,
                        granted_by_label=ctx.actor.label,
                        granted_at=spec["created"],
                        reason="Allocated worker",
                    )
                )
        if rng.random() < 0.05:
            adult = pick_person(rng)
            adults.append(
                _person(
                    person.partnership,
                    adult.given_names,
                    adult.family_name,
                    ctx.today - timedelta(days=rng.randrange(19 * 365, 45 * 365)),
                    adult.sex,
                    adult.ethnicity.label,
                    "",
                    spec["created"],
                    kind=Person.Kind.ADULT,
                )
            )
    Person.objects.bulk_update([p for p in people if p.restricted], ["restricted"])
    bulk.create(Person, adults)
    for model, rows in (
        (Identifier, identifiers),
        (Address, addresses),
        (PersonName, names),
        (SourceRecord, sources),
        (Flag, flags),
        (Involvement, involvements),
        (ChronologyEvent, events),
        (RestrictedAccess, named),
    ):
        bulk.create(model, rows)
    audit.record_many(
        ctx.actor,
        [audit.Event(AccessLogEntry.Action.CREATE, "person", str(p.pk), p.pk) for p in [*people, *adults]],
    )
    counts["Adults"] += len(adults)
    counts["Identifiers"] += len(identifiers)
    counts["Agency records"] += len(sources)
    counts["Flags"] += len(flags)
    counts["Involvements"] += len(involvements)
    counts["Chronology events"] += len(events)


def _person(
    partnership: Any,
    given: str,
    family: str,
    dob: date | None,
    sex: str,
    ethnicity: str,
    preferred: str,
    created: datetime,
    kind: str = Person.Kind.CHILD,
) -> Person:
    return bulk.row(
        Person,
        partnership=partnership,
        kind=kind,
        given_names=given,
        family_name=family,
        preferred_name=preferred,
        date_of_birth=dob,
        sex=sex,
        ethnicity=ethnicity,
        family_key=name_key(family),
        given_key=name_key(given),
    )


def _involve(
    ctx: DemoContext,
    rng: random.Random,
    person: Person,
    code: str,
    teams: dict[str, Any],
    staff: dict[str, list[Any]],
    out: list[Involvement],
    since: datetime,
) -> None:
    """Who works with the child: a statutory team or early help, school, police and health sometimes."""

    def add(team_code: str, kind: str, role: str) -> None:
        members = staff.get(team_code) or []
        # Demo accounts sit first in their team's list and get a larger share of children.
        worker = members[0] if members and rng.random() < 0.15 else (rng.choice(members) if members else None)
        out.append(
            bulk.row(
                Involvement,
                person=person,
                team=teams[team_code],
                worker=worker,
                kind=kind,
                role_description=role,
                started_at=min(ctx.now, since + timedelta(days=rng.randrange(0, 90))),
            )
        )

    r = rng.random()
    if r < 0.12:
        add(f"{code}-ce", Involvement.Kind.ALLOCATED, "Allocated social worker")
    elif r < 0.30:
        add(
            rng.choice([f"{code}-cin-1", f"{code}-cin-2", f"{code}-cp", f"{code}-cared-for"])
            if code == MAIN
            else f"{code}-cin-1",
            Involvement.Kind.ALLOCATED,
            "Allocated social worker",
        )
    elif r < 0.50:
        add(f"{code}-eh", Involvement.Kind.ALLOCATED, "Early help practitioner")
    elif r < 0.56:
        add(f"{code}-ifd", Involvement.Kind.FRONT_DOOR, "Front door")
    if rng.random() < 0.35:
        add(f"{code}-inclusion", Involvement.Kind.INVOLVED, "Education welfare")
    if code == MAIN and rng.random() < 0.12:
        add(rng.choice(["police-ce-east", "police-mfh-east"]), Involvement.Kind.INVOLVED, "Police")
    if rng.random() < 0.08:
        add("police-vh", Involvement.Kind.INVOLVED, "Vulnerability hub")
    if code == MAIN and rng.random() < 0.10:
        add(
            rng.choice(["mshft-safeguarding", "est-safeguarding", "est-school-nursing"]),
            Involvement.Kind.INVOLVED,
            "Health",
        )
    if code == MAIN and rng.random() < 0.04:
        add("compass-rhi-east", Involvement.Kind.INVOLVED, "Return home interviews")
