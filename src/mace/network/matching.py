"""Pure functions for the network: UK vehicle registrations, the keys subjects are matched on, and finding
the subjects already on record in a record's words. No database, no clock: property-tested."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Current (2001-): two letters, two digits, three letters (AB12 CDE). Prefix (1983-2001): a letter, 1-3
# digits, three letters (A123 BCD). Suffix (1963-1983): three letters, 1-3 digits, a letter (ABC 123D).
# Dateless: 1-4 digits and 1-3 letters either way round (1 ABC, ABC 1).
_CURRENT = re.compile(r"^[A-HJ-PR-Y][A-HJ-PR-Y0-9]?[0-9]{2}[A-HJ-PR-Z]{3}$")
_CURRENT_STRICT = re.compile(r"^[A-HJ-PR-Y]{2}[0-9]{2}[A-HJ-PR-Z]{3}$")
_PREFIX = re.compile(r"^[A-HJ-NP-TV-Y][0-9]{1,3}[A-HJ-PR-Y]{3}$")
_SUFFIX = re.compile(r"^[A-HJ-PR-Y]{3}[0-9]{1,3}[A-HJ-NP-TV-Y]$")
_DATELESS = re.compile(r"^([0-9]{1,4}[A-Z]{1,3}|[A-Z]{1,3}[0-9]{1,4})$")


def registration_key(text: str) -> str:
    """A registration as stored and compared: capitals and digits only (ab12 cde → AB12CDE)."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def uk_registration_valid(text: str) -> bool:
    key = registration_key(text)
    if not 2 <= len(key) <= 7:
        return False
    return any(p.match(key) for p in (_CURRENT_STRICT, _PREFIX, _SUFFIX, _DATELESS))


def display_registration(text: str) -> str:
    """AB12CDE → AB12 CDE (current format); other formats as typed, in capitals."""
    key = registration_key(text)
    if _CURRENT_STRICT.match(key):
        return f"{key[:4]} {key[4:]}"
    return re.sub(r"\s+", " ", (text or "").upper().strip())


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", (text or "").lower())


def name_key(text: str) -> str:
    """Lower case, words joined by single spaces: "Flat 2, 14 Mill St." → "flat 2 14 mill st"."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Term:
    subject_id: int
    kind: str  # the subject's kind
    key: str  # a name key (words) or a registration key
    registration: bool = False


@dataclass(frozen=True)
class Hit:
    subject_id: int
    kind: str
    evidence: str


def _context(text: str, phrase_words: list[str]) -> str:
    lowered = text.lower()
    first = phrase_words[0]
    at = lowered.find(first)
    if at < 0:
        return text[:200]
    start = max(0, at - 60)
    return ("…" if start else "") + text[start : at + 140].strip() + ("…" if at + 140 < len(text) else "")


def find(text: str, terms: Iterable[Term]) -> Iterator[Hit]:
    """Every subject whose name, alias, place name, postcode, registration or handle appears in the text as
    whole words (a registration also when its parts are written apart: "AB12 CDE", "ab12cde"). Each
    subject once. Names of one word are too common to trust and are never terms (see `terms_for`)."""
    if not text:
        return
    tokens = words(text)
    padded = f" {' '.join(tokens)} "
    compact: set[str] = set()
    for i, t in enumerate(tokens):
        compact.add(t.upper())
        if i + 1 < len(tokens):
            compact.add((t + tokens[i + 1]).upper())
        if i + 2 < len(tokens):
            compact.add((t + tokens[i + 1] + tokens[i + 2]).upper())
    seen: set[int] = set()
    for term in terms:
        if term.subject_id in seen:
            continue
        found = term.key in compact if term.registration else f" {term.key} " in padded
        if found:
            seen.add(term.subject_id)
            yield Hit(
                term.subject_id, term.kind, _context(text, term.key.lower().split() or [term.key.lower()])
            )


def terms_for(
    subject_id: int, kind: str, name: str, aliases: str = "", postcode: str = "", address: str = ""
) -> list[Term]:
    """What a subject is recognised by in free text. A vehicle: its registration. Others: the name and
    each alias, and for a place its postcode and address; each of two words or more (a lone first name,
    "Jay", would match half the records), a handle of one word only if it has a digit or is 6+ letters."""
    if kind == "vehicle":
        key = registration_key(name)
        return [Term(subject_id, kind, key, registration=True)] if len(key) >= 4 else []
    out = []
    candidates = [name, *aliases.split(","), postcode, address]
    for c in candidates:
        key = name_key(c.lstrip("@"))
        if not key:
            continue
        if len(key.split()) >= 2 or (kind == "online" and (len(key) >= 6 or any(ch.isdigit() for ch in key))):
            out.append(Term(subject_id, kind, key))
    return out
