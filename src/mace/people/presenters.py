"""GOV.UK macro arguments for people pages, built in Python."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mace.core.ui import link

FIELD_LABELS = {
    "nhs_number": "NHS number",
    "date_of_birth": "Date of birth",
    "family_name": "Family name",
    "given_names": "Given names",
    "postcode": "Postcode",
    "sex": "Sex",
    "upn": "Unique pupil number",
    "police_id": "Police reference",
    "la_child_id": "Local authority child ID",
}


def _side(weight: float) -> str:
    return "For" if weight > 0 else ("Against" if weight < 0 else "Neutral")


def duplicate_evidence_table(pair: Any) -> dict[str, Any]:
    """One likely duplicate's stored evidence, field by field (missing fields left out)."""
    rows = [
        [
            {"text": FIELD_LABELS.get(item["field"], item["field"])},
            {"text": item["detail"]},
            {"text": _side(item["weight"])},
        ]
        for item in pair.evidence
        if item["level"] != "missing"
    ]
    a, b = pair.person_a, pair.person_b
    return {
        "caption": (
            f"{a.display_name} (record {a.pk}) and {b.display_name} (record {b.pk}): "
            f"{pair.mace_probability * 100:.1f}% likely the same child"
        ),
        "captionClasses": "govuk-table__caption--s",
        "head": [{"text": "Detail"}, {"text": "Evidence"}, {"text": "Weight"}],
        "rows": rows,
    }


def duplicate_card(pair: Any) -> dict[str, Any]:
    """What the merge-review list shows of one pair: the evidence and where to act on it."""
    compare = f"{reverse('people:merge', args=[pair.person_a_id])}?other={pair.person_b_id}"
    return {
        "pair": pair,
        "table": duplicate_evidence_table(pair),
        "compare": link(compare, "Compare and merge", f"records {pair.person_a_id} and {pair.person_b_id}"),
        "dismiss": reverse("people:duplicate-dismiss", args=[pair.pk]),
    }
