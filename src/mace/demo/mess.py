"""Realistic data-entry mess for synthetic records.

Different agencies record the same child differently: a nickname instead of the given name, a
misspelling, half of a double-barrelled surname, a date of birth with day and month swapped, an
identifier left blank. These pure functions reproduce that mess so the demo exercises matching the
way real referrals do. Every function takes its randomness from the ``rng`` passed in, so the same
seed always gives the same result.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import TypedDict

from mace.demo.names import NICKNAMES

__all__ = [
    "DEFAULT_PROFILE",
    "MessProfile",
    "VariantRecord",
    "misspell",
    "nickname",
    "swap_day_month",
    "typo_date",
    "variant_record",
]

# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------

# Sound-alike spellings: (written, misheard as, also the other way round?).
_PHONETIC_PAIRS = (
    ("ph", "f", True),
    ("ie", "ei", True),
    ("c", "k", True),
    ("y", "i", True),
    ("ck", "k", True),
    ("ou", "ow", True),
    ("ae", "ea", True),
    ("th", "t", True),
    ("s", "z", True),
    ("ee", "ea", True),
    ("ai", "ay", True),
    ("ll", "l", True),
    ("nn", "n", True),
    ("tt", "t", True),
    ("mm", "m", True),
    ("er", "a", False),
    ("ey", "y", False),
    ("ah", "a", False),
)

_OPERATION_WEIGHTS = {"phonetic": 0.35, "drop": 0.25, "double": 0.2, "swap": 0.2}


def _case_variants(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys((text, text.capitalize(), text.upper())))


def _matching_case(replacement: str, original: str, shouting: bool) -> str:
    if shouting or (original.isupper() and len(original) > 1):
        return replacement.upper()
    if original[:1].isupper():
        return replacement.capitalize()
    return replacement


def _phonetic_candidates(name: str) -> list[str]:
    candidates: list[str] = []
    shouting = name.isupper()
    for left, right, both_ways in _PHONETIC_PAIRS:
        directions = ((left, right), (right, left)) if both_ways else ((left, right),)
        for source, target in directions:
            for variant in _case_variants(source):
                start = name.find(variant)
                while start != -1:
                    replacement = _matching_case(target, variant, shouting)
                    candidates.append(name[:start] + replacement + name[start + len(variant) :])
                    start = name.find(variant, start + 1)
    return candidates


def _editable_positions(name: str) -> list[int]:
    """Positions to misspell at: letters inside a word, since people rarely get an initial wrong.

    Falls back to any letter, then to any character, for names too short to have such letters.
    """
    inside = [i for i, char in enumerate(name) if i > 0 and char.isalpha() and name[i - 1].isalpha()]
    letters = [i for i, char in enumerate(name) if char.isalpha()]
    return inside or letters or list(range(len(name)))


def _drop_candidates(name: str, positions: list[int]) -> list[str]:
    if len(name) < 2:
        return []
    return [name[:i] + name[i + 1 :] for i in positions]


def _double_candidates(name: str, positions: list[int]) -> list[str]:
    return [name[: i + 1] + name[i:] for i in positions]


def _swap_candidates(name: str, positions: list[int]) -> list[str]:
    editable = set(positions)
    return [
        name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        for i in positions
        if i + 1 in editable and name[i] != name[i + 1]
    ]


def misspell(name: str, rng: random.Random) -> str:
    """Return a plausible misspelling of ``name``: never the same string and never empty.

    One change is made: a letter dropped, doubled or swapped with its neighbour, or a sound-alike
    spelling (ph/f, ie/ei, c/k, y/i and others). Raises ValueError for an empty name.
    """
    if not name:
        raise ValueError("Cannot misspell an empty name")
    positions = _editable_positions(name)
    by_operation = {
        "phonetic": _phonetic_candidates(name),
        "drop": _drop_candidates(name, positions),
        "double": _double_candidates(name, positions),
        "swap": _swap_candidates(name, positions),
    }
    usable = {
        operation: [c for c in candidates if c and c != name]
        for operation, candidates in by_operation.items()
    }
    operations = [operation for operation, candidates in usable.items() if candidates]
    if not operations:  # unreachable: doubling a character always changes a non-empty name
        return name + name[-1]
    operation = rng.choices(operations, weights=[_OPERATION_WEIGHTS[o] for o in operations])[0]
    return rng.choice(usable[operation])


def nickname(given: str, rng: random.Random) -> str | None:
    """Return a nickname for the first of ``given`` names, or None when it has none we know."""
    parts = given.split()
    if not parts:
        return None
    options = NICKNAMES.get(parts[0]) or NICKNAMES.get(parts[0].capitalize())
    if not options:
        return None
    return rng.choice(options)


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


def swap_day_month(d: date) -> date | None:
    """Return the date read the other way round (3 July for 7 March), or None when that is impossible
    (the day is over 12) or changes nothing (the day equals the month)."""
    if d.day > 12 or d.day == d.month:
        return None
    return date(d.year, d.day, d.month)


def _off_by_one_day(d: date) -> list[date]:
    result: list[date] = []
    for delta in (-1, 1):
        try:
            result.append(d + timedelta(days=delta))
        except OverflowError:
            continue
    return result


def _wrong_year_digit(d: date) -> list[date]:
    """Dates with one of the last two digits of the year keyed one higher or lower."""
    result: list[date] = []
    for step in (1, 10):
        for sign in (-1, 1):
            year = d.year + sign * step
            digit_before = (d.year // step) % 10
            digit_after = digit_before + sign
            if not 0 <= digit_after <= 9 or not 1 <= year <= 9999:
                continue
            try:
                result.append(d.replace(year=year))
            except ValueError:  # 29 February in a year that is not a leap year
                continue
    return result


def typo_date(d: date, rng: random.Random) -> date:
    """Return ``d`` with one typing mistake: day and month swapped, a day out, or a wrong year digit.

    The result always differs from ``d``.
    """
    choices: list[tuple[float, list[date]]] = []
    swapped = swap_day_month(d)
    if swapped is not None:
        choices.append((0.4, [swapped]))
    choices.append((0.35, _off_by_one_day(d)))
    choices.append((0.25, _wrong_year_digit(d)))
    choices = [(weight, dates) for weight, dates in choices if dates]
    dates = rng.choices([c[1] for c in choices], weights=[c[0] for c in choices])[0]
    return rng.choice(dates)


# --------------------------------------------------------------------------------------------------
# Whole records
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessProfile:
    """Probabilities of each kind of mess in a variant record; set any to 0 to switch it off."""

    nickname: float = 0.2
    drop_middle_names: float = 0.3
    misspell_given: float = 0.08
    drop_surname_part: float = 0.5
    misspell_family: float = 0.08
    swap_day_month: float = 0.05
    typo_date: float = 0.03
    missing_nhs_number: float = 0.3
    missing_upn: float = 0.5
    missing_police_id: float = 0.7
    missing_postcode: float = 0.1
    reformat_identifiers: float = 0.5

    @classmethod
    def clean(cls) -> MessProfile:
        """A profile that changes nothing: the variant is a faithful copy."""
        return cls(**{field.name: 0.0 for field in fields(cls)})

    @classmethod
    def always(cls, *kinds: str) -> MessProfile:
        """A profile that applies exactly the named kinds of mess, always."""
        names = [field.name for field in fields(cls)]
        unknown = set(kinds) - set(names)
        if unknown:
            raise ValueError(f"Unknown kinds of mess: {', '.join(sorted(unknown))}")
        return cls(**{name: 1.0 if name in kinds else 0.0 for name in names})


DEFAULT_PROFILE = MessProfile()


class VariantRecord(TypedDict):
    """How another agency might have recorded the child; ``changes`` names the mess applied."""

    given_names: str
    family_name: str
    date_of_birth: date | None
    sex: str | None
    nhs_number: str | None
    upn: str | None
    police_id: str | None
    postcode: str | None
    changes: list[str]


def _split_surname(family_name: str) -> list[str]:
    for separator in ("-", " "):
        parts = [part for part in family_name.split(separator) if part]
        if len(parts) > 1:
            return parts
    return [family_name]


def _reformat_nhs_number(value: str, rng: random.Random) -> str:
    digits = "".join(char for char in value if "0" <= char <= "9")
    if len(digits) != 10:
        return value
    styles = (digits, f"{digits[:3]} {digits[3:6]} {digits[6:]}", f"{digits[:3]}-{digits[3:6]}-{digits[6:]}")
    return rng.choice([style for style in styles if style != value])


def _reformat_postcode(value: str, rng: random.Random) -> str:
    compact = value.replace(" ", "")
    styles = (compact.upper(), compact.lower(), value.lower(), value.upper())
    options = list(dict.fromkeys(style for style in styles if style != value))
    return rng.choice(options) if options else value


def variant_record(
    rng: random.Random,
    *,
    given_names: str,
    family_name: str,
    date_of_birth: date | None,
    sex: str | None = None,
    nhs_number: str | None = None,
    upn: str | None = None,
    police_id: str | None = None,
    postcode: str | None = None,
    profile: MessProfile = DEFAULT_PROFILE,
) -> VariantRecord:
    """Return the same child as another agency might record them, messed up per ``profile``.

    Each kind of mess is decided by its own draw, in a fixed order, so a given rng seed always
    gives the same variant. A nickname replaces the first given name; middle names may be left
    off; one part of a double-barrelled or two-word surname may be dropped; names may be misspelt;
    the date of birth may have day and month swapped or another typo; identifiers may be missing
    or written in a different format.
    """
    changes: list[str] = []

    def happens(probability: float) -> bool:
        return rng.random() < probability

    first, *middles = given_names.split() or [given_names]

    if happens(profile.nickname):
        short = nickname(first, rng)
        if short is not None and short != first:
            first = short
            changes.append("nickname")
    if middles and happens(profile.drop_middle_names):
        middles = []
        changes.append("middle_names_dropped")
    if first and happens(profile.misspell_given):
        first = misspell(first, rng)
        changes.append("given_name_misspelt")

    surname = family_name
    parts = _split_surname(family_name)
    if len(parts) > 1 and happens(profile.drop_surname_part):
        surname = rng.choice(parts)
        changes.append("surname_part_dropped")
    if surname and happens(profile.misspell_family):
        surname = misspell(surname, rng)
        changes.append("family_name_misspelt")

    dob = date_of_birth
    if dob is not None and happens(profile.swap_day_month):
        swapped = swap_day_month(dob)
        if swapped is not None:
            dob = swapped
            changes.append("day_month_swapped")
    if dob is not None and happens(profile.typo_date):
        dob = typo_date(dob, rng)
        changes.append("date_of_birth_typo")

    def keep(value: str | None, probability: float, label: str) -> str | None:
        if value is not None and happens(probability):
            changes.append(label)
            return None
        return value

    nhs = keep(nhs_number, profile.missing_nhs_number, "nhs_number_missing")
    pupil = keep(upn, profile.missing_upn, "upn_missing")
    police = keep(police_id, profile.missing_police_id, "police_id_missing")
    post = keep(postcode, profile.missing_postcode, "postcode_missing")

    if nhs is not None and happens(profile.reformat_identifiers):
        reformatted = _reformat_nhs_number(nhs, rng)
        if reformatted != nhs:
            nhs = reformatted
            changes.append("nhs_number_reformatted")
    if post is not None and happens(profile.reformat_identifiers):
        reformatted = _reformat_postcode(post, rng)
        if reformatted != post:
            post = reformatted
            changes.append("postcode_reformatted")

    given_changed = {"nickname", "middle_names_dropped", "given_name_misspelt"} & set(changes)
    return VariantRecord(
        given_names=" ".join([first, *middles]) if given_changed else given_names,
        family_name=surname,
        date_of_birth=dob,
        sex=sex,
        nhs_number=nhs,
        upn=pupil,
        police_id=police,
        postcode=post,
        changes=changes,
    )
