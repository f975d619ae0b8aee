"""Plan forms: parsing only. Rules about plans live in `services`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from .models import PlanReview, PlanType
from .services import ActionIn

BLANK_ROWS = 2  # empty action rows offered under the plan's actions


class PlanForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    plan_type = forms.ChoiceField(choices=PlanType.choices, required=False)
    reason = forms.CharField(required=False, max_length=2000)
    needs_and_risks = forms.CharField(required=False)
    outcomes = forms.CharField(required=False)
    child_views = forms.CharField(required=False)
    family_views = forms.CharField(required=False)
    contingency = forms.CharField(required=False)

    def actions(self) -> tuple[list[ActionIn], dict[str, str], list[int]]:
        """The action rows (blank rows skipped), the rows whose dates could not be read (keyed by the
        form's row number), and each kept action's row number on the form."""
        d = self.data
        rows: list[ActionIn] = []
        problems: dict[str, str] = {}
        positions: list[int] = []
        count = int(d.get("action_rows", "0")) if str(d.get("action_rows", "0")).isdigit() else 0
        for i in range(1, min(count, 200) + 1):
            values = {
                k: str(d.get(f"action_{k}_{i}", "")).strip()
                for k in ("key", "text", "owner", "agency", "due", "done")
            }
            if not any(values[k] for k in ("text", "owner", "agency", "due", "done")):
                continue
            due, done = _iso(values["due"]), _iso(values["done"])
            if (values["due"] and due is None) or (values["done"] and done is None):
                problems[f"action_{i}"] = f"Action {i}: enter dates like 2026-12-15"
            rows.append(ActionIn(values["text"], values["owner"], values["agency"], due, done, values["key"]))
            positions.append(i)
        return rows, problems, positions


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


YES_NO = [("yes", "Yes"), ("no", "No")]


class ReviewForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    held_on = forms.CharField(required=False)
    attendees = forms.CharField(required=False)
    progress = forms.CharField(required=False)
    child_views = forms.CharField(required=False)
    contingency_needed = forms.ChoiceField(choices=YES_NO, required=False)
    contingency_used = forms.ChoiceField(choices=YES_NO, required=False)
    contingency_not_used_reason = forms.CharField(required=False)
    child_safer = forms.ChoiceField(choices=PlanReview.Safer.choices, required=False)
    decision = forms.ChoiceField(choices=PlanReview.Decision.choices, required=False)
    new_type = forms.ChoiceField(choices=[("", ""), *PlanType.choices], required=False)
    meeting = forms.IntegerField(required=False)

    def held(self) -> date | None:
        d = self.data
        try:
            return date(
                int(d.get("held_on_year", "")), int(d.get("held_on_month", "")), int(d.get("held_on_day", ""))
            )
        except ValueError:
            return None

    @staticmethod
    def yes_no(value: Any) -> bool | None:
        return {"yes": True, "no": False}.get(value)
