# shifted-clocks: pinned
from __future__ import annotations

import pytest

from mace.demo.generate import generate
from mace.network.models import Association, ContextAssessment, Disruption, NrmReferral, Proposal, Subject

pytestmark = pytest.mark.django_db


def test_the_demo_networks_are_found_from_the_words_of_their_missing_episodes() -> None:
    summary = generate(children=300, seed=7)
    assert summary["Network subjects"] == 10
    assert Proposal.objects.filter(source_kind="missing").count() >= 15
    assert Association.objects.filter(subject__name="Flat 4 Marsh House").exists()
    assert Association.objects.filter(subject__name="HY68 TRW").exists()  # from the circumstances' words
    groups = Subject.objects.filter(kind="group", inferred=True, archived_at__isnull=True)
    assert groups.count() >= 3
    cawn = Disruption.objects.get(kind="cawn")
    assert cawn.breaches.count() == 1 and cawn.children.exists()
    assert NrmReferral.objects.get().reasonable_grounds == "positive"
    assert summary["Context assessments"] == 1
    context = ContextAssessment.objects.get(subject__name="Kebab Palace")
    assert context.step == "plan" and context.children.exists() and context.safety_map
    assert context.conference.chair.has_role("team_manager")
    assert {a["partner"] for a in context.plan.versions.get().actions} >= {"licensing", "transport", "school"}
