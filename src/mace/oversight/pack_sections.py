"""The board pack's own sections: the summary and decisions needed, the children's experience in their own
words (anonymised), and the data-quality statement. Read-only, counted from the records each time."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q

from mace.accounts.models import Partnership, User
from mace.casework.models import Visit
from mace.core import clocks
from mace.frontdoor.models import Contact
from mace.missing.models import MissingEpisode, ReturnInterview
from mace.people.keys import name_key
from mace.people.models import Identifier, Person, PersonName
from mace.plans.models import PlanReview, PlanVersion
from mace.screening.models import Screening

from .charts import bar_chart
from .disclosure import count_text, suppressed
from .pack import SectionOmitted, register_section
from .periods import Period

# Summary and decisions needed -------------------------------------------------------------------


def build_summary(user: Any, period: Period, partnership_ids: list[int], *, sections: list[Any]) -> dict:
    """The headlines and the decisions each other section asked for, in the pack's order."""
    return {
        "headlines": [],  # the summary's own lines are the others'
        "groups": [
            {"title": s.title, "anchor": s.anchor, "headlines": s.headlines, "decisions": s.decisions}
            for s in sections
            if s.context is not None and (s.headlines or s.decisions)
        ],
        "decisions_total": sum(len(s.decisions) for s in sections),
        "omitted": [{"title": s.title, "reason": s.omitted} for s in sections if s.context is None],
    }


# Children's experience ----------------------------------------------------------------------------

QUOTES_PER_SOURCE = 3  # the most recent from each source, so no one kind of record fills the section
QUOTE_CHARS = 240  # a short quotation: cut at a word near here
REDACTED = "[name]"
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_LONG_NUMBER = re.compile(r"\d[\d\s-]{5,}\d")  # phone numbers, NHS numbers, references


@dataclass(frozen=True)
class Words:
    text: str
    person_id: int | None
    at: date
    source: str  # how the pack says where the words were heard
    subject: dict[str, Any] | None = None  # the child as reported, where not yet identified


def _day(at: datetime | date) -> date:
    return at.astimezone(clocks.LONDON).date() if isinstance(at, datetime) else at


def _words_in(period: Period, ids: list[int]) -> list[Words]:
    """The children's own words recorded in the period, from every record that holds them: the most
    recent few of each source."""
    start, end = period.bounds()
    days = {"gte": period.start, "lt": period.end}
    instants = {"gte": start, "lt": end}
    # (records, their words, the child, when, the child as reported, where the words were heard)
    sources: list[tuple[Any, str, str, str, str | None, str, dict[str, Any]]] = [
        (
            ReturnInterview.objects.filter(partnership_id__in=ids),
            "child_words",
            "episode__person_id",
            "completed_at",
            "episode__subject",
            "said in a return home interview",
            instants,
        ),
        (
            MissingEpisode.objects.filter(partnership_id__in=ids),
            "child_account",
            "person_id",
            "returned_at",
            "subject",
            "said on coming back from being missing",
            instants,
        ),
        (
            Screening.objects.filter(partnership_id__in=ids),
            "child_voice",
            "person_id",
            "completed_at",
            "subject",
            "said during an exploitation screening",
            instants,
        ),
        (
            Visit.objects.filter(person__partnership_id__in=ids),
            "child_words",
            "person_id",
            "visited_on",
            None,
            "said to their worker on a visit",
            days,
        ),
        (
            PlanVersion.objects.filter(plan__partnership_id__in=ids),
            "child_views",
            "plan__person_id",
            "child_views_at",
            None,
            "said about their plan",
            instants,
        ),
        (
            PlanReview.objects.filter(plan__partnership_id__in=ids),
            "child_views",
            "plan__person_id",
            "held_on",
            None,
            "said at a review of their plan",
            days,
        ),
        (
            Contact.objects.filter(partnership_id__in=ids),
            "child_voice",
            "person_id",
            "received_at",
            "subject",
            "said to the professional who contacted the front door",
            instants,
        ),
    ]
    found: list[Words] = []
    for records, text, person, at, subject, label, bounds in sources:
        fields = [text, person, at] + ([subject] if subject else [])
        rows = (
            records.filter(**{f"{at}__{op}": value for op, value in bounds.items()})
            .exclude(**{text: ""})
            .order_by(f"-{at}", "-pk")
            .values_list(*fields)[:QUOTES_PER_SOURCE]
        )
        for row in rows:
            found.append(Words(row[0], row[1], _day(row[2]), label, row[3] if subject else None))
    return found


def _keys(*names: str) -> set[str]:
    out = set()
    for name in names:
        for word in _WORD.findall(name or ""):
            key = name_key(word)
            if len(key) >= 2:
                out.add(key)
    return out


def _subject_names(subject: dict[str, Any] | None) -> set[str]:
    if not isinstance(subject, dict):
        return set()
    return _keys(*(str(v) for k, v in subject.items() if "name" in k and isinstance(v, str)))


class NameKeys:
    """Every name known in the partnerships, loaded once for all the quotations: each person's own names
    (given, family, preferred, previous names and aliases) and the workers' names."""

    def __init__(self, ids: list[int], person_ids: Iterable[int]) -> None:
        self.everyone: set[str] = set()
        self.own: dict[int, set[str]] = {}
        wanted = set(person_ids)
        for pk, given, family, preferred in Person.objects.filter(partnership_id__in=ids).values_list(
            "pk", "given_names", "family_name", "preferred_name"
        ):
            keys = _keys(given, family, preferred)
            self.everyone |= keys
            if pk in wanted:
                self.own.setdefault(pk, set()).update(keys)
        for pk, given, family in PersonName.objects.filter(person__partnership_id__in=ids).values_list(
            "person_id", "given_names", "family_name"
        ):
            keys = _keys(given, family)
            self.everyone |= keys
            if pk in wanted:
                self.own.setdefault(pk, set()).update(keys)
        for first, last in User.objects.filter(
            Q(agency__partnerships__in=ids) | Q(team__partnership_id__in=ids)
        ).values_list("first_name", "last_name"):
            self.everyone |= _keys(first, last)


def redact(text: str, *, own: set[str], everyone: set[str]) -> str:
    """The child's own names in any case, and any capitalised word that is someone's name in the
    partnership, become "[name]"; long numbers become "[number]"."""

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        base, possessive = token, ""
        if token[-2:] in ("'s", "\u2019s"):
            base, possessive = token[:-2], token[-2:]
        key = name_key(base)
        if key in own or (base[:1].isupper() and key in everyone):
            return REDACTED + possessive
        return token

    return _WORD.sub(word, _LONG_NUMBER.sub("[number]", text))


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:")
    return f"{cut}…"


def age_band(born: date | None, on: date) -> str:
    if born is None:
        return "age not recorded"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age < 10:
        return "under 10"
    if age < 14:
        return "aged 10 to 13"
    if age < 16:
        return "aged 14 or 15"
    if age < 18:
        return "aged 16 or 17"
    return "18 or over"


def build_childrens_experience(user: Any, period: Period, partnership_ids: list[int]) -> dict | None:
    words = _words_in(period, partnership_ids)
    if not words:
        return None
    person_ids = {w.person_id for w in words if w.person_id}
    keys = NameKeys(partnership_ids, person_ids)
    born = dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "date_of_birth"))
    quotes = []
    for w in sorted(words, key=lambda w: w.at, reverse=True):
        own = keys.own.get(w.person_id, set()) if w.person_id else set()
        own = own | _subject_names(w.subject)
        text = shorten(redact(w.text, own=own, everyone=keys.everyone))
        band = age_band(born.get(w.person_id) if w.person_id else None, w.at)
        quotes.append({"text": text, "who": f"A child {band}, {w.source}"})
    children = len(person_ids)
    return {
        "quotes": quotes,
        "children": count_text(children, user),
        "headlines": [
            f"Children's own words quoted from {period.label}: {count_text(len(quotes), user)}, "
            "with every name removed."
        ],
    }


# Data quality --------------------------------------------------------------------------------------


def data_quality_counts(period: Period, ids: list[int]) -> dict[str, int]:
    """The raw counts behind the data-quality statement (the tests reproduce them)."""
    start, end = period.bounds()
    children = Person.objects.filter(
        partnership_id__in=ids, kind=Person.Kind.CHILD, archived_at__isnull=True, merged_into__isnull=True
    )
    nhs = Identifier.objects.filter(person=OuterRef("pk"), scheme=Identifier.Scheme.NHS)
    return {
        "children": children.count(),
        "without_nhs": children.filter(~Exists(nhs)).count(),
        "contacts_waiting": Contact.objects.filter(
            partnership_id__in=ids, person__isnull=True, match_status=Contact.Match.NEEDS_REVIEW
        ).count(),
        "episodes_unidentified": MissingEpisode.objects.filter(
            partnership_id__in=ids, person__isnull=True, reported_at__gte=start, reported_at__lt=end
        ).count(),
        "screenings_without_person": Screening.objects.filter(
            partnership_id__in=ids, person__isnull=True, completed_at__gte=start, completed_at__lt=end
        ).count(),
    }


def build_data_quality(user: Any, period: Period, partnership_ids: list[int]) -> dict:
    if not partnership_ids:
        raise SectionOmitted("This reader sees the figures of no partnership.")
    names = dict(Partnership.objects.filter(pk__in=partnership_ids).values_list("pk", "name"))
    per = {pk: data_quality_counts(period, [pk]) for pk in partnership_ids}
    total = data_quality_counts(period, partnership_ids) if len(partnership_ids) > 1 else None
    rows = [
        ("Children without an NHS number (now)", "without_nhs"),
        ("Contacts waiting to be matched to a child (now)", "contacts_waiting"),
        (
            f"Missing episodes reported in {period.label} whose child is not yet identified",
            "episodes_unidentified",
        ),
        (f"Screenings completed in {period.label} not linked to a child", "screenings_without_person"),
    ]
    columns = [names.get(pk, "") for pk in partnership_ids] + (["All areas"] if total else [])
    table = [
        {
            "label": label,
            "cells": [count_text(per[pk][key], user) for pk in partnership_ids]
            + ([count_text(total[key], user)] if total else []),
        }
        for label, key in rows
    ]
    overall = total or per[partnership_ids[0]]
    headlines, decisions = [], []
    if overall.get("without_nhs"):
        headlines.append(
            f"Children without an NHS number: {count_text(overall['without_nhs'], user)} "
            f"of {count_text(overall['children'], user)}, so their health records cannot be matched."
        )
    if overall.get("contacts_waiting"):
        decisions.append(
            f"Contacts waiting to be matched to a child: {count_text(overall['contacts_waiting'], user)}. "
            "Agree who clears them and by when."
        )
    return {"columns": columns, "rows": table, "headlines": headlines, "decisions": decisions}


# Across the areas (the pan-area pack) ----------------------------------------------------------------


def _area_counts(period: Period, ids: list[int]) -> dict[int, dict[str, int]]:
    start, end = period.bounds()
    episodes = MissingEpisode.objects.filter(
        partnership_id__in=ids, reported_at__gte=start, reported_at__lt=end
    )
    out: dict[int, dict[str, int]] = {pk: Counter() for pk in ids}
    for area, category, setting, n in (
        episodes.values_list("partnership_id", "category", "setting").annotate(n=Count("pk")).order_by()
    ):
        key = "absent" if category == MissingEpisode.Category.ABSENT else f"missing_{setting}"
        out[area][key] += n
    for area, n in (
        episodes.filter(setting=MissingEpisode.Setting.CARE, person__isnull=False)
        .values_list("partnership_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    ):
        out[area]["children_from_care"] = n
    return out


def cross_border_counts(period: Period, ids: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """Episodes reported in one area about a child whose record is held by another: (child's area,
    area reported in) -> episodes, of which from care."""
    start, end = period.bounds()
    rows = (
        MissingEpisode.objects.filter(
            partnership_id__in=ids,
            person__partnership_id__in=ids,
            reported_at__gte=start,
            reported_at__lt=end,
        )
        .exclude(person__partnership_id=F("partnership_id"))
        .values_list("person__partnership_id", "partnership_id", "setting")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out: dict[tuple[int, int], dict[str, int]] = {}
    for home, reported, setting, n in rows:
        pair = out.setdefault((home, reported), Counter())
        pair["episodes"] += n
        if setting == MissingEpisode.Setting.CARE:
            pair["from_care"] += n
    return out


def build_across_areas(user: Any, period: Period, partnership_ids: list[int]) -> dict:
    if len(partnership_ids) < 2:
        raise SectionOmitted(
            "This reader sees the figures of one partnership only, so there are no areas to compare."
        )
    names = dict(Partnership.objects.filter(pk__in=partnership_ids).values_list("pk", "name"))
    areas = _area_counts(period, partnership_ids)
    pairs = cross_border_counts(period, partnership_ids)
    area_rows = [
        [names[pk]]
        + [
            count_text(areas[pk][k], user)
            for k in ("missing_home", "missing_care", "absent", "children_from_care")
        ]
        for pk in partnership_ids
    ]
    pair_rows = [
        [names[home], names[reported], count_text(n["episodes"], user), count_text(n["from_care"], user)]
        for (home, reported), n in sorted(pairs.items(), key=lambda item: (-item[1]["episodes"], item[0]))
    ]
    into: Counter[int] = Counter()
    for (_home, reported), n in pairs.items():
        into[reported] += n["episodes"]
    shown = [(names[pk], float(into[pk])) for pk in partnership_ids if not suppressed(into[pk], user)]
    hidden = len(partnership_ids) - len(shown)
    description = "Missing episodes of children from another area, by the area they went missing in"
    chart = bar_chart(tuple(shown), description=description) if any(v for _, v in shown) else None
    total = sum(into.values())
    from_care = sum(n["from_care"] for n in pairs.values())
    return {
        "area_rows": area_rows,
        "pair_rows": pair_rows,
        "chart": chart,
        "chart_rows": [[names[pk], count_text(into[pk], user)] for pk in partnership_ids],
        "hidden": hidden,
        "headlines": [
            f"Missing episodes in {period.label} of children whose record another area holds: "
            f"{count_text(total, user)}, of which from care: {count_text(from_care, user)}."
        ],
    }


register_section(
    "across-areas",
    "Across the areas: cross-border missing and children in care",
    70,
    "oversight/_pack_across_areas.html",
    build_across_areas,
    kinds=("pan_area",),
)
register_section(
    "summary",
    "Summary and decisions needed",
    0,
    "oversight/_pack_summary.html",
    build_summary,
    collects=True,
)
register_section(
    "childrens-experience",
    "Children's experience",
    80,
    "oversight/_pack_childrens_experience.html",
    build_childrens_experience,
    omitted="No child's own words were recorded in this period in the records MACE holds.",
)
register_section(
    "data-quality",
    "Data quality",
    90,
    "oversight/_pack_data_quality.html",
    build_data_quality,
)
