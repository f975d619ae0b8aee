"""Meeting forms: parsing only. Rules about the records live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms

from mace.core.forms import when

from .models import Meeting


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(choices=Meeting.Kind.choices)
    purpose = forms.CharField(max_length=5000)
    places = forms.CharField(max_length=5000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["scheduled_at"] = when(self, "at")
        return data


class HoldForm(forms.Form):
    version = forms.IntegerField(required=False)
    decision = forms.CharField(max_length=50_000)
    section_47 = forms.ChoiceField(choices=[("", ""), ("yes", "Yes"), ("no", "No")], required=False)
    child_voice = forms.CharField(max_length=20_000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["held_at"] = when(self, "held")
        return data


class MinutesForm(forms.Form):
    version = forms.IntegerField(required=False)
    minutes = forms.CharField(max_length=50_000)


class ActionForm(forms.Form):
    description = forms.CharField(max_length=5000)
    owner = forms.IntegerField(required=False)
    due_day = forms.IntegerField(min_value=1, max_value=31)
    due_month = forms.IntegerField(min_value=1, max_value=12)
    due_year = forms.IntegerField(min_value=2000, max_value=2100)
