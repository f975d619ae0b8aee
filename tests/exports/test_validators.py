"""The statutory validators, run as MACE runs them (validate.run: a subprocess in each validator's own
virtual environment), on minimal files that pass and on broken ones that fail with the named rules.
"""

# shifted-clocks: pinned (the fixtures carry fixed dates in the 2025-26 collection year)

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from mace.exports import validate

from .annex_a_workbook import write_workbook

FIXTURES = Path(__file__).parent / "fixtures"
YEAR = 2026  # the 2025-26 collection: 1 April 2025 to 31 March 2026


def needs(kind: str) -> None:
    """Skip when the validator is not installed, unless MACE_REQUIRE_VALIDATORS is set (CI sets it): then
    validate.run raises ValidatorUnavailable naming `make validators`, and the test fails."""
    if not validate.available(kind) and not os.environ.get("MACE_REQUIRE_VALIDATORS"):
        pytest.skip(f"the {kind} validator's virtual environment is missing: run `make validators`")


# --- CIN census -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "ruleset"), [(2026, "cin2025_26"), (2027, "cin2026_27")])
def test_minimal_cin_census_has_no_errors(year: int, ruleset: str) -> None:
    needs("cin")
    result = validate.run("cin", FIXTURES / "cin_minimal.xml", year=year)
    assert result.ruleset == ruleset
    assert result.errors == []
    assert result.ok
    # One child cannot use eight disability codes: the DfE's query (not an error) is all that remains.
    assert result.rules() <= {"2887Q"}
    assert all(issue.severity == "query" for issue in result.issues)


def test_broken_cin_census_fails_with_the_named_rules() -> None:
    needs("cin")
    result = validate.run("cin", FIXTURES / "cin_broken.xml", year=YEAR)
    assert not result.ok
    by_child = {child: {issue.rule for issue in issues} for child, issues in result.by_child().items()}
    # A UPN whose check letter is wrong.
    assert "1510" in by_child["MACE0000002"]
    upn = next(issue for issue in result.by_rule()["1510"])
    assert (upn.table, upn.field, upn.severity) == ("ChildIdentifiers", "UPN", "error")
    # No date of birth (nor an expected one): the DfE's query 8525Q.
    assert "8525Q" in by_child["MACE0000003"]
    # Factor 21 ("no factors") beside 10A: rule 8869, checked by MACE since the validator misses it on XML.
    rule_21 = result.by_rule()["8869"]
    assert [(issue.child, issue.source, issue.severity) for issue in rule_21] == [
        ("MACE0000004", "mace", "error")
    ]
    assert by_child[None] == {"2887Q"}  # the whole return's query carries no child


def test_cin_year_without_a_ruleset_is_a_validator_failure() -> None:
    needs("cin")
    with pytest.raises(validate.ValidatorFailed, match="no ruleset cin2039_40"):
        validate.run("cin", FIXTURES / "cin_minimal.xml", year=2040)


def test_cin_needs_a_year() -> None:
    with pytest.raises(ValueError, match="collection year"):
        validate.run("cin", FIXTURES / "cin_minimal.xml")


# --- SSDA903 ----------------------------------------------------------------------------------------------


def test_minimal_ssda903_missing_table_passes_with_no_issues() -> None:
    """No rule fails, so lac_validator's create_issue_df raises "No objects to concatenate": the runner
    turns that into an empty list."""
    needs("903")
    result = validate.run("903", FIXTURES / "ssda903_minimal", year=YEAR)
    assert result.ruleset == "lac2025_26"
    assert result.raw["tables"] == ["Episodes", "Header", "Missing"]
    assert result.issues == ()
    assert result.ok


def test_ssda903_missing_table_alone_validates() -> None:
    needs("903")
    result = validate.run("903", FIXTURES / "ssda903_minimal" / "missing.csv", year=YEAR)
    assert result.raw["tables"] == ["Missing"]
    assert result.ok


def test_ssda903_missing_episode_ending_before_it_starts_is_rule_567() -> None:
    needs("903")
    result = validate.run("903", FIXTURES / "ssda903_broken", year=YEAR)
    assert not result.ok
    assert result.rules() == {"567"}
    assert {(issue.child, issue.table, issue.field, issue.row) for issue in result.issues} == {
        ("MACE0000001", "Missing", "MIS_START", 0),
        ("MACE0000001", "Missing", "MIS_END", 0),
    }


def test_ssda903_file_with_unknown_columns_is_a_validator_failure(tmp_path: Path) -> None:
    needs("903")
    bad = tmp_path / "missing.csv"
    bad.write_text("CHILD,DOB,MISSING,START,END\nMACE0000001,14/05/2011,M,10/10/2025,11/10/2025\n")
    with pytest.raises(validate.ValidatorFailed, match="known column names"):
        validate.run("903", bad, year=YEAR)


# --- Annex A (liiatools) ----------------------------------------------------------------------------------


def test_minimal_annex_a_workbook_passes_the_cleaner_with_no_blanked_cells(tmp_path: Path) -> None:
    needs("annex_a")
    workbook = write_workbook(tmp_path / "annex_a.xlsx")
    result = validate.run("annex_a", workbook, extra_args=["--output", str(tmp_path / "clean")])
    assert result.issues == ()
    assert result.raw["blanked_cells"] == 0
    assert result.raw["lists"] == [f"List {n}" for n in range(1, 12)]
    assert result.raw["la_code"] == "CIT"
    assert any("London" in note for note in result.notes)
    # liiatools' own cleaned workbook, written only when all eleven lists are there.
    assert (tmp_path / "clean" / "annex_a_clean.xlsx").is_file()


def test_committed_annex_a_fixture_is_the_generated_one() -> None:
    needs("annex_a")
    result = validate.run("annex_a", FIXTURES / "annex_a_minimal.xlsx")
    assert result.ok and result.issues == ()


def test_annex_a_cells_the_cleaner_blanks_are_errors(tmp_path: Path) -> None:
    needs("annex_a")
    workbook = write_workbook(
        tmp_path / "broken.xlsx",
        changes={
            "List 1": {"Gender": "Boy", "Date of Contact": "last Tuesday", "Contact Source": None},
            "List 8": {"LA of Placement": "Camden"},
        },
    )
    result = validate.run("annex_a", workbook)
    assert not result.ok
    found = {(issue.rule, issue.table, issue.field, issue.child, issue.value) for issue in result.errors}
    assert found == {
        ("blanked", "List 1", "Gender", "MACE0000001", "Boy"),
        ("blanked", "List 1", "Date of Contact", "MACE0000001", "last Tuesday"),
        ("blank", "List 1", "Contact Source", "MACE0000001", None),
        # liiatools knows only NIR, WAL, SCO, NUK and CON for the LA of placement.
        ("blanked", "List 8", "LA of Placement", "MACE0000001", "Camden"),
    }
    assert {issue.extra["cell"] for issue in result.errors} == {"B2", "F2", "G2", "AB2"}


def test_annex_a_missing_list_and_unmatched_sheet(tmp_path: Path) -> None:
    needs("annex_a")
    from openpyxl import load_workbook

    path = write_workbook(tmp_path / "annex_a.xlsx")
    workbook = load_workbook(path)
    del workbook["List 11"]
    workbook["List 2"].delete_cols(6)  # "Assessment start date": the header row now matches no list
    workbook.save(path)
    result = validate.run("annex_a", path, extra_args=["--require", "1,2,3,4,5,6,7,8"])
    assert {(issue.rule, issue.table, issue.severity) for issue in result.issues} >= {
        ("missing_list", "List 2", "error"),
        ("missing_list", "List 11", "warning"),
        ("unmatched_sheet", None, "error"),
    }


def test_annex_a_refuses_a_council_outside_london(tmp_path: Path) -> None:
    needs("annex_a")
    with pytest.raises(validate.ValidatorFailed, match="London"):
        validate.run("annex_a", write_workbook(tmp_path / "a.xlsx"), la="E08000025")


# --- the wrapper ------------------------------------------------------------------------------------------


def test_a_missing_virtual_environment_names_the_make_target(tmp_path: Path) -> None:
    with pytest.raises(validate.ValidatorUnavailable, match="make validators"):
        validate.run("903", FIXTURES / "ssda903_minimal", year=YEAR, root=tmp_path)


def test_unknown_validator() -> None:
    with pytest.raises(ValueError, match="unknown validator"):
        validate.run("s251", FIXTURES / "cin_minimal.xml", year=YEAR)


def test_the_runners_import_neither_mace_nor_django() -> None:
    for runner in sorted(validate.RUNNERS.glob("*.py")):
        source = runner.read_text()
        assert not re.search(r"^\s*(from|import)\s+(mace|django)\b", source, flags=re.MULTILINE), runner.name
