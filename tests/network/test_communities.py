# shifted-clocks: pinned
from __future__ import annotations

import itertools

import pytest

from mace.network import communities
from mace.network.models import GroupMember, Link, Subject

from .conftest import record


def _clique(prefix: str, n: int) -> list[tuple[str, str]]:
    return [(f"{prefix}{a}", f"{prefix}{b}") for a, b in itertools.combinations(range(n), 2)]


def test_three_known_groups_joined_by_single_links_are_found() -> None:
    edges = _clique("a", 6) + _clique("b", 5) + _clique("c", 7) + [("a0", "b0"), ("b1", "c0")]
    found = communities.detect(edges)
    assert sorted(map(sorted, found)) == sorted(
        [
            sorted(f"a{i}" for i in range(6)),
            sorted(f"b{i}" for i in range(5)),
            sorted(f"c{i}" for i in range(7)),
        ]
    )


def test_the_same_graph_gives_the_same_groups_every_time() -> None:
    edges = _clique("a", 5) + _clique("b", 5) + [("a0", "b0"), ("a1", "b1")]
    assert communities.detect(edges) == communities.detect(list(reversed(edges)))


@pytest.mark.django_db
def test_refresh_proposes_the_groups_around_two_adults_and_keeps_an_adopted_one(area) -> None:
    from mace.network import services
    from tests.factories import PersonFactory

    adults = [record(area), record(area, name="Lee Barnes")]
    kids = [
        [area.child, PersonFactory(partnership=area.partnership)],
        [PersonFactory(partnership=area.partnership) for _ in range(3)],
    ]
    for adult, group in zip(adults, kids, strict=True):
        for k in group:
            services.association_record(
                partnership=area.partnership,
                data=services.LinkIn(kind=Link.SEEN_WITH, person=k, subject=adult),
                by=area.officer,
            )
    result = communities.refresh()
    groups = list(Subject.objects.filter(kind="group", inferred=True, archived_at__isnull=True))
    assert result.proposed == 2
    found = {
        frozenset(GroupMember.objects.filter(group=g).values_list("person_id", "subject_id")) for g in groups
    }
    assert found == {
        frozenset({(k.pk, None) for k in group} | {(None, adult.pk)})
        for adult, group in zip(adults, kids, strict=True)
    }
    services.group_adopt(group=groups[0], by=area.social_worker, version=groups[0].version)
    again = communities.refresh()
    assert again.proposed == 1  # the adopted group is kept and not proposed again; the other is renewed
    assert Subject.objects.get(pk=groups[0].pk).archived_at is None
    assert Subject.objects.get(pk=groups[1].pk).archived_at is not None
