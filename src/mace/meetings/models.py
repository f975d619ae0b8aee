"""Strategy meetings, MACE panel meetings and plan reviews: who was invited and came, what was decided,
the actions and their owners, and the minutes shared with every invitee within 10 days (3.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Partnership, Team
from mace.core.models import VersionedModel
from mace.core.ui import uk_date
from mace.people.models import Person


class Meeting(VersionedModel):
    class Kind(models.TextChoices):
        STRATEGY = "strategy", "Strategy meeting"
        MACE = "mace", "MACE panel meeting"
        PLAN_REVIEW = "plan_review", "Plan review"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    class Origin(models.TextChoices):
        FRONT_DOOR = "front_door", "Front door decision"
        MISSING_48H = "missing_48h", "Missing for 48 hours"
        PLANNED = "planned", "Planned"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.PLANNED)
    # Where a strategy meeting came from: the front door's strategy task, or the 48-hour requirement.
    task = models.ForeignKey(
        "frontdoor.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    requirement = models.ForeignKey(
        "missing.StrategyRequirement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    children = models.ManyToManyField(Person, related_name="meetings", blank=True)
    places = models.TextField(blank=True)  # MACE panels also review places and groups at risk
    purpose = models.TextField()
    scheduled_at = models.DateTimeField()
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")  # responsible for the minutes
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    police_attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    held_at = models.DateTimeField(null=True, blank=True)
    section_47 = models.BooleanField(null=True, blank=True)  # strategy: a section 47 enquiry, or not
    decision = models.TextField(blank=True)
    child_voice = models.TextField(blank=True)  # the child's words, brought to the meeting
    minutes = models.TextField(blank=True)
    minutes_written_at = models.DateTimeField(null=True, blank=True)
    minutes_due_at = models.DateTimeField(null=True, blank=True)  # 10 days from the meeting (3.2c)
    minutes_shared_at = models.DateTimeField(null=True, blank=True)  # when the last invitee had them

    class Meta:
        indexes = [
            models.Index(fields=["partnership", "scheduled_at"], name="meeting_when"),
            models.Index(fields=["team", "held_at"], name="meeting_team_held"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {uk_date(self.scheduled_at)}"

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD


class Invitation(models.Model):
    """Every professional involved with the child, across agencies, is invited (4.3b)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(
        max_length=150, blank=True
    )  # why they are invited: allocated worker, police rota …
    invited_at = models.DateTimeField()
    attended = models.BooleanField(null=True, blank=True)
    minutes_shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_invitation_each")]

    def __str__(self) -> str:
        return f"Invitation of {self.user_id} to meeting {self.meeting_id}"


class MeetingAction(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.description[:60]


class RotaSlot(models.Model):
    """The police attendee for strategy meetings on a day (3.2a)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "day"], name="one_officer_a_day")]

    def __str__(self) -> str:
        return f"Police rota {self.day}"
