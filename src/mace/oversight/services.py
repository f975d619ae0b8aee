"""Oversight's writes: the scorecard definition's versions, the nightly recomputation of its figures, and
the commentary a measure's owner writes on a red measure. Each validates, audits and writes in one
transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mace.accounts.models import Partnership, User
from mace.core import audit, locks
from mace.core.access import capabilities
from mace.core.models import AccessLogEntry
from mace.core.versioning import require_version, save_next_version

from . import measures, scorecard
from .models import Commentary, MeasureSet
from .periods import Period, add_months, latest_complete

SYSTEM = audit.Actor.system("oversight")
DEMO_MONTHS = 13  # the demo keeps a year of trend; the worker keeps 25 months


def measureset_sync_shipped() -> MeasureSet | None:
    """Put the shipped definition in the database if no version as new is there. Runs after migrate."""
    raw = measures.shipped()
    parsed = measures.parse(raw)
    with transaction.atomic():
        locks.hold("oversight:measureset")
        newest = MeasureSet.objects.filter(code=parsed.code).aggregate(n=Max("version"))["n"] or 0
        if newest >= parsed.version:
            return None
        now = timezone.now()
        MeasureSet.objects.filter(code=parsed.code, status=MeasureSet.Status.ACTIVE).update(
            status=MeasureSet.Status.RETIRED, retired_at=now
        )
        return MeasureSet.objects.create(
            code=parsed.code,
            version=parsed.version,
            title=parsed.title,
            definition=raw,
            origin=MeasureSet.Origin.SHIPPED,
            published_by_label=SYSTEM.label,
            published_at=now,
        )


def measureset_publish(*, definition: str | dict[str, Any], change_note: str, by: User) -> MeasureSet:
    """An administrator publishes a new version of the scorecard's definition (a measure added, a
    target changed). Refused, with every problem listed, unless it parses."""
    if not capabilities(by).manage_tools:
        raise PermissionError("Only an administrator can publish the scorecard's measures.")
    actor = audit.Actor.of(by)
    errors: dict[str, list[str]] = {}
    data: Any = definition
    if isinstance(definition, str):
        try:
            data = json.loads(definition)
        except json.JSONDecodeError as exc:
            errors["definition"] = [f"The definition is not valid JSON: {exc.msg} (line {exc.lineno})"]
    if not change_note.strip():
        errors["change_note"] = ["Say what changed and why"]
    if "definition" not in errors:
        try:
            parsed = measures.parse(data)
        except measures.DefinitionError as exc:
            errors["definition"] = exc.problems
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        locks.hold("oversight:measureset")
        newest = MeasureSet.objects.filter(code=parsed.code).aggregate(n=Max("version"))["n"] or 0
        MeasureSet.objects.filter(code=parsed.code, status=MeasureSet.Status.ACTIVE).update(
            status=MeasureSet.Status.RETIRED, retired_at=now
        )
        published = MeasureSet.objects.create(
            code=parsed.code,
            version=newest + 1,
            title=parsed.title,
            definition={**data, "version": newest + 1},
            origin=MeasureSet.Origin.PUBLISHED,
            change_note=change_note.strip(),
            published_by_label=actor.label,
            published_at=now,
        )
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.ADMIN,
                "measure_set",
                str(published.pk),
                detail={"code": published.code, "version": published.version},
            ),
        )
    return published


# Recomputing the figures ---------------------------------------------------------------------------------


def periods_to_keep(today: Any = None, *, months: int = 25) -> list[Period]:
    """What the scorecard shows: the last `months` months, the quarters and the rolling years over them."""
    last = latest_complete("month", today=today)
    out: list[Period] = []
    for back in range(months):
        month = add_months(last.start, -back)
        out.append(Period.ending("month", month))
        out.append(Period.ending("year", month))
        if month.month % 3 == 0:
            out.append(Period.ending("quarter", month))
    return out


def recompute(
    *, now: datetime | None = None, months: int = 25, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Count every measure of the active definition from the records, for every partnership and every
    period the scorecard shows, and keep the figures (the worker does this nightly)."""
    now = now or timezone.now()
    measure_set = scorecard.active_set()
    periods = periods_to_keep(timezone.localdate(now), months=months)
    partnerships = list(Partnership.objects.values_list("pk", flat=True))
    total, done, figures = len(periods) * len(partnerships), 0, 0
    by_key = {p.key: p for p in periods}

    def counted() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    for pid in partnerships:
        computed_all = scorecard.compute_periods(measure_set, pid, periods, now=now, on_period=counted)
        for key, computed in computed_all.items():
            scorecard.store_figures(measure_set, pid, by_key[key], computed, now)
            figures += len(computed)
    audit.record(
        SYSTEM,
        audit.Event(
            AccessLogEntry.Action.ADMIN,
            "measure_figures",
            str(measure_set.pk),
            detail={"periods": len(periods), "partnerships": len(partnerships), "figures": figures},
        ),
    )
    return {"partnerships": len(partnerships), "periods": len(periods), "figures": figures}


def recompute_nightly(now: datetime) -> int:
    """The worker's job: once a day (the first tick after midnight), recompute every kept figure."""
    from .models import MeasureFigure

    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    latest = MeasureFigure.objects.aggregate(at=Max("computed_at"))["at"]
    if latest is not None and latest >= today_start:
        return 0
    return recompute(now=now)["figures"]


# Commentary on red measures --------------------------------------------------------------------------------


def commentary_save(
    *,
    measure_code: str,
    period: Period,
    partnership_id: int | None,
    text: str,
    actions: str = "",
    version: int | None,
    by: User,
) -> Commentary:
    """The measure's owner says why a red measure is red and what is being done; kept with the period.
    Refused for a measure that is not red, and for readers who may only read (executive, scrutineer)."""
    if not capabilities(by).write_commentary:
        raise PermissionError("Only a measure's owner or the partnership's analyst can write commentary.")
    actor = audit.Actor.of(by)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["Say why the measure is red and what it means for children"]
    card = scorecard.build(by, period, partnership_id, codes=[measure_code])
    if not card.rows:
        errors["measure"] = [f"There is no measure '{measure_code}'"]
    elif not card.rows[0].red:
        errors["measure"] = [
            f"{card.rows[0].measure.title} is not red for {period.label}: commentary is for red measures"
        ]
    if errors:
        raise ValidationError(errors)
    measure_set = card.measure_set
    now = timezone.now()
    with transaction.atomic():
        locks.hold(f"oversight:commentary:{measure_code}:{period.key}:{partnership_id}")
        existing = (
            Commentary.objects.select_for_update()
            .filter(
                measure_set=measure_set,
                measure=measure_code,
                period=period.key,
            )
            .filter(scorecard.partnership_filter(partnership_id))
            .first()
        )
        attempted = {"text": text.strip(), "actions": actions.strip()}
        if existing is None:  # the first commentary: the form was opened when there was none (version 0)
            comment = Commentary.objects.create(
                measure_set=measure_set,
                measure=measure_code,
                period=period.key,
                partnership_id=partnership_id,
                text=attempted["text"],
                actions=attempted["actions"],
                written_by=by,
                written_by_label=actor.label,
                written_at=now,
            )
            old: dict[str, str] = {}
        else:
            require_version(existing, version, attempted)
            old = {"text": existing.text, "actions": existing.actions}
            existing.text, existing.actions = attempted["text"], attempted["actions"]
            existing.written_by, existing.written_by_label, existing.written_at = by, actor.label, now
            save_next_version(existing, ["text", "actions", "written_by", "written_by_label", "written_at"])
            comment = existing
        audit.record(
            actor,
            audit.Event(
                AccessLogEntry.Action.UPDATE if old else AccessLogEntry.Action.CREATE,
                "commentary",
                str(comment.pk),
                detail={"measure": measure_code, "period": period.key, "old": old, "new": attempted},
            ),
        )
    return comment
