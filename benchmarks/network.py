"""The network at scale: 100,000 children, 20,000 adults, 500,000 associations.

Usage:  .venv/bin/python benchmarks/network.py [--children 100000] [--adults 20000] [--links 500000]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/mace_bench_network \
            .venv/bin/python benchmarks/network.py

Builds a fresh database with the demo organisation (a small generator run for its accounts), then adds in
bulk (bulk_create, not the services) the children, the adults with places and vehicles (a tenth of the
adults each), and the links: children in clusters of about 20 around 4 adults, a place and a vehicle, plus
one link in ten to anyone, so the graph has real groups and real noise. Then times, through Django as the
demo police officer: an adult's network page (`/network/subjects/<id>/`, its links, table, chart data and
logged view) and a child's (`/network/children/<id>/`), 200 of each, p50 and p95; and the community
refresh (`communities.refresh`: read the links, Leiden, write the proposed groups). Targets: page p95
under 300 ms, refresh under 60 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, fresh_database, percentile, setup_django

configure()


def build(children: int, adults: int, links: int, rng: random.Random) -> dict[str, int]:
    from datetime import timedelta

    from django.utils import timezone

    from mace.accounts.models import Partnership
    from mace.demo.generate import generate
    from mace.demo.organisation import MAIN
    from mace.network.models import Association, Subject
    from mace.people.keys import name_key
    from mace.people.models import Person

    generate(children=200, seed=1)
    partnership = Partnership.objects.get(code=MAIN)
    now = timezone.now()
    start = time.perf_counter()
    have = Person.objects.filter(partnership=partnership, kind="child").count()
    batch = []
    for i in range(max(0, children - have)):
        g, f = f"Bench{i}", f"Child{i % 997}"
        batch.append(
            Person(
                partnership=partnership,
                kind="child",
                given_names=g,
                family_name=f,
                family_key=name_key(f),
                given_key=name_key(g),
            )
        )
    Person.objects.bulk_create(batch, batch_size=5000)
    kids = list(Person.objects.filter(partnership=partnership, kind="child").values_list("pk", flat=True))
    common = {
        "partnership": partnership,
        "source": "Benchmark",
        "source_reliability": "B",
        "information_assessment": 2,
        "recorded_by_label": "system:benchmark",
        "recorded_at": now,
    }
    subjects = [
        Subject(
            kind="adult",
            name=f"Adult {i}",
            name_key=f"adult {i}",
            handling_code=rng.choice([1, 1, 2, 4]),
            **common,
        )
        for i in range(adults)
    ]
    subjects += [
        Subject(
            kind="place",
            place_kind="address",
            name=f"Flat {i}",
            name_key=f"flat {i}",
            handling_code=2,
            **common,
        )
        for i in range(adults // 10)
    ]
    subjects += [
        Subject(
            kind="vehicle",
            name=f"AB{i % 100:02d} XYZ",
            name_key=f"ab{i % 100:02d}xyz",
            handling_code=1,
            **common,
        )
        for i in range(adults // 10)
    ]
    Subject.objects.bulk_create(subjects, batch_size=5000)
    adult_ids = list(
        Subject.objects.filter(partnership=partnership, kind="adult").values_list("pk", flat=True)
    )
    place_ids = list(
        Subject.objects.filter(partnership=partnership, kind="place").values_list("pk", flat=True)
    )
    vehicle_ids = list(
        Subject.objects.filter(partnership=partnership, kind="vehicle").values_list("pk", flat=True)
    )
    rng.shuffle(kids)
    clusters = max(1, len(kids) // 20)
    made = 0
    today = now.date()
    kinds = ["seen_with", "found_at", "linked_to_place", "missing_from"]
    rows: list[Association] = []

    def link(**kw: object) -> None:
        nonlocal made
        day = today - timedelta(days=rng.randint(0, 700))
        rows.append(
            Association(
                partnership=partnership,
                starts=day,
                ends=day + timedelta(days=rng.randint(0, 60)),
                source_kind="missing",
                confidence="medium",
                recorded_by_label="system:benchmark",
                recorded_at=now,
                **kw,
            )
        )
        made += 1
        if len(rows) >= 10000:
            Association.objects.bulk_create(rows, batch_size=10000)
            rows.clear()

    while made < links:
        for c in range(clusters):
            if made >= links:
                break
            members = kids[c * 20 : (c + 1) * 20]
            around = [adult_ids[(c * 4 + j) % len(adult_ids)] for j in range(4)]
            place, car = place_ids[c % len(place_ids)], vehicle_ids[c % len(vehicle_ids)]
            for child in members:
                if made >= links:
                    break
                if rng.random() < 0.1:
                    link(kind="seen_with", person_id=child, subject_id=rng.choice(adult_ids))
                else:
                    target = rng.choice([*around, place])
                    link(
                        kind=rng.choice(kinds) if target == place else "seen_with",
                        person_id=child,
                        subject_id=target,
                    )
            link(kind="uses_vehicle", from_subject_id=around[0], subject_id=car)
    Association.objects.bulk_create(rows, batch_size=10000)
    return {
        "children": len(kids),
        "subjects": len(subjects),
        "links": Association.objects.count(),
        "build_s": round(time.perf_counter() - start),
    }


def time_pages(paths: list[str], user: object) -> list[float]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.get(paths[0])  # warm up
    out = []
    for p in paths:
        t = time.perf_counter()
        r = client.get(p)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (p, r.status_code)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--adults", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=500_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="Time the database an earlier run built")
    args = parser.parse_args()
    rng = random.Random(13)
    if args.reuse:
        setup_django()
    else:
        fresh_database()
        setup_django()
        built = build(args.children, args.adults, args.links, rng)
        print(f"built: {built}")

    from mace.accounts.models import User
    from mace.network import communities
    from mace.network.models import Association

    officer = User.objects.get(username="police")
    adults = list(
        Association.objects.filter(subject__kind="adult", subject__handling_code__in=[1, 2, 4])
        .values_list("subject_id", flat=True)
        .distinct()[:5000]
    )
    kids = list(
        Association.objects.filter(
            person__isnull=False, person__archived_at__isnull=True, person__restricted=False
        )
        .values_list("person_id", flat=True)
        .distinct()[:5000]
    )
    subject_ms = time_pages(
        [f"/network/subjects/{s}/" for s in rng.sample(adults, min(args.samples, len(adults)))], officer
    )
    child_ms = time_pages(
        [f"/network/children/{c}/" for c in rng.sample(kids, min(args.samples, len(kids)))], officer
    )
    t = time.perf_counter()
    result = communities.refresh()
    refresh_s = time.perf_counter() - t
    print(
        f"adult's network page: p50 {statistics.median(subject_ms):.0f} ms, "
        f"p95 {percentile(subject_ms, 95):.0f} ms (target < 300)"
    )
    print(
        f"child's network page: p50 {statistics.median(child_ms):.0f} ms, "
        f"p95 {percentile(child_ms, 95):.0f} ms (target < 300)"
    )
    print(
        f"community refresh: {refresh_s:.1f} s for {result.edges:,} links, "
        f"{result.proposed:,} groups proposed (target < 60)"
    )
    from mace.network.models import Subject

    group = Subject.objects.filter(kind="group", inferred=True, archived_at__isnull=True).first()
    if group is not None:
        group_ms = time_pages([f"/network/subjects/{group.pk}/"] * 20, officer)
        print(
            f"a group's page: p50 {statistics.median(group_ms):.0f} ms, p95 {percentile(group_ms, 95):.0f} ms"
        )


if __name__ == "__main__":
    main()
