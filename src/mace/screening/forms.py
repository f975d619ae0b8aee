from __future__ import annotations

from django import forms

from .models import Level


class AgreementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("agree", "Agree"), ("change", "Change")],
        error_messages={"required": "Say whether you agree with the practitioner's judgement"},
    )
    judgement = forms.TypedChoiceField(
        choices=[("", ""), *list(Level.choices)], coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(
        max_length=10_000, error_messages={"required": "Say why you agree or what changes the judgement"}
    )


class PublishForm(forms.Form):
    definition = forms.CharField(max_length=200_000, error_messages={"required": "Paste the tool definition"})
    change_note = forms.CharField(max_length=5000, error_messages={"required": "Say what changed and why"})
