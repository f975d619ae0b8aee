from __future__ import annotations

from django import forms

from .models import Flag, Person, Sex


class PersonForm(forms.Form):
    given_names = forms.CharField(
        max_length=150, error_messages={"required": "Enter the person's given names"}
    )
    family_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter the person's family name"}
    )
    preferred_name = forms.CharField(max_length=150, required=False)
    kind = forms.ChoiceField(choices=Person.Kind.choices, initial=Person.Kind.CHILD)
    dob_day = forms.IntegerField(required=False, min_value=1, max_value=31)
    dob_month = forms.IntegerField(required=False, min_value=1, max_value=12)
    dob_year = forms.IntegerField(required=False, min_value=1000, max_value=9999)
    sex = forms.ChoiceField(choices=Sex.choices, error_messages={"required": "Choose the person's sex"})
    ethnicity = forms.CharField(max_length=120, required=False)
    nhs_number = forms.CharField(max_length=20, required=False)
    police_id = forms.CharField(max_length=40, required=False)
    la_child_id = forms.CharField(max_length=40, required=False)
    upn = forms.CharField(max_length=20, required=False)
    address_line1 = forms.CharField(max_length=200, required=False)
    town = forms.CharField(max_length=100, required=False)
    postcode = forms.CharField(max_length=10, required=False)

    def clean(self) -> dict[str, object]:
        from datetime import date

        data = super().clean() or {}
        parts = [data.get("dob_day"), data.get("dob_month"), data.get("dob_year")]
        data["date_of_birth"] = None
        if any(p is not None for p in parts):
            if any(p is None for p in parts):
                self.add_error("date_of_birth", "Date of birth must include a day, month and year")
            else:
                try:
                    data["date_of_birth"] = date(int(parts[2]), int(parts[1]), int(parts[0]))  # type: ignore[arg-type]
                except ValueError:
                    self.add_error("date_of_birth", "Date of birth must be a real date")
        return data

    def add_error(self, field: str | None, error: object) -> None:
        if field == "date_of_birth" and "date_of_birth" not in self.fields:
            self.fields["date_of_birth"] = forms.DateField(required=False)
        super().add_error(field, error)  # type: ignore[call-overload]


class FlagForm(forms.Form):
    kind = forms.ChoiceField(choices=Flag.Kind.choices, error_messages={"required": "Choose a flag"})
    reason = forms.CharField(max_length=2000, error_messages={"required": "Say why the flag is being set"})


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        min_length=10,
        max_length=2000,
        error_messages={
            "required": "Give the reason you need to see this record",
            "min_length": "Give the reason in at least 10 characters",
        },
    )


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("appropriate", "Appropriate"), ("inappropriate", "Not appropriate")],
        error_messages={"required": "Choose whether the access was appropriate"},
    )
    note = forms.CharField(max_length=2000, required=False)


class MergeForm(forms.Form):
    other = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": "Enter the number of the duplicate record",
            "invalid": "Enter a record number, like 1234",
        },
    )
    reason = forms.CharField(max_length=2000, required=False)
