"""The monthly dataset and the drivers report, reproduced from generated episodes by a second,
deliberately plain computation over the same rows."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mace.accounts.models import Role, Team
from mace.demo.generate import generate
from mace.missing import reports
from mace.missing.models import (
    MissingEpisode,
    MissingNotice,
    MorningList,
    ReturnInterview,
    StrategyRequirement,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def generated(db: Any) -> None:
    generate(children=800, seed=5)


@pytest.fixture
def analyst(generated: Any, make_user: Any) -> Any:
    team = Team.objects.get(code="eastshire-business")
    return make_user(Role.PARTNERSHIP_ANALYST, team=team, agency=team.agency)


def _month_before_last() -> date:
    today = datetime.now(LONDON).date().replace(day=1)
    return (today - timedelta(days=32)).replace(day=1)


def _bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=LONDON)
    end = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)


def test_the_monthly_dataset_is_reproduced_from_the_records(analyst: Any) -> None:
    month = _month_before_last()
    start, end = _bounds(month)
    data = reports.monthly_dataset(analyst, month)

    reported = [e for e in MissingEpisode.objects.all() if start <= e.reported_at < end]
    assert data.episodes == len(reported) > 0
    children = [e.person_id for e in reported if e.person_id]
    assert data.children == len(set(children))
    assert data.repeat_children == len({c for c in children if children.count(c) > 1})
    assert data.by_risk == {
        "Low": sum(e.risk == 1 for e in reported),
        "Medium": sum(e.risk == 2 for e in reported),
        "High": sum(e.risk == 3 for e in reported),
    }
    durations = [(e.returned_at - e.last_seen_at).total_seconds() / 3600 for e in reported if e.returned_at]
    assert data.returned == len(durations)
    assert data.median_hours == round(statistics.median(durations), 1)
    assert data.durations["Over 72 hours"] == sum(h >= 72 for h in durations)

    returns = [e for e in MissingEpisode.objects.all() if e.returned_at and start <= e.returned_at < end]
    interviews = [i for i in ReturnInterview.objects.all() if i.episode in returns]
    offered = sum(
        1 for i in interviews if i.offered_at and i.offered_at <= i.episode.returned_at + timedelta(hours=72)
    )
    completed = sum(1 for i in interviews if i.completed_at)
    assert (data.rhi_offered_72h.met, data.rhi_offered_72h.total) == (offered, len(interviews))
    assert data.rhi_completed.met == completed

    over_48 = [
        e
        for e in MissingEpisode.objects.all()
        if start <= e.last_seen_at + timedelta(hours=48) < end
        and (e.returned_at is None or e.returned_at > e.last_seen_at + timedelta(hours=48))
    ]
    held = [
        e for e in over_48 if StrategyRequirement.objects.filter(episode=e, held_at__isnull=False).exists()
    ]
    assert (data.strategy_held.met, data.strategy_held.total) == (len(held), len(over_48))

    notified = [e for e in reported if MissingNotice.objects.filter(episode=e, kind="reported").exists()]
    assert (data.reports_notified.met, data.reports_notified.total) == (len(notified), len(reported))
    late = [
        e
        for e in notified
        if MissingNotice.objects.get(episode=e, kind="reported").sent_at - e.reported_at > timedelta(hours=24)
    ]
    unreturned = [e for e in returns if not MissingNotice.objects.filter(episode=e, kind="returned").exists()]
    not_held = len(over_48) - len(held)
    off_list = 0
    for share in MorningList.objects.filter(shared_at__gte=start, shared_at__lt=end):
        for e in MissingEpisode.objects.filter(reported_at__lte=share.shared_at):
            if (e.returned_at is None or e.returned_at > share.shared_at) and e.pk not in share.episode_ids:
                off_list += 1
    expected = (len(reported) - len(notified)) + len(late) + len(unreturned) + not_held + off_list
    assert len(data.mismatches) == expected
    assert expected > 0  # the generated year carries the interim process's gaps


def test_the_dataset_shows_the_text_inspectors_read(analyst: Any) -> None:
    data = reports.monthly_dataset(analyst, _month_before_last())
    rate = data.rhi_offered_72h
    assert rate.text == f"{rate.met:,} of {rate.total:,} ({100 * rate.met / rate.total:.0f}%)"


def test_the_drivers_report_periods_add_up_to_the_episodes(analyst: Any) -> None:
    month = _month_before_last()
    report = reports.drivers_report(analyst, last_month=month)
    start, _ = _bounds(reports._add_months(month, -11))
    _, end = _bounds(month)
    assert (
        sum(p.episodes for p in report.periods)
        == MissingEpisode.objects.filter(last_seen_at__gte=start, last_seen_at__lt=end).count()
    )
    assert report.findings


def test_children_who_go_missing_together_are_found(analyst: Any) -> None:
    today = datetime.now(LONDON).date()
    patterns = reports.patterns(analyst, since=today - timedelta(days=364), until=today)
    assert patterns.groups, "the generator makes groups who go missing together"
    assert not patterns.names  # an analyst sees no names
    assert all(g.place.startswith("The same place") for g in patterns.groups)  # nor the free text


def test_a_reader_of_the_morning_list_sees_where_children_are_found(generated: Any, make_user: Any) -> None:
    team = Team.objects.get(code="eastshire-ifd")
    worker = make_user(Role.FRONT_DOOR_WORKER, team=team, agency=team.agency)
    today = datetime.now(LONDON).date()
    patterns = reports.patterns(worker, since=today - timedelta(days=364), until=today)
    assert any(r.episodes > 1 for r in patterns.places)
