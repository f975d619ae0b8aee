"""The child's one plan (4.3a): a single living plan per child that follows them through every team and
plan type. Each save is a new immutable version; the contingency plan (4.4) is part of every version;
reviews check whether the plan is working and whether the contingency was needed and used."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Partnership
from mace.core.models import VersionedModel
from mace.people.models import Person


class PlanType(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION = "child_protection", "Child protection"
    CARED_FOR = "cared_for", "Cared for child"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    CLOSED = "closed", "Closed"


class Plan(VersionedModel):
    """One per child. `version` is the number of the latest PlanVersion; the other fields mirror it
    for lists and the child's record."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="plan")
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    plan_type = models.CharField(max_length=20, choices=PlanType.choices)
    status = models.CharField(max_length=8, choices=PlanStatus.choices)

    def __str__(self) -> str:
        return f"Plan for person {self.person_id}, version {self.version}"


class PlanVersion(models.Model):
    """One saved state of the plan. Never changed after it is written: a change is a new version."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=150)
    reason = models.TextField()
    plan_type = models.CharField(max_length=20, choices=PlanType.choices)
    status = models.CharField(max_length=8, choices=PlanStatus.choices)
    needs_and_risks = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)  # what will change
    child_views = models.TextField(blank=True)  # in the child's own words
    child_views_at = models.DateTimeField(null=True, blank=True)  # when those words were last changed
    family_views = models.TextField(blank=True)
    contingency = models.TextField(blank=True)  # if the plan is not working or risk increases
    # [{"key", "text", "owner", "agency", "due" (ISO date), "done" (ISO date or "")}]
    actions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")]

    def __str__(self) -> str:
        return f"Version {self.number} ({self.get_plan_type_display()}, {self.get_status_display().lower()})"


class PlanReceipt(models.Model):
    """A professional has opened (and perhaps acknowledged) one version: who has the latest plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    seen_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user", "number"], name="one_receipt_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw version {self.number} of plan {self.plan_id}"


class PlanReview(models.Model):
    """A review of the plan: is it working, was the contingency needed and used, is the child safer."""

    class Safer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNCLEAR = "unclear", "Not yet clear"

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue the plan"
        CHANGE_TYPE = "change_type", "Change the plan type"
        STEP_DOWN = "step_down", "Step down"
        CLOSE = "close", "Close the plan"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_version = models.PositiveIntegerField()
    held_on = models.DateField()
    attendees = models.TextField()
    progress = models.TextField()
    child_views = models.TextField(blank=True)
    contingency_needed = models.BooleanField()
    contingency_used = models.BooleanField()
    contingency_not_used_reason = models.TextField(blank=True)
    child_safer = models.CharField(max_length=8, choices=Safer.choices)
    decision = models.CharField(max_length=12, choices=Decision.choices)
    new_type = models.CharField(max_length=20, choices=PlanType.choices, blank=True)
    # The plan review meeting this review records, when there was one: its invitations and attendance
    # show every professional involved was asked (4.3b).
    meeting = models.OneToOneField(
        "meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="plan_review"
    )
    recorded_at = models.DateTimeField()
    recorded_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Review of plan {self.plan_id} on {self.held_on}"
