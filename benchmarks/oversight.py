"""The scorecard at scale: 100,000 children, 1,000,000 contacts, 200,000 missing episodes.

Usage:  .venv/bin/python benchmarks/oversight.py [--children 100000] [--contacts 1000000] [--episodes 200000]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/mace_bench .venv/bin/python benchmarks/oversight.py

Builds a fresh synthetic partnership with the demo generator, pads the contacts (copies of generated ones
spread over two years across the children) and the missing episodes (as benchmarks/missing.py does) to
the named totals, then times:
- the worker's nightly recompute of every kept figure (25 months of months, quarters and rolling years);
- the scorecard page for the executive (figures kept: what a leader meets), p50 and p95;
- a measure's page with its trend chart and the children behind it (the analyst);
- the board pack PDF, when the pack is built (oversight.pack).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    configure,
    db_datetime,
    fresh_database,
    insert_rows,
    percentile,
    prepared,
    setup_django,
)

configure()


def pad_contacts(total: int, rng: random.Random) -> int:
    """Copy generated contacts across two years until there are `total` of them."""
    from django.utils import timezone

    from mace.core import clocks
    from mace.frontdoor.models import Contact
    from mace.people.models import Person

    now = timezone.now()
    existing = Contact.objects.count()
    template = list(Contact.objects.order_by("pk")[:5000])
    partnership_id = template[0].partnership_id
    children = list(
        Person.objects.filter(partnership_id=partnership_id, kind="child").values_list("pk", flat=True)
    )
    fields = [f for f in Contact._meta.concrete_fields if f.attname != "id"]
    at = {f.attname: i for i, f in enumerate(fields)}
    rows = []
    for t in template:
        row = prepared(t, fields)
        row[at["version"]] = Contact._meta.get_field("version").get_default()
        row[at["external_ref"]] = ""
        rows.append(row)
    made = 0
    started = time.perf_counter()
    while existing + made < total:
        batch: list[list[object]] = []
        for t, row in zip(template, rows, strict=True):
            if existing + made + len(batch) >= total:
                break
            c = list(row)
            received = now - timedelta(days=rng.uniform(1, 730))
            c[at["person_id"]] = rng.choice(children)
            c[at["received_at"]] = db_datetime(received)
            c[at["review_due_at"]] = db_datetime(clocks.review_due(received))
            c[at["decision_due_at"]] = db_datetime(clocks.decision_due(received))
            if t.approved_at:
                c[at["approved_at"]] = db_datetime(received + (t.approved_at - t.received_at))
            if t.decided_at:
                c[at["decided_at"]] = db_datetime(received + (t.decided_at - t.received_at))
            batch.append(c)
        insert_rows(Contact, [f.column for f in fields], batch)
        made += len(batch)
        if made % 50_000 < len(batch):
            print(f"  {existing + made:,} contacts ({time.perf_counter() - started:.0f} s)", flush=True)
    return made


def bench_recompute() -> None:
    from mace.oversight import services

    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 10 == 0 or done == total:
            print(f"  {done}/{total} periods ({time.perf_counter() - started:.0f} s)", flush=True)

    result = services.recompute(progress=progress)
    seconds = time.perf_counter() - started
    print(
        f"nightly recompute: {result['figures']:,} figures ({result['periods']} periods x "
        f"{result['partnerships']} partnerships) in {seconds:.0f} s"
    )


def bench_page(username: str, path: str, samples: int, label: str) -> None:
    from django.test import Client

    from mace.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get(path)  # the first reading draws the charts once; they are cached after
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    print(
        f"{label}: p50 {statistics.median(times):.0f} ms, p95 {percentile(times, 95):.0f} ms "
        f"over {samples} requests"
    )


def bench_pack(runs: int = 2) -> None:
    """The board pack as the executive's button makes it (build, then the PDF), first and again."""
    from django.test import Client

    from mace.accounts.models import User
    from mace.oversight import pack
    from mace.oversight.periods import latest_complete

    user = User.objects.get(username="executive")
    period = latest_complete("quarter")
    started = time.perf_counter()
    built = pack.build_pack(user, period, kind="board")
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    pdf = pack.render_pdf(built)
    render_s = time.perf_counter() - started
    print(
        f"board pack ({period.label}): built in {build_s:.1f} s, PDF drawn in {render_s:.1f} s "
        f"({len(pdf.content) / 1024:.0f} KB, {pdf.pages} pages)"
    )
    client = Client()
    client.force_login(user)
    for run in range(runs):
        started = time.perf_counter()
        response = client.get(f"/oversight/board-pack/?period={period.key}&kind=board&format=pdf")
        seconds = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/pdf"
        print(f"board pack download (the button), run {run + 1}: {seconds:.1f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--episodes", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="measure the dataset a previous run left")
    parser.add_argument("--no-recompute", action="store_true", help="with --reuse: read the figures kept")
    args = parser.parse_args()
    if not args.reuse:
        fresh_database()
    setup_django()
    from django.db import connection

    from mace.frontdoor.models import Contact
    from mace.missing.models import MissingEpisode

    if not args.reuse:
        from mace.demo.generate import generate
        from missing import pad_episodes

        started = time.perf_counter()
        generate(children=args.children, seed=1)
        print(f"generated {args.children:,} children in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        made = pad_contacts(args.contacts, random.Random(5))
        print(f"padded with {made:,} contacts in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        made = pad_episodes(args.episodes, 150, random.Random(3))
        print(f"padded with {made:,} episodes in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{Contact.objects.count():,} contacts, {MissingEpisode.objects.count():,} episodes on "
        f"{connection.vendor}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    if not args.no_recompute:
        bench_recompute()
    bench_page("executive", "/oversight/scorecard/", args.samples, "scorecard page (executive)")
    bench_page("executive", "/oversight/", args.samples, "landing page (executive)")
    bench_page(
        "analyst",
        "/oversight/measures/fd_reviewed_24h/",
        max(5, args.samples // 4),
        "a measure's page (analyst)",
    )
    bench_pack()
    return 0


if __name__ == "__main__":
    sys.exit(main())
