from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from mace.core.forms import day as date_input
from mace.frontdoor.forms import SubjectFields

from .models import AssessmentWait, Attendance, DischargeReview

LONDON = ZoneInfo("Europe/London")
YES_NO = [("yes", "Yes"), ("no", "No")]


class WhenMixin:
    """A GOV.UK date input (day, month, year) and a time ("14:30"), read as UK time."""

    def when(self, prefix: str, label: str) -> datetime | None:
        d: dict[str, Any] = self.cleaned_data  # type: ignore[attr-defined]
        parts = (d.get(f"{prefix}_year"), d.get(f"{prefix}_month"), d.get(f"{prefix}_day"))
        clock = str(d.get(f"{prefix}_time") or "").strip()
        if not any(parts) and not clock:
            return None
        try:
            day = date(*parts)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.add_error(f"{prefix}_day", f"{label} must be a real date")  # type: ignore[attr-defined]
            return None
        try:
            hours, minutes = (int(p) for p in clock.replace(".", ":").split(":"))
            at = time(hours, minutes)
        except ValueError:
            self.add_error(f"{prefix}_time", f"{label}: give the time like 14:30")  # type: ignore[attr-defined]
            return None
        return datetime.combine(day, at, tzinfo=LONDON)


class AttendanceForm(WhenMixin, SubjectFields):
    arrived_day = forms.IntegerField(required=False, min_value=1, max_value=31)
    arrived_month = forms.IntegerField(required=False, min_value=1, max_value=12)
    arrived_year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    arrived_time = forms.CharField(required=False, max_length=5)
    presenting_complaint = forms.CharField(
        max_length=10_000, error_messages={"required": "Give the presenting complaint"}
    )
    accompanied_by = forms.CharField(max_length=200, required=False)
    seen_alone = forms.ChoiceField(
        choices=YES_NO, error_messages={"required": "Say whether the child was seen alone"}
    )
    not_seen_alone_reason = forms.CharField(max_length=10_000, required=False)
    cpis_checked = forms.ChoiceField(
        choices=YES_NO, error_messages={"required": "Say whether CP-IS was checked"}
    )
    cpis_result = forms.ChoiceField(choices=[("", ""), *list(Attendance.CpisResult.choices)], required=False)
    exploitation_question_asked = forms.ChoiceField(
        choices=YES_NO, error_messages={"required": "Say whether the child was asked about exploitation"}
    )
    exploitation_concern = forms.ChoiceField(
        choices=YES_NO, error_messages={"required": "Say whether there is a concern of exploitation"}
    )
    safeguarding_referral_made = forms.ChoiceField(
        choices=YES_NO, error_messages={"required": "Say whether a safeguarding referral was made"}
    )
    child_voice = forms.CharField(max_length=10_000, required=False)


class DischargeForm(WhenMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    discharged_day = forms.IntegerField(required=False, min_value=1, max_value=31)
    discharged_month = forms.IntegerField(required=False, min_value=1, max_value=12)
    discharged_year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    discharged_time = forms.CharField(required=False, max_length=5)
    left_before_assessment = forms.BooleanField(required=False)
    discharge_destination = forms.CharField(max_length=200, required=False)
    discharge_plan = forms.CharField(max_length=10_000, required=False)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=DischargeReview.Outcome.choices,
        error_messages={
            "required": (
                "Choose an outcome: further safeguarding intervention, or liaison with no further action"
            )
        },
    )
    notes = forms.CharField(
        max_length=10_000,
        error_messages={"required": "Record what you reviewed and why you reached this outcome"},
    )
    shared_with = forms.ChoiceField(
        choices=[("", ""), *list(DischargeReview.SharedWith.choices)], required=False
    )


class AuditStartForm(forms.Form):
    period_start = forms.DateField(
        input_formats=["%Y-%m"],
        error_messages={"required": "Choose the month to audit", "invalid": "Choose a month"},
    )
    sample_size = forms.IntegerField(min_value=1, max_value=200, initial=22)


class WaitForm(forms.Form):
    """A referral for an autism or ADHD assessment: parsing only (services.validate_wait judges it)."""

    kind = forms.ChoiceField(
        choices=AssessmentWait.Kind.choices,
        error_messages={
            "required": "Choose the assessment the child was referred for: autism, ADHD, or both"
        },
    )
    fast_track = forms.ChoiceField(
        choices=YES_NO, error_messages={"required": "Say whether the referral was fast-tracked"}
    )
    fast_track_reason = forms.CharField(max_length=10_000, required=False)
    provider = forms.CharField(max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["referred_on"] = date_input(self, "referred", label="the date of the referral")
        return data


class WaitOutcomeForm(forms.Form):
    version = forms.IntegerField(required=False)
    outcome = forms.ChoiceField(
        choices=AssessmentWait.Outcome.choices,
        error_messages={
            "required": "Choose the outcome: diagnosis made, no diagnosis, or closed without an assessment"
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["assessed_on"] = date_input(self, "assessed", label="the date of the assessment")
        return data
