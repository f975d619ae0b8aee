"""Missing forms: parsing only. Rules about the records live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms

from mace.core.forms import when
from mace.frontdoor.forms import SubjectFields

from .models import MissingEpisode
from .services import PULL_FACTORS, PUSH_FACTORS


class ReportForm(SubjectFields):
    police_ref = forms.CharField(max_length=40)
    category = forms.ChoiceField(choices=MissingEpisode.Category.choices)
    setting = forms.ChoiceField(choices=MissingEpisode.Setting.choices)
    risk = forms.TypedChoiceField(choices=MissingEpisode.Risk.choices, coerce=int)
    last_seen_place = forms.CharField(max_length=200)
    last_seen_with = forms.CharField(max_length=200, required=False)
    circumstances = forms.CharField(max_length=20_000)
    police_id = forms.CharField(max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["last_seen_at"] = when(self, "seen")
        data["reported_at"] = when(self, "reported", default_now=True)
        return data


class UpdateForm(forms.Form):
    version = forms.IntegerField(required=False)
    text = forms.CharField(max_length=20_000)
    risk = forms.TypedChoiceField(
        choices=[("", "No change"), *MissingEpisode.Risk.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )


class ReturnForm(forms.Form):
    version = forms.IntegerField(required=False)
    found_place = forms.CharField(max_length=200)
    found_by = forms.ChoiceField(choices=MissingEpisode.FoundBy.choices)
    found_with = forms.CharField(max_length=200, required=False)
    found_outside_area = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No"), ("unknown", "Not known")], required=False
    )
    child_account = forms.CharField(max_length=20_000, required=False)
    harm_disclosed = forms.ChoiceField(choices=[("no", "No"), ("yes", "Yes")])
    harm_details = forms.CharField(max_length=20_000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["returned_at"] = when(self, "returned")
        return data


class StrategyForm(forms.Form):
    outcome = forms.CharField(max_length=20_000)
    agencies = forms.MultipleChoiceField(choices=[], required=False)
    police_attended = forms.BooleanField(required=False)

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in agencies]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["held_at"] = when(self, "held")
        return data


class InterviewForm(forms.Form):
    version = forms.IntegerField(required=False)
    action = forms.ChoiceField(
        choices=[
            ("offer", "Offered"),
            ("accept", "Accepted"),
            ("decline", "Declined"),
            ("complete", "Completed"),
            ("follow_up", "Follow-up"),
        ]
    )
    push_factors = forms.MultipleChoiceField(choices=list(PUSH_FACTORS.items()), required=False)
    pull_factors = forms.MultipleChoiceField(choices=list(PULL_FACTORS.items()), required=False)
    where_stayed = forms.CharField(max_length=200, required=False)
    who_with = forms.CharField(max_length=200, required=False)
    child_words = forms.CharField(max_length=20_000, required=False)
    follow_up = forms.CharField(max_length=20_000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") != "follow_up":
            data["at"] = when(self, "at", default_now=True)
        return data


class TriggerPlanForm(forms.Form):
    """Every part optional here: the service names what is missing in words for this plan."""

    version = forms.IntegerField(required=False)
    triggers = forms.CharField(max_length=20_000, required=False)
    places = forms.CharField(max_length=20_000, required=False)
    associates = forms.CharField(max_length=20_000, required=False)
    actions = forms.CharField(max_length=20_000, required=False)


class TriggerPlanEndForm(forms.Form):
    version = forms.IntegerField(required=False)
    end_reason = forms.CharField(max_length=20_000, required=False)
