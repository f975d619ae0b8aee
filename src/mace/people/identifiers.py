"""Validation, normalisation and synthetic generation of the identifiers MACE records for a child.

Pure Python with no Django imports, so the rules can be used from forms, models, importers and the
demo-data generator alike.

* NHS number: 10 digits, the last a modulus-11 check digit.
* UPN (English unique pupil number): a check letter followed by 12 characters.
* Police reference: a synthetic format, two-letter force prefix, year and a 7-digit serial.
* UK postcode: the standard outward/inward pattern.
"""

from __future__ import annotations

import random
import re

__all__ = [
    "NHS_NUMBER_ERROR",
    "POLICE_ID_ERROR",
    "POSTCODE_ERROR",
    "UPN_ERROR",
    "format_nhs_number",
    "generate_nhs_number",
    "generate_police_id",
    "generate_upn",
    "nhs_check_digit",
    "nhs_number_is_valid",
    "normalise_nhs_number",
    "normalise_police_id",
    "normalise_postcode",
    "normalise_upn",
    "police_id_is_valid",
    "postcode_is_valid",
    "upn_check_letter",
    "upn_is_valid",
]

NHS_NUMBER_ERROR = "Enter a valid NHS number: 10 digits that pass the check digit"
UPN_ERROR = "Enter a valid unique pupil number: a check letter followed by 12 characters"
POLICE_ID_ERROR = "Enter a valid police reference, for example CH-2024-0123456"
POSTCODE_ERROR = "Enter a valid UK postcode, for example CW1 2AB"

# --------------------------------------------------------------------------------------------------
# NHS number
# --------------------------------------------------------------------------------------------------

_NHS_SEPARATORS = re.compile(r"[\s-]+")
_TEN_ASCII_DIGITS = re.compile(r"[0-9]{10}")
_NINE_ASCII_DIGITS = re.compile(r"[0-9]{9}")
_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_NHS_TEST_PREFIX = "999"


def nhs_check_digit(first_nine: str) -> int | None:
    """Return the modulus-11 check digit for the first nine digits, or None when no digit fits.

    Raises ValueError if ``first_nine`` is not exactly nine ASCII digits.
    """
    if not _NINE_ASCII_DIGITS.fullmatch(first_nine):
        raise ValueError("The NHS check digit needs exactly nine digits")
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def _strip_nhs_separators(value: str) -> str:
    return _NHS_SEPARATORS.sub("", value.strip())


def nhs_number_is_valid(value: str) -> bool:
    """True if ``value`` is 10 digits (spaces and hyphens allowed) with a correct check digit."""
    digits = _strip_nhs_separators(value)
    if not _TEN_ASCII_DIGITS.fullmatch(digits):
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def normalise_nhs_number(value: str) -> str:
    """Return the NHS number as 10 digits with separators removed.

    Raises ValueError with a message fit to show a practitioner when the number is not valid.
    """
    if not nhs_number_is_valid(value):
        raise ValueError(NHS_NUMBER_ERROR)
    return _strip_nhs_separators(value)


def format_nhs_number(value: str) -> str:
    """Return the NHS number in the 3-3-4 display format, e.g. ``"943 476 5919"``.

    Raises ValueError when the number is not valid.
    """
    digits = normalise_nhs_number(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def generate_nhs_number(rng: random.Random) -> str:
    """Return a valid NHS number in the ``999`` range reserved for test data."""
    while True:
        first_nine = _NHS_TEST_PREFIX + "".join(str(rng.randrange(10)) for _ in range(6))
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


# --------------------------------------------------------------------------------------------------
# Unique pupil number (England)
# --------------------------------------------------------------------------------------------------

# The DfE check-letter alphabet: 23 letters, leaving out I, O and S.
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_BODY = re.compile(rf"[0-9]{{11}}[0-9{_UPN_LETTERS}]")
_UPN = re.compile(rf"[{_UPN_LETTERS}][0-9]{{11}}[0-9{_UPN_LETTERS}]")
_LA_CODE = re.compile(r"[0-9]{3}")


def _upn_char_value(char: str) -> int:
    if "0" <= char <= "9":
        return int(char)
    return _UPN_LETTERS.index(char)


def upn_check_letter(body: str) -> str:
    """Return the check letter for characters 2-13 of a UPN.

    Each character is weighted by its position (2 to 13); a final letter, as in a temporary UPN,
    counts as its position in the check alphabet. The sum modulo 23 indexes that alphabet.
    Raises ValueError when ``body`` is not 11 digits followed by a digit or check-alphabet letter.
    """
    if not _UPN_BODY.fullmatch(body):
        raise ValueError("A UPN check letter needs 11 digits followed by a digit or letter")
    total = sum(_upn_char_value(char) * position for position, char in enumerate(body, start=2))
    return _UPN_LETTERS[total % 23]


def _compact_upn(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def upn_is_valid(value: str) -> bool:
    """True if ``value`` is a UPN with a correct check letter (spaces and case are ignored)."""
    upn = _compact_upn(value)
    if not _UPN.fullmatch(upn):
        return False
    return upn_check_letter(upn[1:]) == upn[0]


def normalise_upn(value: str) -> str:
    """Return the UPN in upper case without spaces; raises ValueError when it is not valid."""
    if not upn_is_valid(value):
        raise ValueError(UPN_ERROR)
    return _compact_upn(value)


def generate_upn(rng: random.Random, la_code: str = "895", *, temporary: bool = False) -> str:
    """Return a valid UPN issued by the local authority ``la_code`` (895 is Cheshire East).

    The body is the LA code, a 4-digit establishment number, a 2-digit year and a 3-digit serial.
    A temporary UPN ends in a letter instead of the last serial digit.
    """
    if not _LA_CODE.fullmatch(la_code):
        raise ValueError("The local authority code must be three digits")
    establishment = f"{rng.randrange(2000, 5000):04d}"
    year = f"{rng.randrange(100):02d}"
    if temporary:
        serial = f"{rng.randrange(100):02d}{rng.choice(_UPN_LETTERS)}"
    else:
        serial = f"{rng.randrange(1000):03d}"
    body = la_code + establishment + year + serial
    return upn_check_letter(body) + body


# --------------------------------------------------------------------------------------------------
# Police reference (synthetic format)
# --------------------------------------------------------------------------------------------------

_POLICE_ID = re.compile(r"([A-Z]{2})-((?:19|20)[0-9]{2})-([0-9]{7})")
_FORCE_CODE = re.compile(r"[A-Z]{2}")


def police_id_is_valid(value: str) -> bool:
    """True if ``value`` looks like ``CH-2024-0123456`` (force, year 1900-2099, 7-digit serial)."""
    return _POLICE_ID.fullmatch(value.strip().upper()) is not None


def normalise_police_id(value: str) -> str:
    """Return the police reference in upper case; raises ValueError when it is not valid."""
    if not police_id_is_valid(value):
        raise ValueError(POLICE_ID_ERROR)
    return value.strip().upper()


def generate_police_id(rng: random.Random, force: str = "CH", year: int | None = None) -> str:
    """Return a synthetic police reference such as ``CH-2024-0123456``.

    ``force`` is a two-letter prefix (CH for Cheshire); the year defaults to one from 2015-2025.
    """
    if not _FORCE_CODE.fullmatch(force):
        raise ValueError("The force code must be two capital letters")
    if year is None:
        year = rng.randrange(2015, 2026)
    if not 1900 <= year <= 2099:
        raise ValueError("The year must be between 1900 and 2099")
    return f"{force}-{year:04d}-{rng.randrange(10_000_000):07d}"


# --------------------------------------------------------------------------------------------------
# UK postcode
# --------------------------------------------------------------------------------------------------

# Outward code forms A9, A99, AA9, AA99, A9A and AA9A with the letters each position allows,
# then an inward code of a digit and two letters (never C, I, K, M, O or V).
_POSTCODE = re.compile(
    r"(?:GIR 0AA|"
    r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" [0-9][ABD-HJLNP-UW-Z]{2})"
)


def _space_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_is_valid(value: str) -> bool:
    """True if ``value`` is a UK postcode in shape (spacing and case are ignored)."""
    return _POSTCODE.fullmatch(_space_postcode(value)) is not None


def normalise_postcode(value: str) -> str:
    """Return the postcode in upper case with one space before the inward code, e.g. ``"CW1 2AB"``.

    Raises ValueError when the value is not a UK postcode.
    """
    spaced = _space_postcode(value)
    if _POSTCODE.fullmatch(spaced) is None:
        raise ValueError(POSTCODE_ERROR)
    return spaced
