"""GOV.UK composite inputs, parsed once for every module: a date input (day, month, year boxes named
`<prefix>_day` …) and a 24-hour time box (`<prefix>_time`), read as London wall-clock time. Problems go
on `<prefix>_day`, the input the error summary links to."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django import forms
from django.utils import timezone

from mace.core import clocks

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def error(form: forms.Form, key: str, message: str) -> None:
    """An error on a composite input that is not a single Django field."""
    errors = form._errors  # type: ignore[attr-defined]
    errors.setdefault(key, form.error_class()).append(message)


def clock(text: str) -> time | None:
    """ "21:30" or "9.05" → a time; anything else → None."""
    m = _TIME.match(text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return time(int(m.group(1)), int(m.group(2)))


def _parts(form: forms.Form, prefix: str) -> list[str]:
    return [str(form.data.get(f"{prefix}_{p}", "")).strip() for p in ("day", "month", "year")]


def _real_date(form: forms.Form, prefix: str, parts: list[str]) -> date | None:
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        error(form, f"{prefix}_day", "Enter a real date, like 21 11 2026")
        return None


def day(form: forms.Form, prefix: str, *, required: bool = True, label: str = "the date") -> date | None:
    """A GOV.UK date input."""
    parts = _parts(form, prefix)
    if not any(parts):
        if required:
            error(form, f"{prefix}_day", f"Enter {label}")
        return None
    return _real_date(form, prefix, parts)


def when(
    form: forms.Form, prefix: str, *, required: bool = True, default_now: bool = False
) -> datetime | None:
    """A GOV.UK date input plus a time box, as an aware London datetime. Blank → now, if allowed."""
    parts = _parts(form, prefix)
    text = str(form.data.get(f"{prefix}_time", "")).strip()
    if not any(parts) and not text:
        if default_now:
            return timezone.now()
        if required:
            error(form, f"{prefix}_day", "Enter the date and time")
        return None
    on = _real_date(form, prefix, parts)
    if on is None:
        return None
    at = clock(text)
    if at is None:
        error(form, f"{prefix}_day", "Enter the time as hours and minutes, like 21:30")
        return None
    return datetime.combine(on, at, tzinfo=clocks.LONDON)
