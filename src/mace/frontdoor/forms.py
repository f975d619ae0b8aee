from __future__ import annotations

from typing import Any

from django import forms

from . import thresholds
from .models import Contact, InformationRequest

CONCERN_CHOICES = list(thresholds.CONCERNS.items())


def other_names_from_text(text: str) -> list[dict[str, str]]:
    """One name a line, given names then family name ("Amy", "Mei Chen"): a single word is a given
    name (an English or "called" name), more than one ends with the family name."""
    names = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        given, family = (words[0], "") if len(words) == 1 else (" ".join(words[:-1]), words[-1])
        names.append({"given_names": given[:150], "family_name": family[:150], "kind": "alias"})
    return names[:10]


class SubjectFields(forms.Form):
    given_names = forms.CharField(max_length=150, required=False)
    family_name = forms.CharField(max_length=150, required=False)
    dob_day = forms.IntegerField(required=False, min_value=1, max_value=31)
    dob_month = forms.IntegerField(required=False, min_value=1, max_value=12)
    dob_year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    nhs_number = forms.CharField(max_length=20, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    address = forms.CharField(max_length=200, required=False)
    sex = forms.ChoiceField(
        choices=[("", "Not known"), ("F", "Female"), ("M", "Male"), ("X", "Other")], required=False
    )
    other_names = forms.CharField(max_length=1000, required=False)

    def subject(self) -> dict[str, Any]:
        from datetime import date

        d = self.cleaned_data
        out: dict[str, Any] = {
            k: str(d.get(k) or "").strip()
            for k in ("given_names", "family_name", "nhs_number", "postcode", "address", "sex")
        }
        out["other_names"] = other_names_from_text(str(d.get("other_names") or ""))
        parts = (d.get("dob_year"), d.get("dob_month"), d.get("dob_day"))
        if all(parts):
            try:
                out["date_of_birth"] = date(*parts).isoformat()  # type: ignore[arg-type]
            except ValueError:
                self.add_error("dob_day", "Date of birth must be a real date")
        elif any(parts):
            self.add_error("dob_day", "Date of birth must include a day, month and year")
        return {k: v for k, v in out.items() if v}


class ProfessionalContactForm(SubjectFields):
    kind = forms.ChoiceField(
        choices=[c for c in Contact.Kind.choices if c[0] != "public"],
        error_messages={"required": "Choose what kind of concern this is"},
    )
    police_id = forms.CharField(max_length=40, required=False)
    upn = forms.CharField(max_length=20, required=False)
    summary = forms.CharField(max_length=20_000, error_messages={"required": "Describe the concern"})
    concerns = forms.MultipleChoiceField(choices=CONCERN_CHOICES, required=False)
    child_voice = forms.CharField(max_length=5000, required=False)


class PublicConcernForm(SubjectFields):
    summary = forms.CharField(
        max_length=5000, error_messages={"required": "Tell us what you are worried about"}
    )
    reporter_name = forms.CharField(max_length=150, required=False)
    reporter_contact = forms.CharField(max_length=200, required=False)
    reporter_relationship = forms.CharField(max_length=100, required=False)
    # Spam protection: a field people never see, and a signed time the form was shown.
    website = forms.CharField(required=False)
    shown = forms.CharField(required=False)


class InformationRequestForm(forms.Form):
    source = forms.ChoiceField(
        choices=InformationRequest.Source.choices, error_messages={"required": "Choose which agency to ask"}
    )
    question = forms.CharField(max_length=2000, error_messages={"required": "Say what you need to know"})


class InformationResponseForm(forms.Form):
    response = forms.CharField(
        max_length=10_000, error_messages={"required": "Record what the agency shared"}
    )


class AnalysisForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    analysis = forms.CharField(max_length=20_000, error_messages={"required": "Write your analysis"})
    risk = forms.TypedChoiceField(
        choices=[(1, "Low"), (2, "Medium"), (3, "High")],
        coerce=int,
        error_messages={"required": "Choose the level of risk"},
    )
    child_voice = forms.CharField(max_length=5000, required=False)
    concerns = forms.MultipleChoiceField(choices=CONCERN_CHOICES, required=False)


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=Contact.Decision.choices, error_messages={"required": "Choose a decision"}
    )
    reason = forms.CharField(
        max_length=10_000, error_messages={"required": "Give the reasons for the decision"}
    )
    allocated_team = forms.IntegerField(required=False)
    allocated_worker = forms.IntegerField(required=False)


class ApprovalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(max_length=5000, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(required=False)


class MeetingForm(forms.Form):
    agencies = forms.MultipleChoiceField(
        choices=[], error_messages={"required": "Choose the agencies that attended"}
    )
    notes = forms.CharField(max_length=10_000, required=False)

    def __init__(self, *args: object, agencies: list[object] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agencies"].choices = [(str(a.pk), a.name) for a in agencies or []]  # type: ignore[attr-defined]


class MeetingActionForm(forms.Form):
    description = forms.CharField(max_length=2000, error_messages={"required": "Describe the action"})
    owner_agency = forms.IntegerField(error_messages={"required": "Choose the agency that owns the action"})
    due_on = forms.DateField(
        error_messages={
            "required": "Give the date the action is due",
            "invalid": "Give the due date as a real date, like 2026-12-01",
        }
    )
    contact = forms.IntegerField(required=False)
