"""The shipped action plan is the partnership's real JTAI plan: every action from 1.1a to 6.3a, checked
against the seed text (counts per section and area, and a sample of owners, due dates and RAG values as
of 14 December 2022). Importing twice changes nothing; a bad row is refused with its reason and nothing
is written."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mace.cli import app
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.improvement import plan_file, services
from mace.improvement.models import Action, ActionPlan, PriorityArea, ProgressUpdate

from .conftest import AS_OF

pytestmark = pytest.mark.django_db

SEED = Path("/work/shared/seeds/004_3a816ad8139d38e0.txt")

PER_SECTION = {1: 12, 2: 12, 3: 11, 4: 11, 5: 21, 6: 10}
PER_AREA = {
    "1.1": 6, "1.2": 6, "2.1": 5, "2.2": 2, "2.3": 5, "3.1": 6, "3.2": 3, "3.3": 1, "3.4": 1, "4.1": 5,
    "4.2": 2, "4.3": 2, "4.4": 2, "5.1": 6, "5.2": 3, "5.3": 5, "5.4": 7, "6.1": 5, "6.2": 4, "6.3": 1,
}  # fmt: skip
# (ref, owner, due, owner's RAG) as the seed prints them.
SAMPLE = [
    ("1.1a", "LSCP Executive", date(2023, 7, 13), "amber"),
    ("1.1c", "Detective Chief Inspector Littlewood", date(2022, 12, 1), "green"),
    ("1.2b", "LSCP Executive", None, "amber"),
    ("2.1d", "Detective Superintendent Ball", date(2023, 1, 31), "amber"),
    ("2.3e", "Head of Safeguarding, East Cheshire Trust, and Lead Nurse ED", date(2022, 10, 31), "green"),
    ("3.1a", "Head of Service for Child in Need and Child Protection, Cheshire East Council",
     date(2022, 7, 13), "amber"),
    ("3.4a", "NHS Cheshire and Merseyside Integrated Care Board Programme Lead for Mental Health, Learning "
     "Difficulties and Autism", date(2023, 3, 31), "amber"),
    ("4.1b", "Head of Service: Education Participation and Pupil Support, Cheshire East Council",
     date(2023, 1, 9), "amber"),
    ("5.3b", "Principal Social Worker", date(2022, 8, 31), "green"),
    ("5.4g", "Inspector Adams, Detective Chief Inspector Littlewood, and Detective Chief Inspector Whittaker",
     date(2022, 12, 1), "green"),
    ("6.1c", "Independent scrutineer", date(2023, 2, 3), "amber"),
    ("6.3a", "Chair of the Contextual Safeguarding Steering Group", date(2023, 2, 16), "amber"),
]  # fmt: skip


def _seed_refs() -> list[str]:
    return re.findall(r"^(\d\.\d[a-z])\t", SEED.read_text(), flags=re.M)


def test_every_ref_of_the_seed_is_imported(plan: ActionPlan) -> None:
    refs = list(Action.objects.filter(area__plan=plan).values_list("ref", flat=True))
    if SEED.exists():
        assert sorted(refs) == sorted(_seed_refs())
    assert len(refs) == 77 and refs[0] == "1.1a" and refs[-1] == "6.3a"


def test_counts_per_section_and_area_match_the_seed(plan: ActionPlan) -> None:
    actions = Action.objects.filter(area__plan=plan).select_related("area")
    assert Counter(a.area.section for a in actions) == PER_SECTION
    assert Counter(a.area.number for a in actions) == PER_AREA
    assert plan.areas.count() == 20


@pytest.mark.parametrize(("ref", "owner", "due", "owner_rag"), SAMPLE)
def test_a_sample_of_owners_due_dates_and_rag_match_the_seed(
    plan: ActionPlan, ref: str, owner: str, due: date | None, owner_rag: str
) -> None:
    action = Action.objects.get(area__plan=plan, ref=ref)
    assert (action.owner, action.due, action.owner_rag) == (owner, due, owner_rag)


def test_every_owners_rag_matches_the_seed(plan: ActionPlan) -> None:
    imported = dict(Action.objects.filter(area__plan=plan).values_list("ref", "owner_rag"))
    assert Counter(imported.values()) == {"amber": 42, "green": 35}
    if SEED.exists():
        words = {"A": "amber", "G": "green", "R": "red"}
        printed = re.findall(r"^(\d\.\d[a-z])\t(?:[^\t]*\t){3}([RAG])\t", SEED.read_text(), flags=re.M)
        assert {ref: words[letter] for ref, letter in printed} == imported


def test_dates_the_plan_gives_in_words_keep_its_words(plan: ActionPlan) -> None:
    tbd = Action.objects.get(area__plan=plan, ref="1.2b")
    assert tbd.due is None and tbd.due_note == "To be determined based on the recommendations"
    staged = Action.objects.get(area__plan=plan, ref="6.1c")
    assert "23 December 2022" in staged.due_note


def test_each_action_has_its_progress_as_of_14_december_2022(plan: ActionPlan) -> None:
    updates = ProgressUpdate.objects.filter(action__area__plan=plan)
    assert updates.count() == 77 and set(updates.values_list("on", flat=True)) == {AS_OF}
    first = ProgressUpdate.objects.get(action__area__plan=plan, action__ref="2.2b")
    assert "53 (87%)" in first.text and first.rag == "amber"


def test_the_areas_keep_what_inspectors_found(plan: ActionPlan) -> None:
    area = PriorityArea.objects.get(plan=plan, number="6.2")
    assert "Multi-agency action plans are ineffective" in area.inspectors_found
    assert area.section_title == "Strategic Leadership"
    assert PriorityArea.objects.get(plan=plan, number="1.1").needs_to_improve.startswith("The consistent")


def test_importing_the_same_file_twice_changes_nothing(plan: ActionPlan, partnership: Any) -> None:
    before = (
        Action.objects.count(),
        ProgressUpdate.objects.count(),
        PriorityArea.objects.count(),
        AccessLogEntry.objects.count(),
    )
    again = services.plan_import(
        parsed=plan_file.read(plan_file.SHIPPED), partnership=partnership, actor=Actor.system("test")
    )
    assert again.plan == plan
    assert (again.actions_created, again.updates_created, again.areas_created, again.unchanged) == (
        0,
        0,
        0,
        77,
    )
    after = (
        Action.objects.count(),
        ProgressUpdate.objects.count(),
        PriorityArea.objects.count(),
        AccessLogEntry.objects.count(),
    )
    assert after == before
    assert ActionPlan.objects.count() == 1


def test_the_import_is_audited(plan: ActionPlan) -> None:
    entries = AccessLogEntry.objects.filter(object_type="improvement_action")
    assert entries.count() == 77 and {e.actor_label for e in entries} == {"system:test"}


def _file(rows: list[dict[str, str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    out.write("# title: Test plan\n# kind: self_assessment\n# starts: 2022-07-01\n# as_of: 2022-12-14\n")
    writer = csv.DictWriter(out, fieldnames=plan_file.COLUMNS, lineterminator="\n")
    writer.writeheader()
    base = {c: "" for c in plan_file.COLUMNS}
    for row in rows:
        writer.writerow(
            {
                **base,
                "section": "1",
                "section_title": "Voice",
                "area": "1.1",
                "area_title": "Practice",
                "action": "Do it",
                "owner": "LSCP Executive",
                "due": "2023-01-31",
                "rag": "A",
                "progress": "Started.",
                **row,
            }
        )
    return out.getvalue()


def test_a_row_without_an_owner_or_due_date_is_refused_and_nothing_is_written(partnership: Any) -> None:
    parsed = plan_file.parse(
        _file([{"ref": "1.1a"}, {"ref": "1.1b", "owner": ""}, {"ref": "1.1c", "due": ""}])
    )
    result = services.plan_import(parsed=parsed, partnership=partnership, actor=Actor.system("test"))
    assert result.plan is None and ActionPlan.objects.count() == 0 and Action.objects.count() == 0
    reasons = {ref: why for _line, ref, why in result.rejected}
    assert reasons.keys() == {"1.1b", "1.1c"}
    assert "no action owner" in reasons["1.1b"]
    assert "no due date" in reasons["1.1c"]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"ref": "1.1"}, "is not like 1.1a"),
        ({"ref": "1.2a"}, "not in area 1.1"),
        ({"ref": "1.1a", "due": "31/01/2023"}, "is not a date"),
        ({"ref": "1.1a", "due": "to be determined"}, "say why in due_note"),
        ({"ref": "1.1a", "due": "2022-01-01"}, "before the plan starts"),
        ({"ref": "1.1a", "rag": "purple"}, "is not red, amber or green"),
    ],
)
def test_bad_rows_are_refused_with_their_reason(row: dict[str, str], reason: str) -> None:
    parsed = plan_file.parse(_file([row]))
    assert len(parsed.rejected) == 1 and reason in parsed.rejected[0][2]


def test_a_repeated_ref_is_refused() -> None:
    parsed = plan_file.parse(_file([{"ref": "1.1a"}, {"ref": "1.1a"}]))
    assert [ref for _l, ref, _w in parsed.rejected] == ["1.1a"] and "already on line" in parsed.rejected[0][2]


def test_a_file_without_the_plans_description_is_refused() -> None:
    with pytest.raises(plan_file.PlanFileError, match="title"):
        plan_file.parse("ref,action\n1.1a,x\n")


def test_the_command_shows_a_summary_and_is_idempotent(now: Any, partnership: Any) -> None:
    path = str(plan_file.SHIPPED)
    first = CliRunner().invoke(app, ["import", "action-plan", path, "--partnership", partnership.code])
    assert first.exit_code == 0, first.output
    assert "Import finished" in first.output and "Actions created" in first.output
    again = CliRunner().invoke(app, ["import", "action-plan", path, "--partnership", partnership.code])
    assert again.exit_code == 0 and Action.objects.count() == 77
    assert re.search(r"Already in MACE \(unchanged\)\s*│\s*77", again.output), again.output


def test_the_command_refuses_a_bad_file_and_names_the_row(now: Any, partnership: Any, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(_file([{"ref": "1.1a"}, {"ref": "1.1b", "owner": ""}]))
    result = CliRunner().invoke(app, ["import", "action-plan", str(path), "--partnership", partnership.code])
    assert result.exit_code == 1
    assert (
        "1.1b" in result.output
        and "no action owner" in result.output
        and "Nothing was imported" in result.output
    )
    assert Action.objects.count() == 0


def test_the_demo_partnership_runs_the_shipped_plan(now: Any) -> None:
    from mace.demo.generate import generate

    summary = generate(children=20, seed=3)
    assert summary["Action plan actions"] == 77
    plan = ActionPlan.objects.get(partnership__code="eastshire")
    assert Action.objects.filter(area__plan=plan).count() == 77
    again = generate(children=20, seed=3)
    assert again["Action plan actions"] == 77 and Action.objects.count() == 77


def test_a_refused_row_is_named_by_its_first_line_in_the_file() -> None:
    text = plan_file.SHIPPED.read_text()
    broken = text.replace(
        ",Detective Chief Inspector Littlewood,2022-12-01,,G,Cheshire Constabulary",
        ",,2022-12-01,,G,Cheshire Constabulary",
    )
    [(line, ref, _why)] = plan_file.parse(broken).rejected
    assert (
        ref == "1.1c"
        and broken.splitlines()[line - 1].startswith("1,")
        and ",1.1c," in broken.splitlines()[line - 1]
    )
