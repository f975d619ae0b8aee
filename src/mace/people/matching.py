"""Is the subject of an incoming contact a child already on record? Probabilistic record linkage.

A police, health, school or public contact describes a child; the record system holds children
described by other agencies, each in its own way. This module scores how likely it is that two
descriptions are the same child, explains the score field by field, and decides between linking
automatically, asking a person to review, or recording a new child.

The method is Fellegi-Sunter. For each field, the comparison falls into one *level* (exact, close
in some named way, different, missing). Each level has two probabilities:

* ``m``: how often the level is seen when the two records ARE the same child (data-entry error
  rates: nicknames, misspellings, swapped day and month, a house move, a mistyped number);
* ``u``: how often the level is seen by coincidence when they are NOT (how common names, dates
  and postcodes are).

The level's weight is ``log2(m / u)`` bits: positive evidence for, negative evidence against.
Weights are summed with a prior (1 in 20,000 that two records chosen at random are the same child)
and turned into a probability. Missing values weigh nothing either way.

Fellegi-Sunter assumes the fields are independent, and the one place that is dangerously false is
a household: brothers and sisters share a family name and an address, and twins share a date of
birth too. So the ``u`` of the postcode and date of birth is taken from a separate table when the
family names already agree and the given names leave room for a brother or sister (see
``SAME_FAMILY_U`` and ``SAME_HOUSEHOLD_U``). That is what keeps twins apart: with family, address and
birthday explained away, only the given names and sex are left to tell, and a different given name
outweighs them.

Wrongly merging two children's histories is the most harmful mistake a safeguarding system can
make, so the decision is tuned for precision: an automatic link needs a very high probability, no
conflicting identifier, no runner-up, and an exact date of birth (or one with day and month
swapped) or an agreeing NHS number. Everything uncertain goes to a person.

Pure Python with no Django imports.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, NamedTuple

from rapidfuzz.distance import OSA, JaroWinkler

from mace.people.identifiers import (
    nhs_number_is_valid,
    normalise_police_id,
    normalise_postcode,
    normalise_upn,
)
from mace.people.keys import name_key
from mace.people.nicknames import nickname_groups

__all__ = [
    "AGREES",
    "CLOSE",
    "DISAGREES",
    "FIELDS",
    "MISSING",
    "MU",
    "M_U_TABLE",
    "PRIOR_PROBABILITY",
    "PRIOR_WEIGHT",
    "SAME_FAMILY_U",
    "SAME_HOUSEHOLD_U",
    "STATED_MODEL",
    "STRONG_IDENTIFIERS",
    "Comparison",
    "Evidence",
    "Levels",
    "LinkageModel",
    "MatchDecision",
    "Record",
    "compare",
    "comparison_levels",
    "decide",
    "default_model",
    "load_model",
    "model_from_dict",
    "model_to_dict",
    "normalise",
    "probability_from_weight",
    "score_pairs",
]

# Outcomes of one field's comparison.
AGREES: Final = "agrees"
CLOSE: Final = "close"
DISAGREES: Final = "disagrees"
MISSING: Final = "missing"

# Decision statuses.
MATCHED: Final = "matched"
NEEDS_REVIEW: Final = "needs_review"
NEW: Final = "new"

# Evidence is always listed in this order, one item per field, so explanations read the same way.
FIELDS: Final = (
    "nhs_number",
    "date_of_birth",
    "family_name",
    "given_names",
    "postcode",
    "sex",
    "upn",
    "police_id",
    "la_child_id",
)

# Identifiers that name one child: present on both sides and different means a conflict.
STRONG_IDENTIFIERS: Final = ("nhs_number", "upn", "police_id", "la_child_id")
# Those given to one child only (a police reference is sometimes the incident's): the ones that can
# anchor an automatic link or tell brothers and sisters apart.
PERSONAL_IDENTIFIERS: Final = ("nhs_number", "upn", "la_child_id")

# 1 in 20,000: in a county's worth of children, a record picked at random and an incoming contact
# are the same child about this often (before looking at anything about either of them). The stated
# model's prior; a trained model carries its own (see ``LinkageModel.prior_probability``).
STATED_PRIOR_PROBABILITY: Final = 1 / 20_000

# "Similar" names: Jaro-Winkler at least this, or one typing slip apart (a letter dropped, doubled,
# changed or two swapped) when both names are at least this long, or spelt to sound the same.
GIVEN_NAME_SIMILARITY: Final = 0.90
FAMILY_NAME_SIMILARITY: Final = 0.92
GIVEN_NAME_ONE_EDIT_LENGTH: Final = 4  # Milo/Mylo, Luca/Luka; not Ava/Eva
FAMILY_NAME_ONE_EDIT_LENGTH: Final = 5  # Clark/Clarke; not Hall/Hill or Bell/Ball
# Identifiers shorter than this are never "one keystroke off" (LA1/LA2 are different numbers).
IDENTIFIER_TYPO_LENGTH: Final = 6
# Sikh girls take Kaur and boys Singh; one agency may record it as the family name, another the
# family surname (Harpreet Kaur / Harpreet Kaur Gill / Harpreet Gill).
SIKH_NAMES: Final = frozenset({"kaur", "singh"})
# Term-frequency adjustment: a name's own frequency is its u, but never less than the level's u
# divided by this (a name seen once in training is rare, not unique).
TF_FLOOR_DIVISOR: Final = 8.0


class MU(NamedTuple):
    """The m and u probabilities of one comparison level; ``weight`` is log2(m/u) in bits."""

    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


# --------------------------------------------------------------------------------------------------
# The stated m/u table (the starting point of training, and the model used if none is trained)
# --------------------------------------------------------------------------------------------------
# Approximate weights (bits) are given after each row. The m values are data-entry error rates seen
# between agencies; the u values are how often unrelated children coincide. They are deliberately
# cautious: where in doubt, m for "close" levels is kept low and u high, so that weak evidence is
# never enough to link. `mace linkage train` re-estimates m by expectation-maximisation and u from
# value frequencies; the online matcher uses the trained model file (see ``default_model``).


def _identifier_levels(exact: MU, typo: MU, different: MU) -> Mapping[str, MU]:
    return MappingProxyType({"exact": exact, "typo": typo, "different": different})


STATED_M_U_TABLE: Final[Mapping[str, Mapping[str, MU]]] = MappingProxyType(
    {
        "nhs_number": _identifier_levels(
            # The same child's number is almost always copied right (the check digit catches most
            # typos). Two children share a number only by misfiling, ~1 in 100,000.   +16.6
            MU(0.98, 0.00001),
            # Both numbers pass the check digit yet the first nine digits are one keystroke apart:
            # not a typo (the check digit would catch it) but often twins' consecutive numbers.
            # Weighs nothing and is a warning: never a link by itself, never a conflict.   0
            MU(0.001, 0.001),
            # A valid but different number for the same child needs a misfiled number.   -6.6
            MU(0.01, 0.99999),
        ),
        "upn": _identifier_levels(
            # Pupil numbers are unique, but schools issue temporary ones and re-issue.   +13.2
            MU(0.95, 0.0001),
            # One keystroke off (a character changed, dropped or two swapped): weak evidence.   +3.3
            MU(0.01, 0.001),
            # A child can have a temporary UPN at one school and a permanent one later.   -5.1
            MU(0.03, 0.999),
        ),
        "police_id": _identifier_levels(
            # A police reference is usually a person's, but is sometimes the incident's.   +13.1
            MU(0.90, 0.0001),
            # One keystroke off.   +3.3
            MU(0.01, 0.001),
            # Police references are often wrong or for the wrong person: only moderate.   -3.3
            MU(0.09, 0.999),
        ),
        "la_child_id": _identifier_levels(
            # The local authority's own case number, unique within the authority.   +13.2
            MU(0.95, 0.0001),
            # One keystroke off.   +3.3
            MU(0.01, 0.001),
            # Duplicated LA records exist (that is what matching is for).   -5.1
            MU(0.03, 0.999),
        ),
        "date_of_birth": MappingProxyType(
            {
                # Children span ~18 birth years, about 1 in 5,000 share a given date.   +12.2
                "exact": MU(0.93, 0.0002),
                # 03/11 for 11/03: a classic US/UK reading error. Coincidence is as rare as exact.   +7.2
                "swapped": MU(0.03, 0.0002),
                # A day, a month or a year out: about 6 neighbouring dates.   +3.6
                "one_off": MU(0.015, 0.0012),
                # One digit of DD/MM/YYYY wrong, or two neighbouring digits transposed: ~20 dates.   +2.3
                "one_digit": MU(0.02, 0.004),
                # Only the year agrees: for the same child this means a badly wrong date.   -3.0
                "same_year": MU(0.01, 0.08),
                # Nothing agrees.   -6.5
                "different": MU(0.01, 0.90),
            }
        ),
        "family_name": MappingProxyType(
            {
                # Surnames as common as Smith are ~1%; most are far rarer. 0.4% is cautious (a trained
                # model adjusts it for the name's own frequency).   +7.8
                "exact": MU(0.88, 0.004),
                # One side is one half of the other's double-barrelled name (Smith / Smith-Jones).
                # Half-siblings share a half, so kept below exact.   +5.3
                "part": MU(0.04, 0.001),
                # A misspelling: Jaro-Winkler >= 0.92 (Thompson/Thomson, Kowalski/Kowalska), one slip
                # apart in a name of 5+ letters (Clark/Clarke) or sounding alike (Ryley/Riley).   +4.9
                "similar": MU(0.06, 0.002),
                # Matches only a previous or alternative name (a step-parent's name, say).   +3.3
                "alias": MU(0.04, 0.004),
                # Given and family names written the other way round (Chen Wei / Wei Chen).   +3.3
                "swapped": MU(0.01, 0.001),
                # Kaur or Singh on one side, another family name on the other.   +0.3
                "kaur_singh": MU(0.005, 0.004),
                # Nothing alike: a change of name not recorded as an alias.   -5.6
                "different": MU(0.02, 0.99),
            }
        ),
        "given_names": MappingProxyType(
            {
                # First given names agree; the most popular names are ~1.5% of children (a trained
                # model adjusts it for the name's own frequency).   +5.7
                "exact": MU(0.80, 0.015),
                # Tom for Thomas, Mo for Mohammed: a known short form.   +5.6
                "nickname": MU(0.10, 0.002),
                # Agrees only with a recorded alias, previous or "called" name (an English name used
                # at school, a child's preferred name).   +4.3
                "alias": MU(0.04, 0.002),
                # A misspelling: Jaro-Winkler >= 0.90, one slip apart in a name of 4+ letters
                # (Milo/Mylo) or sounding alike (Skott/Scott). Also what twins' names look like.   +2.3
                "similar": MU(0.05, 0.01),
                # One record's first given name is the other's middle name (a child known by their
                # middle name; a sibling named for another's middle name is rarer).   +2.3
                "known_by_middle": MU(0.03, 0.006),
                # Given and family names written the other way round.   +2.3
                "swapped": MU(0.01, 0.002),
                # Only a middle name agrees (siblings share them).   +1.6
                "middle": MU(0.03, 0.01),
                # Nothing alike. A child is rarely recorded under a wholly different name.   -6.6
                "different": MU(0.01, 0.98),
            }
        ),
        "postcode": MappingProxyType(
            {
                # ~5,000 postcodes with children in a county; many children move.   +10.3
                "exact": MU(0.65, 0.0005),
                # Same sector (CW1 2..): a move round the corner.   +2.3
                "sector": MU(0.05, 0.01),
                # Same district (CW1): a move within town; about 1 in 12 by chance.   ~0
                "district": MU(0.08, 0.08),
                # Moved away, or an out-of-date address.   -2.0
                "different": MU(0.22, 0.91),
            }
        ),
        "sex": MappingProxyType(
            {
                # Half of all children agree by chance: weak evidence either way.   +1.0
                "agrees": MU(0.97, 0.5),
                # Recording errors and gender identity make this weak, not decisive.   -3.3
                "disagrees": MU(0.05, 0.5),
            }
        ),
    }
)

# Dependency corrections. Fellegi-Sunter treats fields as independent, but among children who are
# NOT the same child, relatives are over-represented exactly where records look alike: brothers and
# sisters share a family name and an address, and twins share a date of birth as well. So some u
# values are taken from these tables instead of the m/u table:
#
# SAME_FAMILY_U applies when the family names agree (exact, part, similar, alias, swapped or
# Kaur/Singh). About 1 in 20 non-matching pairs who share a surname are relatives at the same
# postcode, and (when their first given names do not agree, so they could be siblings) about 1 in
# 1,000 share a birthday.
STATED_SAME_FAMILY_U: Final[Mapping[tuple[str, str], float]] = MappingProxyType(
    {
        ("postcode", "exact"): 0.05,  # +3.7 instead of +10.3
        ("postcode", "sector"): 0.05,  # 0.0 instead of +2.3
        ("date_of_birth", "exact"): 0.001,  # +9.9 instead of +12.2 (possible siblings only)
    }
)

# SAME_HOUSEHOLD_U applies when the family names agree, the postcode is the same and the first given
# names do not agree exactly or as a nickname: possibly siblings in one household. About 1 in 80
# pairs of siblings are twins, so a shared birthday proves little; the given names must decide, and
# brothers and sisters are often given look-alike names (Jayden and Jaydon, Alexander and Alexandra)
# or share middle names, so those weigh little too.
# (Twins are never given the same first name, so when the names agree this correction is not used.)
STATED_SAME_HOUSEHOLD_U: Final[Mapping[tuple[str, str], float]] = MappingProxyType(
    {
        ("date_of_birth", "exact"): 0.012,  # +6.3 instead of +12.2
        ("given_names", "similar"): 0.1,  # -1.0 instead of +2.3
        ("given_names", "middle"): 0.05,  # -0.7 instead of +1.6
        ("given_names", "known_by_middle"): 0.02,  # +0.6 instead of +2.3
    }
)
# Every other date-of-birth level is corrected too: for possible siblings its u is at least the
# corrected exact u times (m of the level / m of exact), the rate at which a twin's date keyed with
# that slip would look like it. So a swapped or mistyped date never weighs more than an exact one.

_FAMILY_AGREES = frozenset({"exact", "part", "similar", "alias", "swapped", "kaur_singh"})
# Given-name levels that rule out a brother or sister (nobody's sibling has their name the other way round).
_SAME_CHILDS_NAME = frozenset({"exact", "nickname", "alias", "swapped"})
_TF_FIELDS: Final = ("family_name", "given_names")


# --------------------------------------------------------------------------------------------------
# The model: m/u table, dependency corrections, term frequencies and prior, with a version
# --------------------------------------------------------------------------------------------------

MODEL_FORMAT: Final = "mace-linkage-model/1"


@dataclass(frozen=True)
class LinkageModel:
    """Everything the scorer needs, loaded from a versioned JSON file (``mace linkage train``).

    ``term_frequencies`` maps "family_name" and "given_names" to {name key: share of records}: the u
    of an exact agreement on that name. ``version`` is recorded on every match decision."""

    version: str
    table: Mapping[str, Mapping[str, MU]]
    same_family_u: Mapping[tuple[str, str], float]
    same_household_u: Mapping[tuple[str, str], float]
    prior_probability: float
    term_frequencies: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    trained_on: str = ""
    notes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior_probability / (1 - self.prior_probability))

    def name_u(self, field_name: str, key: str) -> float | None:
        """The term-frequency u of an exact agreement on this name, or None without a table."""
        frequencies = self.term_frequencies.get(field_name)
        if not frequencies:
            return None
        floor = self.table[field_name]["exact"].u / TF_FLOOR_DIVISOR
        return max(frequencies.get(key, 0.0), floor)


def model_to_dict(model: LinkageModel) -> dict[str, Any]:
    """The JSON form of a model (the file ``mace linkage train`` writes)."""
    return {
        "format": MODEL_FORMAT,
        "version": model.version,
        "trained_on": model.trained_on,
        "prior_probability": model.prior_probability,
        "levels": {
            name: {level: {"m": mu.m, "u": mu.u} for level, mu in levels.items()}
            for name, levels in model.table.items()
        },
        "same_family_u": [[f, level, u] for (f, level), u in model.same_family_u.items()],
        "same_household_u": [[f, level, u] for (f, level), u in model.same_household_u.items()],
        "term_frequencies": {name: dict(values) for name, values in model.term_frequencies.items()},
        "notes": dict(model.notes),
    }


def model_from_dict(data: Mapping[str, Any]) -> LinkageModel:
    """A model from its JSON form; refuses a file of another format or with a level missing."""
    if data.get("format") != MODEL_FORMAT:
        raise ValueError(f"Not a {MODEL_FORMAT} file")
    table = MappingProxyType(
        {
            name: MappingProxyType(
                {level: MU(float(mu["m"]), float(mu["u"])) for level, mu in data["levels"][name].items()}
            )
            for name in STATED_M_U_TABLE
        }
    )
    for name, levels in STATED_M_U_TABLE.items():
        missing = set(levels) - set(table[name])
        if missing:
            raise ValueError(f"The model has no {', '.join(sorted(missing))} level for {name}")
        for level, mu in table[name].items():
            if not (0 < mu.m <= 1 and 0 < mu.u <= 1):
                raise ValueError(f"{name} {level}: m and u must be probabilities above 0")
    prior = float(data["prior_probability"])
    if not 0 < prior < 1:
        raise ValueError("The prior must be between 0 and 1")
    return LinkageModel(
        version=str(data["version"]),
        table=table,
        same_family_u=MappingProxyType({(f, level): float(u) for f, level, u in data["same_family_u"]}),
        same_household_u=MappingProxyType({(f, level): float(u) for f, level, u in data["same_household_u"]}),
        prior_probability=prior,
        term_frequencies=MappingProxyType(
            {
                name: MappingProxyType({str(k): float(v) for k, v in values.items()})
                for name, values in data.get("term_frequencies", {}).items()
                if name in _TF_FIELDS
            }
        ),
        trained_on=str(data.get("trained_on", "")),
        notes=MappingProxyType(dict(data.get("notes", {}))),
    )


def load_model(path: str | Path) -> LinkageModel:
    """Read a model file written by ``mace linkage train``."""
    return model_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


STATED_MODEL: Final = LinkageModel(
    version="stated-2",
    table=STATED_M_U_TABLE,
    same_family_u=STATED_SAME_FAMILY_U,
    same_household_u=STATED_SAME_HOUSEHOLD_U,
    prior_probability=STATED_PRIOR_PROBABILITY,
    trained_on="m and u set by hand (docs/decisions/0005-matching.md)",
)

# The trained default ships in the package; MACE_LINKAGE_MODEL names another file to use instead.
DEFAULT_MODEL_PATH: Final = Path(__file__).resolve().parent / "linkage_models" / "default.json"


@lru_cache(maxsize=1)
def default_model() -> LinkageModel:
    """The model the online matcher uses: the file named by MACE_LINKAGE_MODEL, else the shipped
    default trained on synthetic demo data, else the stated model."""
    path = os.environ.get("MACE_LINKAGE_MODEL") or DEFAULT_MODEL_PATH
    if Path(path).exists():
        return load_model(path)
    return STATED_MODEL


# The active model's tables (read-only views, for explanations and tests).
M_U_TABLE: Final = default_model().table
SAME_FAMILY_U: Final = default_model().same_family_u
SAME_HOUSEHOLD_U: Final = default_model().same_household_u
PRIOR_PROBABILITY: Final = default_model().prior_probability
PRIOR_WEIGHT: Final = default_model().prior_weight


def probability_from_weight(weight: float) -> float:
    """Return 2^w / (1 + 2^w), computed without overflow for large weights of either sign."""
    if weight >= 0:
        return 1.0 / (1.0 + 2.0 ** (-min(weight, 1000.0)))
    odds = 2.0 ** max(weight, -1000.0)
    return odds / (1.0 + odds)


# --------------------------------------------------------------------------------------------------
# Records, evidence and decisions
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A child as one agency describes them. Any field may be blank; ``other_names`` holds aliases
    and previous names as (given names, family name) pairs."""

    given_names: str
    family_name: str
    date_of_birth: date | None = None
    sex: str | None = None  # "F", "M", "X" (other or not recorded) or None
    nhs_number: str | None = None
    police_id: str | None = None
    la_child_id: str | None = None
    upn: str | None = None
    postcode: str | None = None
    other_names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Evidence:
    """What one field says about whether two records are the same child.

    ``weight`` is the log2 Bayes factor the field contributes (negative is evidence against);
    ``level`` is the row of ``M_U_TABLE`` used ("exact", "swapped", "nickname", ...; "missing").
    """

    field: str
    outcome: str  # "agrees", "close", "disagrees" or "missing"
    weight: float
    detail: str
    level: str = ""


@dataclass(frozen=True)
class Comparison:
    """The weighed evidence that two records are the same child."""

    weight: float  # total log2 Bayes factor, prior included
    probability: float  # 0..1
    evidence: tuple[Evidence, ...]
    conflicting_identifier: bool  # a strong identifier on both sides and different
    # Family names agree, first given names do not and the address does not tell them apart: the two
    # could be brothers, sisters or twins. Such a pair is linked automatically only on an identifier.
    household: bool = False
    # Things a person must check before linking (an NHS number one digit off): never auto-linked.
    warnings: tuple[str, ...] = ()

    def evidence_for(self, field: str) -> Evidence:
        """The evidence of one field (every field in ``FIELDS`` has exactly one item)."""
        for item in self.evidence:
            if item.field == field:
                return item
        raise KeyError(field)


@dataclass(frozen=True)
class MatchDecision:
    """What to do with a contact's subject given the candidates found for them."""

    status: str  # "matched", "needs_review" or "new"
    best_index: int | None  # index into candidates of the matched (or otherwise best) candidate
    score: float  # probability of the best candidate, 0.0 with none
    comparisons: tuple[tuple[int, Comparison], ...]  # (candidate index, comparison), best first
    model_version: str = ""  # the linkage model that scored it (recorded with the decision)


# --------------------------------------------------------------------------------------------------
# Normalising
# --------------------------------------------------------------------------------------------------

_NHS_SEPARATORS = re.compile(r"[\s-]+")
_WHITESPACE = re.compile(r"\s+")
_OUTWARD_CODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
_SEX_CODES = {"F": "F", "FEMALE": "F", "GIRL": "F", "M": "M", "MALE": "M", "BOY": "M", "X": "X"}


def _tidy_text(value: str | None) -> str:
    return _WHITESPACE.sub(" ", value or "").strip()


def _tidy_nhs_number(value: str | None) -> str | None:
    """Digits only; None when the number fails its check digit or is a placeholder (0000000000).

    A number that fails its check digit has been copied wrongly, so it is no evidence either way.
    """
    digits = _NHS_SEPARATORS.sub("", value or "")
    if not digits or not nhs_number_is_valid(digits) or len(set(digits)) == 1:
        return None
    return digits


def _tidy_upn(value: str | None) -> str | None:
    try:
        return normalise_upn(value) if value else None
    except ValueError:
        return None  # a wrong check letter: miscopied, so no evidence


def _tidy_police_id(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    try:
        return normalise_police_id(value)
    except ValueError:
        return _WHITESPACE.sub("", value).upper()  # forces' formats vary; keep it, compactly


def _tidy_la_child_id(value: str | None) -> str | None:
    compact = _WHITESPACE.sub("", value or "").upper()
    return compact or None


def _tidy_postcode(value: str | None) -> str | None:
    """The standard form (``CW1 2AB``); an outward code alone (``CW1``) is kept; anything else is None."""
    if not value or not value.strip():
        return None
    try:
        return normalise_postcode(value)
    except ValueError:
        compact = _WHITESPACE.sub("", value).upper()
        return compact if _OUTWARD_CODE.fullmatch(compact) else None


def _tidy_sex(value: str | None) -> str | None:
    return _SEX_CODES.get(_tidy_text(value).upper())


def normalise(record: Record) -> Record:
    """Return ``record`` tidied for comparison: names stripped with single spaces, the NHS number as
    10 digits, UPN and police reference in upper case, the postcode in its standard form and sex as
    F, M or X. Identifiers that fail their check digit, and postcodes that are not postcodes, are
    dropped: they cannot be trusted as evidence. Idempotent."""
    try:
        return _normalise_cached(record)
    except TypeError:  # unhashable, e.g. other_names given as a list
        return _normalise(record)


@lru_cache(maxsize=16_384)
def _normalise_cached(record: Record) -> Record:
    return _normalise(record)


def _normalise(record: Record) -> Record:
    aliases = tuple(
        dict.fromkeys(
            (_tidy_text(given), _tidy_text(family))
            for given, family in record.other_names
            if _tidy_text(given) or _tidy_text(family)
        )
    )
    return Record(
        given_names=_tidy_text(record.given_names),
        family_name=_tidy_text(record.family_name),
        date_of_birth=record.date_of_birth,
        sex=_tidy_sex(record.sex),
        nhs_number=_tidy_nhs_number(record.nhs_number),
        police_id=_tidy_police_id(record.police_id),
        la_child_id=_tidy_la_child_id(record.la_child_id),
        upn=_tidy_upn(record.upn),
        postcode=_tidy_postcode(record.postcode),
        other_names=aliases,
    )


# --------------------------------------------------------------------------------------------------
# Names prepared for comparison
# --------------------------------------------------------------------------------------------------


class _Token(NamedTuple):
    text: str  # as written, for explanations
    key: str  # folded for comparison


class _Name(NamedTuple):
    given: tuple[_Token, ...]  # given names, first first; empty when none
    given_key: str  # all given names run together (so Mary-Jane meets Mary Jane)
    family: _Token | None
    family_parts: tuple[_Token, ...]  # halves of a double-barrelled or two-word surname
    is_alias: bool


def _tokens(text: str) -> tuple[_Token, ...]:
    parts = (_Token(part, name_key(part)) for part in re.split(r"[\s\-]+", text))
    return tuple(token for token in parts if token.key)


# Sound-alike spellings folded together, in order (after name_key: lower-case a-z only).
_SOUND_RULES: Final = (
    ("ph", "f"),
    ("ck", "k"),
    ("th", "t"),
    ("c", "k"),
    ("q", "k"),
    ("z", "s"),
    ("y", "i"),
    ("ie", "i"),
    ("ei", "i"),
    ("ee", "e"),
    ("ea", "e"),
    ("ow", "ou"),
)
_DOUBLE_LETTERS = re.compile(r"(.)\1+")


@lru_cache(maxsize=65_536)
def _sound_key(key: str) -> str:
    """Fold sound-alike spellings (Skott/Scott, Payge/Paige, Harpa/Harper) to one form."""
    for written, heard in _SOUND_RULES:
        key = key.replace(written, heard)
    key = _DOUBLE_LETTERS.sub(r"\1", key)
    if key.endswith(("er", "ah")) and len(key) > 3:
        key = key[:-2] + "a"
    return key


def _similarity(a: str, b: str, *, threshold: float, one_edit_length: int) -> tuple[bool, str]:
    """Whether two different name keys are a likely misspelling of each other, and how."""
    score = JaroWinkler.similarity(a, b)
    if score >= threshold:
        return True, f"similarity {score:.2f}"
    if min(len(a), len(b)) >= one_edit_length and OSA.distance(a, b) <= 1:
        return True, "one letter apart"
    if min(len(a), len(b)) >= 3 and _sound_key(a) == _sound_key(b):
        return True, "spelt to sound alike"
    return False, f"similarity {score:.2f}"


_NICKNAME_GROUPS: Final = nickname_groups()


def _nickname_equivalent(a: str, b: str) -> bool:
    """True for two different keys that are forms of the same name (tom/thomas, tom/tommy)."""
    return a != b and bool(_NICKNAME_GROUPS.get(a, frozenset()) & _NICKNAME_GROUPS.get(b, frozenset()))


def _group_members() -> Mapping[int, frozenset[str]]:
    members: dict[int, set[str]] = {}
    for key, groups in _NICKNAME_GROUPS.items():
        for group in groups:
            members.setdefault(group, set()).add(key)
    return MappingProxyType({group: frozenset(keys) for group, keys in members.items()})


_GROUP_MEMBERS: Final = _group_members()
LOOK_ALIKE_NAME_SIMILARITY: Final = 0.88  # Alexander/Alexandra, Samuel/Samantha, Daniel/Danielle


@lru_cache(maxsize=16_384)
def _also_a_look_alikes_form(short: str, full: str) -> bool:
    """Whether ``short`` is also a form of a name that looks like ``full`` but is another name (Alex
    for Alexander and for Alexandra): twins may be given such names and both be called by it."""
    own = _NICKNAME_GROUPS.get(full, frozenset())
    for group in _NICKNAME_GROUPS.get(short, frozenset()) - own:
        for other in _GROUP_MEMBERS[group]:
            if (
                other not in (short, full)
                and not _nickname_equivalent(other, full)
                and _sound_key(other) != _sound_key(full)  # Katherine and Catherine are one name
                and JaroWinkler.similarity(other, full) >= LOOK_ALIKE_NAME_SIMILARITY
            ):
                return True
    return False


def _ambiguous_nickname(a: str, b: str) -> bool:
    return _also_a_look_alikes_form(a, b) or _also_a_look_alikes_form(b, a)


@lru_cache(maxsize=4096)
def _nickname_forms(key: str) -> tuple[str, ...]:
    """The other forms of a name: its full name and short forms (thomas -> tom, tommy)."""
    groups = _NICKNAME_GROUPS.get(key, frozenset())
    return tuple(sorted(other for other, its in _NICKNAME_GROUPS.items() if other != key and its & groups))


def _prepare_name(given: str, family: str, *, is_alias: bool) -> _Name:
    given_tokens = _tokens(given)
    family_key = name_key(family)
    family_parts = _tokens(family)
    return _Name(
        given=given_tokens,
        given_key="".join(token.key for token in given_tokens),
        family=_Token(family, family_key) if family_key else None,
        family_parts=family_parts if len(family_parts) > 1 else (),
        is_alias=is_alias,
    )


@lru_cache(maxsize=16_384)
def _prepared_names(record: Record) -> tuple[_Name, ...]:
    """The record's own name first, then its aliases."""
    names = [_prepare_name(record.given_names, record.family_name, is_alias=False)]
    names.extend(_prepare_name(given, family, is_alias=True) for given, family in record.other_names)
    return tuple(names)


# --------------------------------------------------------------------------------------------------
# Field comparisons: each returns (level, detail); the level is a row of M_U_TABLE or "missing"
# --------------------------------------------------------------------------------------------------

_LEVEL_OUTCOMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "exact": AGREES,
        "agrees": AGREES,
        "swapped": CLOSE,
        "one_off": CLOSE,
        "one_digit": CLOSE,
        "typo": CLOSE,
        "part": CLOSE,
        "similar": CLOSE,
        "alias": CLOSE,
        "nickname": CLOSE,
        "known_by_middle": CLOSE,
        "middle": CLOSE,
        "kaur_singh": CLOSE,
        "sector": CLOSE,
        "district": CLOSE,
        "same_year": DISAGREES,
        "different": DISAGREES,
        "disagrees": DISAGREES,
        "missing": MISSING,
    }
)

_IDENTIFIER_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "nhs_number": "NHS number",
        "upn": "Unique pupil number",
        "police_id": "Police reference",
        "la_child_id": "Local authority child ID",
    }
)


def _one_keystroke(a: str, b: str) -> bool:
    """One character changed, added or dropped, or two neighbours swapped."""
    return OSA.distance(a, b) == 1


def _compare_identifier(field_name: str, a: str | None, b: str | None) -> tuple[str, str]:
    label = _IDENTIFIER_LABELS[field_name]
    if a is None or b is None:
        return "missing", f"{label} is not recorded on {'either record' if a == b else 'one record'}"
    if a == b:
        return "exact", f"{label} agrees ({a})"
    if field_name == "nhs_number":
        # Both pass the check digit (normalise drops those that do not), so a single slip cannot
        # explain them: the first nine digits one keystroke apart is a warning (twins are often given
        # consecutive numbers), never a link and never a conflict.
        if _one_keystroke(a[:9], b[:9]):
            return "typo", f"{label} is one digit off ({a} vs {b}): check which is right"
    elif min(len(a), len(b)) >= IDENTIFIER_TYPO_LENGTH and _one_keystroke(a, b):
        return "typo", f"{label} is one keystroke off ({a} vs {b}): weak evidence, not a conflict"
    return "different", f"{label} differs ({a} vs {b})"


def _format_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _date_slip(a: date, b: date) -> tuple[str, str] | None:
    """The level and description of a one-slip difference between two dates, or None."""
    if abs((a - b).days) == 1:
        return "one_off", "one day apart"
    same = (a.year == b.year, a.month == b.month, a.day == b.day)
    if sum(same) == 2:
        if not same[0] and abs(a.year - b.year) == 1:
            return "one_off", "one year apart"
        if not same[1] and abs(a.month - b.month) == 1:
            return "one_off", "one month apart"
    left, right = f"{a.day:02d}{a.month:02d}{a.year:04d}", f"{b.day:02d}{b.month:02d}{b.year:04d}"
    differ = [i for i in range(8) if left[i] != right[i]]
    if len(differ) == 1:
        return "one_digit", "one digit differs"
    if (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and left[differ[0]] == right[differ[1]]
        and left[differ[1]] == right[differ[0]]
    ):
        return "one_digit", "two neighbouring digits are transposed"
    return None


def _compare_dates(a: date | None, b: date | None) -> tuple[str, str]:
    if a is None or b is None:
        return "missing", f"Date of birth is not recorded on {'either record' if a == b else 'one record'}"
    if a == b:
        return "exact", f"Date of birth agrees ({_format_date(a)})"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return (
            "swapped",
            f"Date of birth agrees with day and month swapped ({a.day:02d}/{a.month:02d} vs "
            f"{b.day:02d}/{b.month:02d})",
        )
    slip = _date_slip(a, b)
    if slip is not None:
        level, how = slip
        return level, f"Date of birth is close: {how} ({_format_date(a)} vs {_format_date(b)})"
    if a.year == b.year:
        return (
            "same_year",
            f"Date of birth differs; only the year agrees ({_format_date(a)} vs {_format_date(b)})",
        )
    return "different", f"Date of birth differs ({_format_date(a)} vs {_format_date(b)})"


def _family_pair_level(a: _Name, b: _Name) -> tuple[str, str] | None:
    """Compare two family names (no alias logic); None when either is blank."""
    if a.family is None or b.family is None:
        return None
    fa, fb = a.family, b.family
    if fa.key == fb.key:
        return "exact", f"Family name agrees ({fa.text})"
    for whole, other, other_parts in ((fa, fb, b.family_parts), (fb, fa, a.family_parts)):
        if any(part.key == whole.key for part in other_parts):
            return "part", f"Family name {whole.text} is part of the double-barrelled name {other.text}"
    pairs = [(fa, fb)]
    pairs.extend((fa, part) for part in b.family_parts)
    pairs.extend((part, fb) for part in a.family_parts)
    for x, y in pairs:
        similar, how = _similarity(
            x.key, y.key, threshold=FAMILY_NAME_SIMILARITY, one_edit_length=FAMILY_NAME_ONE_EDIT_LENGTH
        )
        if similar:
            return "similar", f"Family names are similar ({fa.text} vs {fb.text}, {how})"
    if (fa.key in SIKH_NAMES) != (fb.key in SIKH_NAMES):
        sikh = fa if fa.key in SIKH_NAMES else fb
        other = fb if sikh is fa else fa
        return (
            "kaur_singh",
            f"Family name {sikh.text} on one record, {other.text} on the other (Kaur and Singh are often "
            "recorded as the family name)",
        )
    return "different", f"Family name differs ({fa.text} vs {fb.text})"


def _compare_family(
    a: tuple[_Name, ...], b: tuple[_Name, ...], table: Mapping[str, Mapping[str, MU]]
) -> tuple[str, str]:
    primary = _family_pair_level(a[0], b[0])
    level, detail = primary if primary is not None else ("missing", "")
    if level != "exact":
        alias_weight = table["family_name"]["alias"].weight
        current = table["family_name"][level].weight if level != "missing" else -math.inf
        if alias_weight > current:
            for x in a:
                for y in b:
                    if not (x.is_alias or y.is_alias) or x.family is None or y.family is None:
                        continue
                    if x.family.key == y.family.key:
                        return "alias", f"Family name agrees with a recorded other name ({x.family.text})"
    if primary is None:
        return "missing", "Family name is not recorded on one record"
    return level, detail


def _given_pair_level(a: _Name, b: _Name) -> tuple[str, str] | None:
    """Compare two sets of given names; None when either is blank."""
    if not a.given or not b.given:
        return None
    first_a, first_b = a.given[0], b.given[0]
    if first_a.key == first_b.key or a.given_key == b.given_key:
        return "exact", f"First given name agrees ({first_a.text})"
    if _nickname_equivalent(first_a.key, first_b.key):
        if _ambiguous_nickname(first_a.key, first_b.key):
            # Alex for Alexander or Alexandra: twins can share it, so it is only "similar".
            return "similar", (
                f"Given names agree as a nickname ({first_a.text} and {first_b.text}), one used for "
                "more than one name"
            )
        return "nickname", f"Given names agree as a nickname ({first_a.text} and {first_b.text})"
    similar, how = _similarity(
        first_a.key, first_b.key, threshold=GIVEN_NAME_SIMILARITY, one_edit_length=GIVEN_NAME_ONE_EDIT_LENGTH
    )
    if similar:
        return "similar", f"Given names are similar ({first_a.text} vs {first_b.text}, {how})"
    for x, y in ((first_a, first_b), (first_b, first_a)):
        for form in _nickname_forms(y.key):
            similar, how = _similarity(
                x.key, form, threshold=GIVEN_NAME_SIMILARITY, one_edit_length=GIVEN_NAME_ONE_EDIT_LENGTH
            )
            if similar:
                return (
                    "similar",
                    f"Given name {x.text} is like {form.capitalize()}, a form of {y.text} ({how})",
                )
    for first, other in ((first_a, b.given[1:]), (first_b, a.given[1:])):
        for middle in other:
            if first.key == middle.key or _nickname_equivalent(first.key, middle.key):
                return "known_by_middle", (
                    f"First given name {first.text} is the other record's middle name ({middle.text})"
                )
    for x in a.given[1:]:
        for y in b.given[1:]:
            if x.key == y.key or _nickname_equivalent(x.key, y.key):
                return "middle", (
                    f"Only a middle name agrees ({x.text}); first given names differ "
                    f"({first_a.text} vs {first_b.text})"
                )
    return "different", f"Given names differ ({first_a.text} vs {first_b.text})"


def _compare_given(
    a: tuple[_Name, ...], b: tuple[_Name, ...], table: Mapping[str, Mapping[str, MU]]
) -> tuple[str, str]:
    levels = table["given_names"]
    best: tuple[str, str] | None = None
    for x in a:
        for y in b:
            result = _given_pair_level(x, y)
            if result is None:
                continue
            if x.is_alias or y.is_alias:
                if result[0] in ("exact", "nickname"):
                    other = x if x.is_alias else y
                    result = (
                        "alias",
                        f"Given name agrees with a recorded other name ({other.given[0].text})",
                    )
                else:
                    result = (result[0], f"{result[1]}, using a recorded other name")
            if best is None or levels[result[0]].weight > levels[best[0]].weight:
                best = result
    return best if best is not None else ("missing", "Given names are not recorded on one record")


def _names_swapped(a: _Name, b: _Name) -> bool:
    """Given and family names written the other way round (the first given name for the family)."""
    if not (a.given and b.given and a.family and b.family):
        return False
    return a.given[0].key == b.family.key and b.given[0].key == a.family.key and a.family.key != b.family.key


def _postcode_parts(postcode: str) -> tuple[str, str]:
    outward, _, inward = postcode.partition(" ")
    return outward, inward


def _compare_postcodes(a: str | None, b: str | None) -> tuple[str, str]:
    if a is None or b is None:
        return "missing", f"Postcode is not recorded on {'either record' if a == b else 'one record'}"
    out_a, in_a = _postcode_parts(a)
    out_b, in_b = _postcode_parts(b)
    if a == b and in_a:
        return "exact", f"Postcode agrees ({a})"
    if out_a == out_b and in_a and in_b and in_a[0] == in_b[0]:
        return "sector", f"Postcode is in the same sector ({a} vs {b})"
    if out_a == out_b:
        return "district", f"Postcode is in the same district ({a} vs {b})"
    return "different", f"Postcode differs ({a} vs {b})"


def _compare_sex(a: str | None, b: str | None) -> tuple[str, str]:
    # X means "other or not recorded": it is no evidence either way.
    if a in (None, "X") or b in (None, "X"):
        return "missing", "Sex is not recorded (or recorded as other) on at least one record"
    if a == b:
        return "agrees", f"Sex agrees ({a})"
    return "disagrees", f"Sex differs ({a} vs {b})"


# --------------------------------------------------------------------------------------------------
# Comparing two records
# --------------------------------------------------------------------------------------------------


class Levels(NamedTuple):
    """The comparison level of each field (before weighing), and the details that explain them."""

    levels: tuple[str, ...]  # one per FIELDS, in order
    details: tuple[str, ...]
    name_keys: tuple[str, str]  # the agreeing family and first given name keys (for term frequencies)


def comparison_levels(subject: Record, candidate: Record, model: LinkageModel | None = None) -> Levels:
    """Which level of each field two records fall in: what training counts and scoring weighs."""
    table = (model or default_model()).table
    a, b = normalise(subject), normalise(candidate)
    names_a, names_b = _prepared_names(a), _prepared_names(b)
    family_level, family_detail = _compare_family(names_a, names_b, table)
    given_level, given_detail = _compare_given(names_a, names_b, table)
    if (
        family_level in ("different", "kaur_singh")
        and given_level in ("different", "middle")
        and _names_swapped(names_a[0], names_b[0])
    ):
        swapped = f"Given and family names are the other way round ({a.given_names} {a.family_name} vs "
        swapped += f"{b.given_names} {b.family_name})"
        family_level, family_detail = "swapped", swapped
        given_level, given_detail = "swapped", swapped
    postcode = _compare_postcodes(a.postcode, b.postcode)
    dob = _compare_dates(a.date_of_birth, b.date_of_birth)
    results = (
        _compare_identifier("nhs_number", a.nhs_number, b.nhs_number),
        dob,
        (family_level, family_detail),
        (given_level, given_detail),
        postcode,
        _compare_sex(a.sex, b.sex),
        _compare_identifier("upn", a.upn, b.upn),
        _compare_identifier("police_id", a.police_id, b.police_id),
        _compare_identifier("la_child_id", a.la_child_id, b.la_child_id),
    )
    family_key = names_a[0].family.key if names_a[0].family and family_level == "exact" else ""
    given_key = names_a[0].given[0].key if names_a[0].given and given_level == "exact" else ""
    if given_key and names_b[0].given and names_b[0].given[0].key != given_key:
        given_key = ""  # agreed on all given names run together, or through another name
    if family_key and names_b[0].family and names_b[0].family.key != family_key:
        family_key = ""
    return Levels(
        levels=tuple(level for level, _ in results),
        details=tuple(detail for _, detail in results),
        name_keys=(family_key, given_key),
    )


_INDEX: Final = MappingProxyType({name: i for i, name in enumerate(FIELDS)})


def household_flags(levels: Sequence[str]) -> tuple[bool, bool]:
    """(possible siblings, possibly one household): family names agree and the first given names do
    not rule a brother or sister out; and the address does not tell them apart either."""
    same_family = levels[_INDEX["family_name"]] in _FAMILY_AGREES
    possible_sibling = same_family and levels[_INDEX["given_names"]] not in _SAME_CHILDS_NAME
    postcode = levels[_INDEX["postcode"]]
    return possible_sibling, possible_sibling and postcode in ("exact", "sector", "missing")


def level_u(model: LinkageModel, levels: Sequence[str], name_keys: tuple[str, str]) -> tuple[float, ...]:
    """The u of each field's level for this pair, with the dependency corrections and term
    frequencies applied (0.0 for missing)."""
    table = model.table
    same_family = levels[_INDEX["family_name"]] in _FAMILY_AGREES
    possible_sibling, _ = household_flags(levels)
    in_household = possible_sibling and levels[_INDEX["postcode"]] == "exact"
    out: list[float] = []
    for name, level in zip(FIELDS, levels, strict=True):
        if level == "missing":
            out.append(0.0)
            continue
        u = table[name][level].u
        if name == "postcode" and same_family:
            u = model.same_family_u.get((name, level), u)
        elif name == "date_of_birth" and possible_sibling:
            corrections = model.same_household_u if in_household else model.same_family_u
            exact_u = corrections.get((name, "exact"))
            if exact_u is not None:
                if level == "exact":
                    u = exact_u
                else:
                    # A twin's date keyed with this slip: never more telling than an exact date.
                    ratio = table[name][level].m / table[name]["exact"].m
                    u = max(corrections.get((name, level), u), exact_u * ratio)
        elif name == "given_names" and in_household:
            u = model.same_household_u.get((name, level), u)
        elif level == "exact" and name in _TF_FIELDS and not possible_sibling:
            # How rare the name is says nothing about which brother or sister, so only outside a
            # possible household does a rare name count for more than a common one.
            key = name_keys[0] if name == "family_name" else name_keys[1]
            tf = model.name_u(name, key) if key else None
            if tf is not None:
                u = tf
        out.append(u)
    return tuple(out)


_CORRECTION_NOTES: Final = MappingProxyType(
    {
        "postcode": " (weighed knowing relatives often share an address)",
        "date_of_birth": " (weighed knowing twins share it)",
        "given_names": " (weighed knowing brothers and sisters often have names alike)",
    }
)


def compare(subject: Record, candidate: Record, *, model: LinkageModel | None = None) -> Comparison:
    """Weigh the evidence that ``subject`` and ``candidate`` describe the same child.

    Symmetric: swapping the records gives the same weight and probability.
    """
    model = model or default_model()
    found = comparison_levels(subject, candidate, model)
    levels = found.levels
    us = level_u(model, levels, found.name_keys)
    possible_sibling, household = household_flags(levels)
    evidence: list[Evidence] = []
    for name, level, detail, u in zip(FIELDS, levels, found.details, us, strict=True):
        if level == "missing":
            evidence.append(Evidence(field=name, outcome=MISSING, weight=0.0, detail=detail, level=level))
            continue
        row = model.table[name][level]
        if u != row.u:
            if name in _CORRECTION_NOTES and (possible_sibling or name == "postcode"):
                detail += _CORRECTION_NOTES[name]
            elif name in _TF_FIELDS:
                detail += f" (a name about 1 in {max(1, round(1 / u)):,} children share)"
        evidence.append(
            Evidence(
                field=name,
                outcome=_LEVEL_OUTCOMES[level],
                weight=math.log2(row.m / u),
                detail=detail,
                level=level,
            )
        )
    weight = model.prior_weight + sum(item.weight for item in evidence)
    conflict = any(item.field in STRONG_IDENTIFIERS and item.level == "different" for item in evidence)
    warnings = tuple(item.detail for item in evidence if item.field == "nhs_number" and item.level == "typo")
    return Comparison(
        weight=weight,
        probability=probability_from_weight(weight),
        evidence=tuple(evidence),
        conflicting_identifier=conflict,
        household=household,
        warnings=warnings,
    )


def score_pairs(pairs: Sequence[tuple[Record, Record]], *, model: LinkageModel | None = None) -> list[float]:
    """The probability of each pair, as ``compare`` gives it, for batch work (training checks,
    benchmarks, de-duplication): no evidence is kept, and pairs with the same levels are weighed once."""
    model = model or default_model()
    weights: dict[tuple[tuple[str, ...], tuple[str, str]], float] = {}
    out: list[float] = []
    for a, b in pairs:
        found = comparison_levels(a, b, model)
        key = (found.levels, found.name_keys)
        weight = weights.get(key)
        if weight is None:
            us = level_u(model, found.levels, found.name_keys)
            weight = model.prior_weight + sum(
                math.log2(model.table[name][level].m / u)
                for name, level, u in zip(FIELDS, found.levels, us, strict=True)
                if level != "missing"
            )
            weights[key] = weight
        out.append(probability_from_weight(weight))
    return out


# --------------------------------------------------------------------------------------------------
# Deciding
# --------------------------------------------------------------------------------------------------


def _identifiable(record: Record) -> bool:
    """Whether a record says enough to find or create a person: a family name, a date of birth or an
    identifier."""
    return bool(
        name_key(record.family_name)
        or record.date_of_birth is not None
        or any(getattr(record, name) for name in STRONG_IDENTIFIERS)
    )


def _shares_identifier(comparison: Comparison) -> bool:
    return any(comparison.evidence_for(name).level == "exact" for name in STRONG_IDENTIFIERS)


def _shares_personal_identifier(comparison: Comparison) -> bool:
    """An NHS number, UPN or LA child ID agrees: numbers given to one child. (A police reference is
    sometimes the incident's, which brothers and sisters at one incident share.)"""
    return any(comparison.evidence_for(name).level == "exact" for name in PERSONAL_IDENTIFIERS)


def _anchored(comparison: Comparison) -> bool:
    """An automatic link needs the date of birth exact (or day/month swapped) or a personal
    identifier exact: names and an address alone never link."""
    return comparison.evidence_for("date_of_birth").level in ("exact", "swapped") or (
        _shares_personal_identifier(comparison)
    )


def _beyond_household(comparison: Comparison) -> bool:
    """Possible brothers, sisters or twins in one household are linked only on a shared personal
    identifier: family, address and birthday say nothing about which of them it is."""
    return not comparison.household or _shares_personal_identifier(comparison)


def decide(
    subject: Record,
    candidates: Sequence[Record],
    *,
    match_threshold: float = 0.995,
    review_threshold: float = 0.30,
    model: LinkageModel | None = None,
) -> MatchDecision:
    """Decide whether ``subject`` is one of ``candidates`` ("matched"), might be ("needs_review") or
    is a child not yet on record ("new").

    Matched only when the best candidate's probability reaches ``match_threshold``, it has no
    conflicting identifier and no warning, no other candidate reaches ``review_threshold``, its date
    of birth agrees (exactly or with day and month swapped) or an NHS number, UPN or LA child ID
    agrees, and, if the two could be brothers or sisters in one household, one of those agrees.
    Needs review when the best probability reaches ``review_threshold`` without meeting all of
    those, when a candidate shares an NHS number, UPN, police reference or LA child ID however low
    its probability (never silently create a second person holding the same identifier), or has an
    NHS number one digit off, and whenever the subject cannot be identified at all (no family name,
    date of birth or identifier).
    New otherwise. The decision records the model's version.
    """
    if not 0.0 <= review_threshold <= match_threshold <= 1.0:
        raise ValueError("Thresholds must satisfy 0 <= review_threshold <= match_threshold <= 1")
    model = model or default_model()
    subject = normalise(subject)
    scored = [(index, compare(subject, candidate, model=model)) for index, candidate in enumerate(candidates)]
    scored.sort(key=lambda pair: (-pair[1].probability, pair[0]))
    comparisons = tuple(scored)
    identifiable = _identifiable(subject)

    if not comparisons:
        status = NEW if identifiable else NEEDS_REVIEW
        return MatchDecision(
            status=status, best_index=None, score=0.0, comparisons=(), model_version=model.version
        )

    best_index, best = comparisons[0]
    runner_up = comparisons[1][1].probability if len(comparisons) > 1 else 0.0
    if (
        identifiable
        and best.probability >= match_threshold
        and not best.conflicting_identifier
        and not best.warnings
        and runner_up < review_threshold
        and _anchored(best)
        and _beyond_household(best)
    ):
        status = MATCHED
    elif (
        not identifiable
        or best.probability >= review_threshold
        or any(_shares_identifier(comparison) or comparison.warnings for _, comparison in comparisons)
    ):
        status = NEEDS_REVIEW
    else:
        status = NEW
    return MatchDecision(
        status=status,
        best_index=best_index,
        score=best.probability,
        comparisons=comparisons,
        model_version=model.version,
    )
