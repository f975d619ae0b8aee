"""Missing figures: the morning list and the monthly missing and CSE dataset with 200,000 episodes.

Usage:  .venv/bin/python benchmarks/missing.py [--children 10000] [--episodes 200000]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/mace_bench .venv/bin/python benchmarks/missing.py

Builds a fresh synthetic partnership (the generator's children, contacts and a year of missing
episodes), then pads the history to the named number of episodes: copies of the generated returned
episodes spread over the last two years across the partnership's children, each with its notices to
children's social care and its return home interview, plus children missing right now. Then times,
through Django as the demo users: the morning list page (`/missing/`, the front door worker, every
child missing now listed and each one logged) and the monthly dataset for last month (the analyst),
both as the page and as the report function alone; and the 12-month workload and trigger plan
scrutiny (`/missing/workload/`).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    configure,
    db_datetime,
    fresh_database,
    insert_rows,
    next_id,
    percentile,
    prepared,
    reset_sequence,
    setup_django,
)

configure()


def pad_episodes(total: int, open_now: int, rng: random.Random) -> int:
    """Copy generated episodes across two years of history until there are `total` of them."""
    from django.utils import timezone

    from mace.core import clocks
    from mace.missing.models import MissingEpisode, MissingNotice, ReturnInterview
    from mace.people.models import Person

    now = timezone.now()
    existing = MissingEpisode.objects.count()
    template = list(MissingEpisode.objects.filter(status="returned").order_by("pk")[:5000])
    partnership_id = template[0].partnership_id
    children = list(
        Person.objects.filter(partnership_id=partnership_id, kind="child").values_list("pk", flat=True)
    )
    fields = list(MissingEpisode._meta.concrete_fields)
    at = {f.attname: i for i, f in enumerate(fields)}
    rows = [prepared(t, fields) for t in template]
    notice_fields = [f for f in MissingNotice._meta.concrete_fields if f.attname != "id"]
    interview_fields = [f for f in ReturnInterview._meta.concrete_fields if f.attname != "id"]
    pk = next_id(MissingEpisode)
    made = 0
    started = time.perf_counter()
    while existing + made < total:
        batch: list[list[object]] = []
        notices: list[MissingNotice] = []
        interviews: list[ReturnInterview] = []
        for t, row in zip(template, rows, strict=True):
            if existing + made + len(batch) >= total:
                break
            e = list(row)
            remaining = total - existing - made - len(batch)
            seen = now - timedelta(days=rng.uniform(0.5, 730))
            length = (t.returned_at or now) - t.last_seen_at
            reported = seen + (t.reported_at - t.last_seen_at)
            returned: datetime | None = None
            e[at["id"]] = pk
            e[at["person_id"]] = rng.choice(children)
            e[at["police_ref"]] = f"PAD/{existing + made + len(batch):08d}"
            e[at["strategy_due_at"]] = db_datetime(clocks.strategy_meeting_due(seen))
            if remaining <= open_now:
                seen = now - timedelta(hours=rng.uniform(1, 90))
                reported = seen + timedelta(hours=1)
                e[at["status"]], e[at["returned_at"]] = "missing", None
                e[at["found_place"]], e[at["found_place_key"]] = "", ""
                e[at["strategy_due_at"]] = db_datetime(clocks.strategy_meeting_due(seen))
            else:
                returned = min(seen + length, now - timedelta(minutes=5))
                e[at["returned_at"]] = e[at["return_recorded_at"]] = db_datetime(returned)
            e[at["last_seen_at"]] = db_datetime(seen)
            e[at["reported_at"]] = db_datetime(reported)
            batch.append(e)
            if rng.random() > 0.04:
                notices.append(MissingNotice(episode_id=pk, kind="reported", sent_at=reported, recipients=5))
            if returned is not None:
                notices.append(MissingNotice(episode_id=pk, kind="returned", sent_at=returned, recipients=5))
                offered = returned + timedelta(hours=rng.uniform(2, 90))
                interviews.append(
                    ReturnInterview(
                        episode_id=pk,
                        partnership_id=t.partnership_id,
                        created_at=returned,
                        offer_due_at=clocks.rhi_offer_due(returned),
                        offered_at=offered if offered < now else None,
                        response="accepted" if offered < now else "pending",
                        completed_at=offered + timedelta(hours=24)
                        if offered + timedelta(hours=24) < now
                        else None,
                        push_factors=["conflict_home"],
                        pull_factors=["friends"],
                    )
                )
            pk += 1
        insert_rows(MissingEpisode, [f.column for f in fields], batch)
        insert_rows(
            MissingNotice, [f.column for f in notice_fields], [prepared(n, notice_fields) for n in notices]
        )
        insert_rows(
            ReturnInterview,
            [f.column for f in interview_fields],
            [prepared(i, interview_fields) for i in interviews],
        )
        made += len(batch)
        print(f"  {existing + made:,} episodes ({time.perf_counter() - started:.0f} s)", flush=True)
    reset_sequence(MissingEpisode)
    return made


def bench_morning_list(samples: int) -> None:
    from django.test import Client

    from mace.accounts.models import User
    from mace.missing.models import MissingEpisode

    client = Client()
    client.force_login(User.objects.get(username="frontdoor"))
    client.get("/missing/")
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get("/missing/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    listed = MissingEpisode.objects.filter(status="missing").count()
    print(
        f"morning list page ({listed} children missing now, each logged): "
        f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms over {samples} requests"
    )


def bench_monthly(samples: int) -> None:
    from django.test import Client

    from mace.accounts.models import User
    from mace.missing import reports

    today = date.today().replace(day=1)
    month = (today - timedelta(days=1)).replace(day=1)
    analyst = User.objects.get(username="analyst")
    times, page = [], []
    data = None
    for _ in range(samples):
        started = time.perf_counter()
        data = reports.monthly_dataset(analyst, month)
        times.append(time.perf_counter() - started)
    client = Client()
    client.force_login(analyst)
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(f"/missing/reports/monthly/?month={month:%Y-%m}")
        page.append(time.perf_counter() - started)
        assert response.status_code == 200
    assert data is not None
    print(
        f"monthly dataset for {month:%B %Y} "
        f"({data.episodes:,} episodes, {len(data.mismatches):,} mismatches): "
        f"report {statistics.median(times):.2f} s median, {max(times):.2f} s worst; "
        f"page {statistics.median(page):.2f} s median, {max(page):.2f} s worst over {samples} runs"
    )


def bench_workload(samples: int) -> None:
    """The monthly missing from home workload and trigger plan scrutiny (5.4g): 12 months at once."""
    from django.test import Client

    from mace.accounts.models import User
    from mace.missing import reports

    analyst = User.objects.get(username="analyst")
    month = date.today().replace(day=1)
    times, page = [], []
    data = None
    for _ in range(samples):
        started = time.perf_counter()
        data = reports.workload(analyst, last_month=month)
        times.append(time.perf_counter() - started)
    client = Client()
    client.force_login(analyst)
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get("/missing/workload/")
        page.append(time.perf_counter() - started)
        assert response.status_code == 200
    assert data is not None
    print(
        f"workload, 12 months ({sum(m.episodes for m in data.months):,} episodes, "
        f"{data.live_plans:,} trigger plans): report {statistics.median(times):.2f} s median, "
        f"{max(times):.2f} s worst; page {statistics.median(page):.2f} s median, {max(page):.2f} s worst "
        f"over {samples} runs"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--episodes", type=int, default=200_000)
    parser.add_argument("--open-now", type=int, default=150, help="children missing right now")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="measure the dataset a previous run left")
    args = parser.parse_args()
    if not args.reuse:
        fresh_database()
    setup_django()
    from django.db import connection

    from mace.demo.generate import generate
    from mace.missing.models import MissingEpisode

    if not args.reuse:
        started = time.perf_counter()
        generate(children=args.children, seed=1)
        print(f"generated {args.children:,} children in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        made = pad_episodes(args.episodes, args.open_now, random.Random(3))
        print(f"padded the history with {made:,} episodes in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = MissingEpisode.objects.count()
    print(f"{total:,} episodes on {connection.vendor}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    bench_morning_list(args.samples)
    bench_monthly(max(3, args.samples // 40))
    bench_workload(max(3, args.samples // 40))
    return 0


if __name__ == "__main__":
    sys.exit(main())
