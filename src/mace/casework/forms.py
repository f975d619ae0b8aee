"""Casework forms: parsing only. The rules about the records live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms

from mace.core.forms import clock, day

from .models import Placement, Supervision, TimetableSession

ACTION_ROWS = 3


YES_NO = [("yes", "Yes"), ("no", "No")]


class VisitForm(forms.Form):
    seen = forms.ChoiceField(choices=YES_NO, error_messages={"required": "Say whether the child was seen"})
    seen_alone = forms.ChoiceField(choices=YES_NO, required=False)
    place = forms.CharField(max_length=200, error_messages={"required": "Say where the visit took place"})
    child_words = forms.CharField(max_length=20_000, required=False)
    observations = forms.CharField(
        max_length=20_000, error_messages={"required": "Record what you saw and what it tells you"}
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["visited_on"] = day(self, "visited", label="the date of the visit")
        return data


class PlacementForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Placement.Kind.choices, error_messages={"required": "Choose the type of placement"}
    )
    description = forms.CharField(max_length=200, error_messages={"required": "Describe the placement"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["started_on"] = day(self, "started", label="the date the child moved")
        return data


class SessionForm(forms.Form):
    weekday = forms.TypedChoiceField(
        choices=[
            (str(i), d)
            for i, d in enumerate(
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            )
        ],
        coerce=int,
        error_messages={"required": "Choose the day of the week"},
    )
    starts = forms.CharField(max_length=5, error_messages={"required": "Enter the start time, like 09:30"})
    ends = forms.CharField(max_length=5, error_messages={"required": "Enter the end time, like 12:00"})
    kind = forms.ChoiceField(
        choices=TimetableSession.Kind.choices, error_messages={"required": "Choose the kind of activity"}
    )
    provider = forms.CharField(max_length=200, error_messages={"required": "Say who provides the session"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("starts", "ends"):
            if data.get(name):
                parsed = clock(data[name])
                if parsed is None:
                    self.add_error(name, "Enter the time as hours and minutes, like 09:30")
                data[name] = parsed
        data["active_from"] = day(self, "from", label="the date of the first session")
        return data


class SupervisionForm(forms.Form):
    attendees = forms.CharField(max_length=500, error_messages={"required": "Say who attended"})
    reflection = forms.CharField(max_length=20_000, error_messages={"required": "Record the reflection"})
    safer = forms.ChoiceField(
        choices=Supervision.Safer.choices,
        error_messages={"required": "Say whether the child is safer because of the plan"},
    )
    analysis = forms.CharField(
        max_length=20_000,
        error_messages={"required": "Give your analysis of whether the child is safer because of the plan"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["held_on"] = day(self, "held", label="the date supervision took place")
        actions = []
        for i in range(1, ACTION_ROWS + 1):
            text = str(self.data.get(f"action_{i}_text", "")).strip()
            owner = str(self.data.get(f"action_{i}_owner", "")).strip()
            has_due = any(
                str(self.data.get(f"action_{i}_due_{p}", "")).strip() for p in ("day", "month", "year")
            )
            if not (text or owner or has_due):
                continue
            due = day(self, f"action_{i}_due", required=False)
            actions.append((text, owner, due))
        data["actions"] = actions
        return data


class SessionEndForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["last_day"] = day(self, "last", label="the date of the last session")
        return data
