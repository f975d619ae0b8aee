"""The code tables that turn MACE's records into the statutory returns' codes.

Each table is configuration with a default: a partnership's data team may override any entry in a JSON
file named by `MACE_EXPORT_MAPPINGS` (same keys as `DEFAULTS`; an entry given there replaces the default's
entry, the rest stay). The analyst's mappings page shows the tables in force, so nobody has to read code
to know how a return was coded. Codes follow the DfE's CIN census and SSDA903 guides and Ofsted's Annex A.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

# CIN census referral source (and Annex A contact and referral source), by the sending agency's kind.
REFERRAL_SOURCE_CODES: dict[str, str] = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance (including neighbours and child minders)",
    "1C": "Individual: self",
    "1D": "Individual: other (including strangers)",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: general practitioner (GP)",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E",
    "3F": "Health services: other",
    "4": "Housing",
    "5A": "LA services: social care",
    "5B": "LA services: other internal",
    "5C": "LA services: external",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

# Annex A's coded values: the letter prefix of each referral source.
ANNEX_A_SOURCE: dict[str, str] = {
    "1A": "a) 1A: Individual",
    "1B": "b) 1B: Individual",
    "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools",
    "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services",
    "3F": "l) 3F: Health services",
    "4": "m) 4: Housing",
    "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services",
    "5C": "p) 5C: LA services",
    "6": "q) 6: Police",
    "7": "r) 7: Other legal agency",
    "8": "s) 8: Other",
    "9": "t) 9: Anonymous",
    "10": "u) 10: Unknown",
}

# CIN census assessment factors MACE can evidence (the DfE list has more; MACE records only these).
FACTOR_CODES: dict[str, str] = {
    "2A": "Drug misuse: the child",
    "3A": "Domestic abuse: the child is the subject",
    "4A": "Mental health: the child",
    "10A": "Going or being missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "14A": "Socially unacceptable behaviour",
    "24A": "Child criminal exploitation",
    "21": "No factors identified",
}

ETHNICITY_CODES: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
ANNEX_A_ETHNICITY_ORDER = list(ETHNICITY_CODES)  # a) WBRI ... r) OOTH, then s) REFU and s) NOBT

DEFAULTS: dict[str, dict[str, Any]] = {
    # The sending agency's kind (or the contact's kind where it says more) -> CIN referral source.
    "referral_source": {
        "police": "6",
        "health": "3F",
        "ed_referral": "3E",
        "education": "2A",
        "csc": "5A",
        "early_help": "5B",
        "commissioned": "8",
        "partnership": "8",
        "public": "1D",
        "unknown": "10",
    },
    # A front door concern -> the CIN assessment factor it evidences. A concern not here adds no factor.
    "assessment_factor": {
        "missing": "10A",
        "found_out_of_area": "10A",
        "sexual_exploitation": "11A",
        "trafficking": "12A",
        "gang_association": "13A",
        "weapons": "13A",
        "county_lines": "24A",
        "substance_misuse": "2A",
        "domestic_abuse": "3A",
        "mental_health": "4A",
        "behaviour_change": "14A",
    },
    # The recorded ethnicity (its detail after " - ", lower case) -> the DfE code. Others: NOBT.
    "ethnicity": {
        "english, welsh, scottish, northern irish or british": "WBRI",
        "white british": "WBRI",
        "irish": "WIRI",
        "gypsy or irish traveller": "WIRT",
        "roma": "WROM",
        "any other white background": "WOTH",
        "white and black caribbean": "MWBC",
        "white and black african": "MWBA",
        "white and asian": "MWAS",
        "other mixed or multiple ethnic groups": "MOTH",
        "indian": "AIND",
        "pakistani": "APKN",
        "bangladeshi": "ABAN",
        "other asian": "AOTH",
        "chinese": "CHNE",
        "caribbean": "BCRB",
        "african": "BAFR",
        "other black": "BOTH",
        "arab": "OOTH",
        "any other ethnic group": "OOTH",
        "refused": "REFU",
    },
    # The primary need of an exploitation referral: abuse or neglect.
    "primary_need": {"default": "N1"},
    # Category of abuse on a child protection plan, from the concerns: sexual exploitation is sexual abuse,
    # every other exploitation concern is neglect (the DfE guide's reading for criminal exploitation).
    "category_of_abuse": {"sexual_exploitation": "SAB", "default": "NEG"},
    # SSDA903: MACE's placement kinds -> placement type; legal status and provider are not held by MACE
    # and default to the values a council most often reconciles from (full care order, own provision).
    "placement_type": {
        "foster": "U6",
        "kinship": "U3",
        "residential": "K2",
        "supported": "K3",
        "secure": "K1",
        "home": "P1",
        "other": "Z11",
    },
    "legal_status": {"default": "C2"},
    # Provider: none for "other" placements (Z11 to Z14 take no provider).
    "placement_provider": {"default": "PR1", "home": "PR0", "other": ""},
    "reason_new_episode": {"default": "S"},
    # Why a placement changed: MACE records the move, not its reason.
    "reason_place_change": {"default": "OTHER"},
    # SSDA903's MOTHER for a looked-after girl: MACE does not record motherhood; 0 until the council says.
    "mother": {"default": "0"},
    # The partnership's DfE local authority code (3 digits), by partnership code.
    "la_code": {"default": "201"},
}


@lru_cache(maxsize=1)
def _overrides(path: str) -> dict[str, dict[str, Any]]:
    if not path:
        return {}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f"{path}: the export mappings must be a JSON object of objects")
    unknown = sorted(set(data) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"{path}: unknown mapping tables {', '.join(unknown)}")
    return data


def tables() -> dict[str, dict[str, Any]]:
    """Every mapping table as in force: the defaults with the configured overrides applied."""
    overrides = _overrides(getattr(settings, "MACE_EXPORT_MAPPINGS", "") or "")
    return {name: {**table, **overrides.get(name, {})} for name, table in DEFAULTS.items()}


def overridden() -> dict[str, set[str]]:
    overrides = _overrides(getattr(settings, "MACE_EXPORT_MAPPINGS", "") or "")
    return {name: set(table) for name, table in overrides.items()}


def lookup(table: str, key: str, *, default: str | None = None) -> str:
    t = tables()[table]
    if key in t:
        return str(t[key])
    if "default" in t:
        return str(t["default"])
    return default if default is not None else ""


def referral_source(agency_kind: str, contact_kind: str) -> str:
    t = tables()["referral_source"]
    if contact_kind in t:
        return str(t[contact_kind])
    if contact_kind == "public":
        return str(t.get("public", "1D"))
    return str(t.get(agency_kind or "unknown", t.get("unknown", "10")))


def factors(concerns: set[str]) -> list[str]:
    """The CIN factors the concerns evidence, in the DfE's order; "21" (no factors) only ever alone."""
    t = tables()["assessment_factor"]
    found = {str(t[c]) for c in concerns if c in t}
    found.discard("21")
    if not found:
        return ["21"]
    return sorted(found, key=_factor_key)


def _factor_key(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits or 0), code)


def ethnicity(recorded: str) -> str:
    text = (recorded or "").strip().lower()
    if not text:
        return "NOBT"
    if text.upper() in ETHNICITY_CODES:
        return text.upper()
    detail = text.split(" - ", 1)[-1].strip()
    t = tables()["ethnicity"]
    return str(t.get(detail) or t.get(text) or "NOBT")


def category_of_abuse(concerns: set[str]) -> str:
    t = tables()["category_of_abuse"]
    for concern, code in t.items():
        if concern != "default" and concern in concerns:
            return str(code)
    return str(t.get("default", "NEG"))


def la_code(partnership_code: str) -> str:
    return lookup("la_code", partnership_code)
