"""Training on exploitation (5.1): the partnership's courses (single or multi-agency, at an exploitation
level), their sessions, the training register of practitioners, bookings and attendance, the attendee's
evaluation on the day and the follow-up three months later with the attendee and their manager on what
changed in practice (5.1e). Teams that work with exploited children carry a required level; compliance is
computed from attendance (`selectors.compliance`). Partnership business: nothing here names a child."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Partnership, Team
from mace.core.models import VersionedModel

__all__ = [
    "Level",
    "Practitioner",
    "TrainingBooking",
    "TrainingCourse",
    "TrainingEvaluation",
    "TrainingFollowUp",
    "TrainingRequirement",
    "TrainingSession",
]


class Level(models.IntegerChoices):
    AWARENESS = 1, "Level 1: awareness"
    TARGETED = 2, "Level 2: targeted"
    SPECIALIST = 3, "Level 3: specialist"


class TrainingCourse(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=60)
    title = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    multi_agency = models.BooleanField(default=False)
    # The agency that runs a single-agency course (a trust's level 3 safeguarding training).
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="trainingcourse_unique_code")
        ]
        ordering = ["level", "title"]

    def __str__(self) -> str:
        return self.title


class Practitioner(models.Model):
    """One person on the partnership's training register: a member of an agency's team, who may or may
    not have a MACE account (most of an emergency department's staff do not)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=150, blank=True)
    manager_name = models.CharField(max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_on = models.DateField(null=True, blank=True)  # None: in the team since before MACE knew
    left_on = models.DateField(null=True, blank=True)  # not counted from this date

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def in_team_on(self, day: date) -> bool:
        return (self.joined_on is None or self.joined_on <= day) and (
            self.left_on is None or self.left_on > day
        )


class TrainingRequirement(models.Model):
    """A team that works with exploited children and the level its practitioners must be trained to."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.team}: {self.get_level_display()}"


class TrainingSession(VersionedModel):
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="sessions")
    on = models.DateField()
    venue = models.CharField(max_length=200)
    trainer_label = models.CharField(max_length=150)
    capacity = models.PositiveSmallIntegerField(default=30)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-on", "pk"]

    def __str__(self) -> str:
        return f"{self.course} {self.on}"


class TrainingBooking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Did not attend"
        CANCELLED = "cancelled", "Cancelled"

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="bookings")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField()
    booked_by_label = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "practitioner"], name="trainingbooking_unique_attendee"
            )
        ]
        ordering = ["practitioner__name", "pk"]

    def __str__(self) -> str:
        return f"{self.practitioner} at {self.session}"


class TrainingEvaluation(models.Model):
    """The attendee's evaluation on the day: confidence before and after (1 to 5), what they will do."""

    booking = models.OneToOneField(TrainingBooking, on_delete=models.CASCADE, related_name="evaluation")
    confidence_before = models.PositiveSmallIntegerField()
    confidence_after = models.PositiveSmallIntegerField()
    will_do = models.TextField()  # what the attendee will do differently
    recorded_at = models.DateTimeField()
    recorded_by_label = models.CharField(max_length=150)

    def __str__(self) -> str:
        return f"Evaluation of {self.booking}"


class TrainingFollowUp(models.Model):
    """Three months on (5.1e): the attendee and their manager on what changed in practice."""

    class Changed(models.TextChoices):
        YES = "yes", "Yes, practice changed"
        PARTLY = "partly", "Partly"
        NO = "no", "No change yet"

    booking = models.OneToOneField(TrainingBooking, on_delete=models.CASCADE, related_name="follow_up")
    on = models.DateField()
    attendee_says = models.TextField()
    manager_name = models.CharField(max_length=200)
    manager_says = models.TextField()
    changed = models.CharField(max_length=6, choices=Changed.choices)
    recorded_at = models.DateTimeField()
    recorded_by_label = models.CharField(max_length=150)

    def __str__(self) -> str:
        return f"Follow-up of {self.booking}"
