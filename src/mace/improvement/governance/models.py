"""Lead professionals and governance meetings (the pan-area protocol's "Governance", issue 12 item 7):
each agency's lead professional for exploitation, its single point of contact, per partnership; the
quarterly multi-agency meeting and the biannual pan-area meeting, with attendance, the pack from
oversight, and decisions whose actions go into the partnership's action plan. Partnership business:
nothing here names a child."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Partnership
from mace.core.models import VersionedModel

from ..models import Action

__all__ = ["GovernanceAttendance", "GovernanceDecision", "GovernanceMeeting", "LeadProfessional"]


class LeadProfessional(models.Model):
    """An agency's single point of contact for exploitation in a partnership, from a date until replaced.
    The partnership's own nominated board member is the lead professional of its partnership agency."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    contact = models.CharField(max_length=200, blank=True)  # an email address or a telephone number
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    since = models.DateField()
    until = models.DateField(null=True, blank=True)  # None: the lead professional now
    recorded_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["agency__name", "-since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "agency"],
                condition=models.Q(until__isnull=True),
                name="leadprofessional_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class GovernanceMeeting(VersionedModel):
    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", "Quarterly multi-agency meeting"
        PAN_AREA = "pan_area", "Biannual pan-area meeting"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    held_on = models.DateField()
    chair = models.CharField(max_length=200)  # the pan-area meeting is arranged and chaired by the police
    notes = models.TextField(blank=True)
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class GovernanceAttendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(GovernanceMeeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices)

    class Meta:
        ordering = ["agency__name", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_status_display()}"


class GovernanceDecision(models.Model):
    """A decision of the meeting; an action it gives rise to goes into the action plan (improvement's
    `action_add`), so it is tracked, RAG-rated and signed off like every other action."""

    meeting = models.ForeignKey(GovernanceMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
