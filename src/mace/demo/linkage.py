"""Synthetic, labelled linkage data without a database: a register of children in households
(brothers and sisters share a family name and an address, and some are twins, born the same day)
and incoming records about them as other agencies would write them, with the demo's mess plus the
kinds the matcher must now see (names the other way round, a child known by their middle name or an
English "called" name, an identifier one keystroke off). Used to train the shipped default model
and to check its calibration; never real data."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from mace.people.identifiers import generate_nhs_number, generate_police_id, generate_upn
from mace.people.matching import Record

from .mess import variant_record
from .names import pick_address, pick_person

_EARLIEST = date(2008, 1, 1)
_DAYS = (date(2024, 12, 31) - _EARLIEST).days
_SIBLING_RATE = 0.35  # a household has another child after this one, with this chance
_TWIN_RATE = 0.03  # that next child is a twin, with this chance
_KNOWN_SHARE = 0.8  # incoming records about a child already on the register
_CALLED_NAMES = ("Amy", "Lily", "Grace", "Jack", "Sam", "Tony", "Kevin", "Jenny", "Vicky", "Max")


@dataclass(frozen=True)
class LabelledSet:
    register: list[Record]
    incoming: list[Record]
    truth: list[int | None]  # per incoming record, the register index of the same child, or None


def _child(rng: random.Random, *, family: str | None, postcode: str | None, dob: date | None) -> Record:
    person = pick_person(rng)
    other: tuple[tuple[str, str], ...] = ()
    if person.preferred_name:
        other = ((person.preferred_name, family or person.family_name),)
    elif rng.random() < 0.03:  # an English name used at school, recorded as an alias
        other = ((rng.choice(_CALLED_NAMES), family or person.family_name),)
    return Record(
        given_names=person.given_names,
        family_name=family or person.family_name,
        date_of_birth=dob or _EARLIEST + timedelta(days=rng.randrange(_DAYS + 1)),
        sex=person.sex,
        nhs_number=generate_nhs_number(rng) if rng.random() < 0.92 else None,
        upn=generate_upn(rng) if rng.random() < 0.85 else None,
        police_id=generate_police_id(rng) if rng.random() < 0.3 else None,
        la_child_id=f"LA{rng.randrange(100000, 999999)}" if rng.random() < 0.6 else None,
        postcode=postcode or pick_address(rng).postcode,
        other_names=other,
    )


def synthetic_register(rng: random.Random, children: int) -> list[Record]:
    """Children in households: siblings share family name and postcode; twins a birthday too."""
    register: list[Record] = []
    while len(register) < children:
        first = _child(rng, family=None, postcode=None, dob=None)
        register.append(first)
        while len(register) < children and rng.random() < _SIBLING_RATE:
            assert first.date_of_birth is not None
            twin = rng.random() < _TWIN_RATE
            dob = (
                first.date_of_birth
                if twin
                else first.date_of_birth + timedelta(days=rng.randrange(300, 3000))
            )
            register.append(_child(rng, family=first.family_name, postcode=first.postcode, dob=dob))
    return register


def _one_keystroke(value: str, rng: random.Random) -> str:
    i = rng.randrange(len(value))
    digits = [d for d in "0123456789" if d != value[i]]
    return value[:i] + rng.choice(digits) + value[i + 1 :]


def incoming_record(rng: random.Random, child: Record) -> Record:
    """The child as another agency might write them down."""
    v = variant_record(
        rng,
        given_names=child.given_names,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        nhs_number=child.nhs_number,
        upn=child.upn,
        police_id=child.police_id,
        postcode=child.postcode,
    )
    record = Record(
        given_names=v["given_names"],
        family_name=v["family_name"],
        date_of_birth=v["date_of_birth"],
        sex=v["sex"] if rng.random() < 0.8 else None,
        nhs_number=v["nhs_number"],
        upn=v["upn"],
        police_id=v["police_id"],
        la_child_id=child.la_child_id if rng.random() < 0.3 else None,
        postcode=v["postcode"],
    )
    draw = rng.random()
    given = record.given_names.split()
    if draw < 0.01 and given:  # written the other way round
        record = replace(record, given_names=record.family_name, family_name=given[0])
    elif draw < 0.03 and len(child.given_names.split()) > 1:  # known by their middle name
        record = replace(record, given_names=child.given_names.split()[1])
    elif draw < 0.05 and child.other_names:  # known by the "called" name on record
        record = replace(record, given_names=child.other_names[0][0])
    elif draw < 0.06 and record.la_child_id:
        record = replace(record, la_child_id="LA" + _one_keystroke(record.la_child_id[2:], rng))
    return record


def labelled_set(seed: int, *, children: int = 10_000, incoming: int = 8_000) -> LabelledSet:
    """A register and incoming records with the truth: most about a child on the register, the rest
    about a child not yet known (often a brother, sister or twin of one who is)."""
    rng = random.Random(seed)
    register = synthetic_register(rng, children)
    records: list[Record] = []
    truth: list[int | None] = []
    for _ in range(incoming):
        if rng.random() < _KNOWN_SHARE:
            index = rng.randrange(len(register))
            records.append(incoming_record(rng, register[index]))
            truth.append(index)
        else:
            sibling = register[rng.randrange(len(register))]
            twin = rng.random() < 0.1
            assert sibling.date_of_birth is not None
            dob = sibling.date_of_birth if twin else None
            new = _child(rng, family=sibling.family_name, postcode=sibling.postcode, dob=dob)
            if new.given_names.split()[0] == sibling.given_names.split()[0]:
                new = replace(new, given_names="Oliver" if sibling.sex == "M" else "Olivia")
            records.append(incoming_record(rng, new))
            truth.append(None)
    return LabelledSet(register=register, incoming=records, truth=truth)
