"""Casework: visits to the child (with the child's words), the activity timetable and its weekly
attendance (4.1b), placements shown against education (4.1), case supervision (5.3), caseload
snapshots (5.4c) and the voice-of-the-child alerts already sent (1.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Team
from mace.people.models import Person


class Visit(models.Model):
    """A visit to the child. `child_words` is the one consistent place for what the child said."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    by_label = models.CharField(max_length=150)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seen = models.BooleanField()
    seen_alone = models.BooleanField(default=False)
    place = models.CharField(max_length=200)
    child_words = models.TextField(blank=True)
    observations = models.TextField()
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["person", "-visited_on"], name="visit_person_date")]

    def __str__(self) -> str:
        return f"Visit {self.visited_on} to {self.person_id}"


class Placement(models.Model):
    """Where the child lives, as a placement with a type: a move is a new row (4.1)."""

    class Kind(models.TextChoices):
        HOME = "home", "With parents or family"
        KINSHIP = "kinship", "Kinship carer"
        FOSTER = "foster", "Foster care"
        RESIDENTIAL = "residential", "Children's home"
        SUPPORTED = "supported", "Supported accommodation"
        SECURE = "secure", "Secure accommodation"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="placements")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    description = models.CharField(max_length=200)
    started_on = models.DateField()
    recorded_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on}"


class TimetableSession(models.Model):
    """One planned weekly session of activity for a child not in full-time education (4.1b)."""

    class Kind(models.TextChoices):
        EDUCATION = "education", "Education"
        TUITION = "tuition", "Tuition"
        YOUTH_WORK = "youth_work", "Youth work"
        SPORT = "sport", "Sport"
        OTHER = "other", "Other activity"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="timetable_sessions")
    weekday = models.PositiveSmallIntegerField()  # 0 Monday … 6 Sunday
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    provider = models.CharField(max_length=200)
    active_from = models.DateField()  # a Monday: the first week the session runs
    active_until = models.DateField(null=True, blank=True)  # the last day it runs, if ended
    created_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["weekday", "starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.weekday} {self.starts_at}"

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (
            self.starts_at.hour * 60 + self.starts_at.minute
        )


class SessionAttendance(models.Model):
    """Whether the child attended one session in one week; a reason when they did not."""

    session = models.ForeignKey(TimetableSession, on_delete=models.PROTECT, related_name="attendance")
    week_starting = models.DateField()  # the Monday
    attended = models.BooleanField()
    reason = models.CharField(max_length=300, blank=True)
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "week_starting"], name="unique_session_week")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.week_starting} {'attended' if self.attended else 'missed'}"


class Supervision(models.Model):
    """Case supervision about one child (5.3): the manager's analysis of whether the child is safer
    because of the plan is required, never optional."""

    class Safer(models.TextChoices):
        YES = "yes", "Yes, safer because of the plan"
        PARTLY = "partly", "Partly: some risks reduced, others not"
        NO = "no", "No: the plan is not making the child safer"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supervisions")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_label = models.CharField(max_length=150)
    held_on = models.DateField()
    attendees = models.CharField(max_length=500)
    reflection = models.TextField()
    safer = models.CharField(max_length=8, choices=Safer.choices)
    analysis = models.TextField()
    next_due_on = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["person", "-held_on"], name="supervision_person_date")]

    def __str__(self) -> str:
        return f"Supervision {self.held_on} for {self.person_id}"


class SupervisionAction(models.Model):
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=500)
    owner = models.CharField(max_length=150)
    due_on = models.DateField()

    def __str__(self) -> str:
        return self.text


class CaseloadSnapshot(models.Model):
    """Children allocated to one worker (or to the team with no named worker) on the first of a month."""

    month = models.DateField()  # the first of the month
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    children = models.PositiveIntegerField()
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "team", "worker"], name="unique_caseload_snapshot"),
            models.UniqueConstraint(
                fields=["month", "team"], condition=models.Q(worker=None), name="unique_caseload_team_only"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.team_id} {self.worker_id}: {self.children}"


class VoiceAlert(models.Model):
    """A "we have not heard this child" alert sent to one user for one child in one period: sent once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.PositiveIntegerField()  # date ordinal // MACE_VOICE_DAYS
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "user", "period"], name="unique_voice_alert")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} to {self.user_id} ({self.period})"
