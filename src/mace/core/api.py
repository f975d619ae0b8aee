"""What every module's API shares: the 422 body made from a service's ValidationError, and the rule
that times carry a UTC offset. (`mace/api.py` maps the services' exceptions to answers.)"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ninja import Field, Schema

NON_BLANK = r"\S"  # JSON Schema patterns search: the text holds at least one character that is not a space

_CONFLICT_OUT: dict[type, Callable[[Any], dict[str, Any]]] = {}


def conflict_shows(model: type, out: Callable[[Any], dict[str, Any]]) -> None:
    """A module's API registers how a record of `model` is shown, so that a 409 carries what is saved
    now in the same shape as a read, beside what was attempted."""
    _CONFLICT_OUT[model] = out


class ErrorOut(Schema):
    """Every refusal: a message, or (422) a list of problems each naming its field."""

    detail: list[dict[str, object]] | str


class VersionConflictOut(Schema):
    """A 409: nothing was saved, because the save named no version or an old one."""

    detail: str
    current_version: int | None = Field(..., description="The version saved now")
    based_on: int | None = Field(..., description="The version your change was based on (null: none sent)")
    current: dict[str, Any] | None = Field(..., description="The record as saved now, as a read returns it")
    attempted: dict[str, Any] = Field(..., description="What you tried to save")


def conflict_current(record: Any) -> dict[str, Any] | None:
    out = _CONFLICT_OUT.get(type(record))
    return out(record) if out is not None and record is not None else None


def problems(exc: Any, lists: dict[str, str] | None = None) -> dict[str, object]:
    """Each problem names its field ("" for the whole record). `lists` maps a service's numbered key
    to the request's list: {"action": "actions"} makes `action_2` point at `actions[1]`."""
    detail: list[dict[str, object]] = []
    for name, msgs in exc.message_dict.items():
        loc: list[object]
        numbered = re.fullmatch(r"([a-z]+)_(\d+)", name)
        if lists and numbered and numbered[1] in lists:
            field = lists[numbered[1]]
            loc = ["body", field, int(numbered[2]) - 1]
        elif name == "__all__":
            loc, field = ["body"], ""
        else:
            parts = name.split(".")
            loc, field = ["body", *parts], parts[-1]
        detail.append({"loc": loc, "field": field, "msg": " ".join(msgs)})
    return {"detail": detail}


def with_offset(value: datetime | None) -> datetime | None:
    """A pydantic validator's body: a time without a UTC offset is ambiguous, so it is refused."""
    if value is not None and value.tzinfo is None:
        raise ValueError("times must include a UTC offset, like 2026-03-02T21:15:00+00:00")
    return value
