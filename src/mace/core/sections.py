"""Sections of the child's record that higher modules add (the oversight module's impact chart), so the
record page does not import upward. A module registers a section in its `AppConfig.ready()`:

    sections.register("impact", 60, "oversight/_impact_section.html", impact_section)

The builder takes the person and the reader (who may already open the record: the page checked) and
returns the template's context, or None to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Builder = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    name: str
    order: int
    template: str
    builder: Builder


SECTIONS: dict[str, Section] = {}


def register(name: str, order: int, template: str, builder: Builder) -> None:
    SECTIONS[name] = Section(name, order, template, builder)


@dataclass(frozen=True)
class Rendered:
    template: str
    context: dict[str, Any]


def for_person(person: Any, user: Any) -> list[Rendered]:
    out = []
    for section in sorted(SECTIONS.values(), key=lambda s: s.order):
        context = section.builder(person, user)
        if context is not None:
            out.append(Rendered(section.template, context))
    return out
