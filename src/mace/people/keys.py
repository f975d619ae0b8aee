"""Search keys: names folded to lower-case ASCII letters so 'O'Brien', 'OBrien' and 'obrien' meet."""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[^a-z]")


def name_key(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode().lower()
    return _NOT_LETTERS.sub("", folded)[:150]
