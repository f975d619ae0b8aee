"""Groups in the association graph: igraph's Leiden algorithm (modularity, a fixed seed, so the same graph
gives the same groups), over children and subjects joined by their live links.

A community of at least two children and three members in all becomes a *proposed* group (a Subject of kind
group, `inferred`), shown to the MACE panel, which may adopt it (`services.group_adopt`). Each refresh
replaces the proposed groups; an adopted group is kept as it is, and a community that is mostly an adopted
group (Jaccard similarity 0.8 or more) is not proposed again."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import igraph as ig
from django.db import transaction
from django.utils import timezone

from mace.accounts.models import Partnership
from mace.core import audit
from mace.core.models import AccessLogEntry

from .models import Association, GroupMember, Handling, Reliability, Subject

SEED = 20261203
MIN_CHILDREN = 2
MIN_MEMBERS = 3
SAME_GROUP = 0.8


def detect(edges: list[tuple[str, str]], *, seed: int = SEED, resolution: float = 1.0) -> list[set[str]]:
    """Communities of the graph given by its edges (node keys), largest first. Pure: no database."""
    if not edges:
        return []
    names: dict[str, int] = {}
    pairs = []
    for a, b in edges:
        pairs.append((names.setdefault(a, len(names)), names.setdefault(b, len(names))))
    graph = ig.Graph(n=len(names), edges=pairs)
    graph.simplify(multiple=True, loops=True, combine_edges="sum")
    random.seed(seed)  # igraph draws from Python's random module
    ig.set_random_number_generator(random)
    parts = graph.community_leiden(objective_function="modularity", resolution=resolution, n_iterations=-1)
    keys = list(names)
    groups = [{keys[i] for i in members} for members in parts]
    return sorted(groups, key=lambda g: (-len(g), sorted(g)))


def _edges(partnership_id: int) -> list[tuple[str, str]]:
    out = []
    rows = (
        Association.objects.filter(partnership_id=partnership_id, archived_at__isnull=True)
        .exclude(kind="member_of")
        .values_list("person_id", "from_subject_id", "subject_id", "other_person_id")
        .iterator(chunk_size=20000)
    )
    for person, from_subject, subject, other in rows:
        left = f"p{person}" if person else f"s{from_subject}"
        right = f"s{subject}" if subject else f"p{other}"
        out.append((left, right))
    return out


@dataclass
class Refresh:
    partnerships: int = 0
    nodes: int = 0
    edges: int = 0
    proposed: int = 0
    kept: int = 0


def _group_name(n: int, keys: set[str]) -> str:
    children = sum(k.startswith("p") for k in keys)
    return f"Proposed group {n}: {children} children and {len(keys) - children} others"


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def refresh(*, progress: Callable[[int, int], None] | None = None, now: datetime | None = None) -> Refresh:
    now = now or timezone.now()
    result = Refresh()
    pks = list(Partnership.objects.values_list("pk", flat=True))
    for i, pk in enumerate(pks):
        edges = _edges(pk)
        result.partnerships += 1
        result.edges += len(edges)
        groups = detect(edges)
        result.nodes += sum(len(g) for g in groups)
        adopted = [
            {f"p{m.person_id}" if m.person_id else f"s{m.subject_id}" for m in g.members.all()}
            for g in Subject.objects.filter(
                partnership_id=pk, kind=Subject.Kind.GROUP, inferred=True, adopted_at__isnull=False
            ).prefetch_related("members")
        ]
        result.kept += len(adopted)
        wanted = [
            g
            for g in groups
            if sum(k.startswith("p") for k in g) >= MIN_CHILDREN
            and len(g) >= MIN_MEMBERS
            and not any(_jaccard(g, a) >= SAME_GROUP for a in adopted)
        ]
        with transaction.atomic():
            stale = Subject.objects.filter(
                partnership_id=pk,
                kind=Subject.Kind.GROUP,
                inferred=True,
                adopted_at__isnull=True,
                archived_at__isnull=True,
            )
            GroupMember.objects.filter(group__in=stale).delete()
            stale.update(archived_at=now)
            made = Subject.objects.bulk_create(
                [
                    Subject(
                        partnership_id=pk,
                        kind=Subject.Kind.GROUP,
                        name=_group_name(n, g),
                        name_key=f"proposed group {n}",
                        inferred=True,
                        description="Found in the links between children, adults, places and vehicles.",
                        source="Community detection (Leiden) over confirmed links",
                        source_reliability=Reliability.E,
                        information_assessment=4,
                        handling_code=Handling.PARTNERS,
                        recorded_by_label="system:network groups",
                        recorded_at=now,
                    )
                    for n, g in enumerate(wanted, start=1)
                ]
            )
            members = []
            for group, keys in zip(made, wanted, strict=True):
                for k in keys:
                    if k.startswith("p"):
                        members.append(GroupMember(group=group, person_id=int(k[1:])))
                    else:
                        members.append(GroupMember(group=group, subject_id=int(k[1:])))
            GroupMember.objects.bulk_create(members, batch_size=5000)
            audit.record(
                audit.Actor.system("network groups"),
                audit.Event(
                    AccessLogEntry.Action.CREATE, "network_groups", str(pk), detail={"proposed": len(made)}
                ),
            )
        result.proposed += len(made)
        if progress:
            progress(i + 1, len(pks))
    return result


def refresh_job(now: datetime) -> int:
    """The worker refreshes the groups nightly (after 2am, once a day)."""
    local = timezone.localtime(now)
    if local.hour != 2:
        return 0
    last = (
        Subject.objects.filter(kind=Subject.Kind.GROUP, inferred=True)
        .order_by("-recorded_at")
        .values_list("recorded_at", flat=True)
        .first()
    )
    if last is not None and timezone.localtime(last).date() == local.date():
        return 0
    return refresh(now=now).proposed
