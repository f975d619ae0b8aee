"""The Jinja filters every page uses to write dates, labels and tables the GOV.UK way."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from django.template import engines

from mace.core.ui import field_label, field_value, identifier_list, responsive_table

TEMPLATES = Path(__file__).parents[2] / "src" / "mace" / "templates"


def test_identifier_kinds_and_field_names_are_labelled_in_sentence_case_with_acronyms() -> None:
    assert field_label("nhs_number") == "NHS number"
    assert field_label("upn") == "Unique pupil number"
    assert field_label("family_name") == "Family name"
    assert field_label("rhi_worker") == "RHI worker"


def test_dates_read_as_gov_uk_dates_and_nothing_reads_none() -> None:
    assert field_value("2014-12-14") == "14 December 2014"
    assert field_value(date(2014, 12, 14)) == "14 December 2014"
    assert field_value(datetime(2026, 7, 1, 9, 30, tzinfo=UTC)) == "1 Jul 2026 10:30"
    assert field_value(None) == "Not known"
    assert field_value("") == "Not known"
    assert field_value(True) == "Yes"


def test_identifiers_are_listed_with_their_labels_and_the_nhs_number_spaced() -> None:
    assert identifier_list({"nhs_number": "9994589123", "upn": "A123"}) == (
        "NHS number 999 458 9123, Unique pupil number A123"
    )
    assert identifier_list({}) == "Not recorded"


def test_each_cell_of_a_wide_table_carries_its_column_heading() -> None:
    params = responsive_table(
        {
            "head": [{"text": "Child"}, {"html": "<span>Due</span>"}, {"text": "Team"}],
            "rows": [[{"text": "Ada"}, {"text": "Today", "attributes": {"id": "x"}}, {"text": "CE"}]],
        }
    )
    assert [c["attributes"]["data-label"] for c in params["rows"][0]] == ["Child", "Due", "Team"]
    assert params["rows"][0][1]["attributes"]["id"] == "x"
    assert "mace-table--stack" in params["classes"]


def test_a_two_column_table_is_left_as_it_is() -> None:
    params = {"head": [{"text": "Month"}, {"text": "Episodes"}], "rows": [[{"text": "Jan"}, {"text": "3"}]]}
    assert responsive_table(params) is params


def test_the_table_macro_renders_data_labels() -> None:
    html = (
        engines["jinja2"]
        .from_string(
            '{% from "core/_table.html" import govukTable %}'
            '{{ govukTable({"head": [{"text": "A"}, {"text": "B"}, {"text": "C"}], '
            '"rows": [[{"text": "1"}, {"text": "2"}, {"text": "3"}]]}) }}'
        )
        .render({})
    )
    assert 'data-label="B"' in html
    assert "mace-table--stack" in html


def test_no_template_uses_the_bare_gov_uk_table_macro() -> None:
    """Every table goes through core/_table.html, so that a new table reflows on a phone too."""
    bare = [
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if p.name != "_table.html" and "govuk_frontend_jinja/components/table/macro.html" in p.read_text()
    ]
    assert bare == []
