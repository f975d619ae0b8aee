"""What higher modules add to the child's record, so the record page does not import upward.

Two kinds, both registered in the module's `AppConfig.ready()`:
- a section with its own template, shown in order (the oversight module's impact chart):

    sections.register("impact", 60, "oversight/_impact_section.html", impact_section)

  The builder takes the person and the reader (who may already open the record: the page checked) and
  returns the template's context, or None to show nothing.
- named entries of the record page's own context, which its template places (the missing history, the
  plan's summary, the screenings):

    sections.provide("missing", lambda person, user: {"missing": history_for_person(person)})
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
PROVIDERS: dict[str, Builder] = {}


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


def provide(name: str, builder: Builder) -> None:
    PROVIDERS[name] = builder


def context_for(person: Any, user: Any) -> dict[str, Any]:
    """The record page's context entries the modules provide, merged."""
    out: dict[str, Any] = {}
    for builder in PROVIDERS.values():
        out.update(builder(person, user) or {})
    return out
