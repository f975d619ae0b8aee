"""Screening tool versions (data, never code) and completed screenings with the practitioner's
judgement and, where the judgement is more optimistic than the indicators, a manager's agreement."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Partnership
from mace.core.models import VersionedModel
from mace.people.models import Person

from . import tool


class Level(models.IntegerChoices):
    NONE = tool.NONE, "No concerns"
    LOW = tool.LOW, "Low"
    MEDIUM = tool.MEDIUM, "Medium"
    HIGH = tool.HIGH, "High"


class ToolVersion(models.Model):
    """One version of a screening tool. Completed screenings keep the version they used; publishing a
    new version retires the old one for new screenings."""

    class Status(models.TextChoices):
        ACTIVE = "active", "In use"
        RETIRED = "retired", "Retired"

    class Origin(models.TextChoices):
        SHIPPED = "shipped", "Shipped with MACE"
        PUBLISHED = "published", "Published by an administrator"

    code = models.SlugField(max_length=40)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    definition = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SHIPPED)
    change_note = models.TextField(blank=True)
    published_by_label = models.CharField(max_length=150)
    published_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="tool_unique_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(status="active"), name="tool_one_active_version"
            ),
        ]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def tool(self) -> tool.Tool:
        return tool.parse_tool(self.definition)


class Screening(VersionedModel):
    class Status(models.TextChoices):
        AWAITING_AGREEMENT = "awaiting_agreement", "Awaiting a manager's agreement"
        COMPLETE = "complete", "Complete"

    class Agreement(models.TextChoices):
        AGREED = "agreed", "Agreed with the practitioner's judgement"
        CHANGED = "changed", "Judgement changed by the manager"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    tool_version = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="screenings")
    # The child, when identified; the details as given otherwise (the front door contact matches them).
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="screenings"
    )
    subject = models.JSONField(default=dict, blank=True)
    source_system = models.CharField(max_length=60, blank=True)
    external_ref = models.CharField(max_length=100, blank=True)

    # {indicator code: evidence} for every indicator ticked.
    answers = models.JSONField(default=dict)
    child_voice = models.TextField(blank=True)
    analysis = models.TextField()
    score = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    high_harm = models.BooleanField(default=False)
    judgement = models.PositiveSmallIntegerField(choices=Level.choices)
    judgement_reason = models.TextField()
    needs_agreement = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices)

    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_by_label = models.CharField(max_length=150)
    completed_at = models.DateTimeField()

    agreement = models.CharField(max_length=10, choices=Agreement.choices, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_by_label = models.CharField(max_length=150, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreement_note = models.TextField(blank=True)
    # The practitioner's judgement before a manager changed it, kept for the record.
    original_judgement = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)

    contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="screening_unique_external_ref",
            ),
            # By construction: a screening needing agreement is never complete without it.
            models.CheckConstraint(
                condition=~models.Q(status="complete", needs_agreement=True, agreed_by__isnull=True),
                name="screening_complete_needs_agreement",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "completed_at"], name="screening_person"),
            models.Index(fields=["status", "agency"], name="screening_status_agency"),
        ]

    def __str__(self) -> str:
        return f"Screening {self.pk}"

    @property
    def subject_name(self) -> str:
        if self.person_id and self.person is not None:
            return self.person.display_name
        s = self.subject or {}
        return f"{s.get('given_names', '')} {s.get('family_name', '')}".strip() or "Name not known"
