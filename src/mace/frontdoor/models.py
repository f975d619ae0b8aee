"""Contacts to the integrated front door, the information gathered, the decision and its approval,
the tasks a referral starts, and the daily and weekly front door meetings."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Partnership, Team
from mace.core.models import VersionedModel
from mace.people.models import Person


class Contact(VersionedModel):
    class Kind(models.TextChoices):
        VPA = "vpa", "Police vulnerable person assessment"
        SCREENING = "screening", "Exploitation screening tool"
        ED_REFERRAL = "ed_referral", "Emergency department referral"
        PROFESSIONAL = "professional", "Professional concern"
        PUBLIC = "public", "Public concern"

    class Route(models.TextChoices):
        WEB = "web", "Professional web form"
        PUBLIC = "public", "Public web form"
        API = "api", "Partner system (API)"
        IMPORT = "import", "Batch import"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        GATHERING = "gathering", "Gathering information"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        CLOSED = "closed", "Decided and approved"

    class Match(models.TextChoices):
        MATCHED = "matched", "Matched"
        NEW = "new", "New person"
        NEEDS_REVIEW = "needs_review", "Needs review"
        LINKED = "linked", "Linked by a worker"

    class Decision(models.TextChoices):
        REFERRAL = "referral", "Referral to children's social care"
        EARLY_HELP = "early_help", "Early help"
        STRATEGY = "strategy", "Strategy discussion (significant harm suspected)"
        ADVICE = "advice", "Information and advice"
        NFA = "nfa", "No further action"

    class Risk(models.IntegerChoices):
        UNKNOWN = 0, "Not yet assessed"
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    route = models.CharField(max_length=10, choices=Route.choices)
    source_system = models.CharField(max_length=60, blank=True)
    external_ref = models.CharField(max_length=100, blank=True)
    source_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporter = models.JSONField(default=dict, blank=True)  # public and professional reporters' details

    received_at = models.DateTimeField()
    review_due_at = models.DateTimeField()
    decision_due_at = models.DateTimeField()

    # The subject as received, kept exactly as sent: matching works from it.
    subject = models.JSONField(default=dict)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    match_status = models.CharField(max_length=15, choices=Match.choices)
    match_score = models.FloatField(default=0.0)
    # The version of the linkage model that scored the match (blank when a person linked it by hand).
    match_model = models.CharField(max_length=60, blank=True)

    summary = models.TextField()
    concerns = models.JSONField(default=list, blank=True)
    child_voice = models.TextField(blank=True)
    risk = models.IntegerField(choices=Risk.choices, default=Risk.UNKNOWN)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    analysis = models.TextField(blank=True)
    analysed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=15, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    threshold_level = models.PositiveSmallIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    allocated_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="contact_unique_external_ref",
            )
        ]
        indexes = [
            # The live queue: a partial index holding only open contacts, so the queue costs the same
            # with a million closed contacts behind it. Queries must say `.exclude(status="closed")`.
            models.Index(
                fields=["partnership", "review_due_at"],
                name="contact_open",
                condition=~models.Q(status="closed"),
            ),
            models.Index(fields=["received_at"], name="contact_received"),
            models.Index(fields=["person", "received_at"], name="contact_person"),
            # Looked up on every intake (idempotency); the unique constraint's index is partial, which
            # SQLite cannot use for a parameterised look-up.
            models.Index(fields=["source_system", "external_ref"], name="contact_source_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def subject_name(self) -> str:
        s = self.subject or {}
        name = f"{s.get('given_names', '')} {s.get('family_name', '')}".strip()
        return name or "Name not known"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class InformationRequest(models.Model):
    """A request to a partner agency for what it knows, with its own due time."""

    class Source(models.TextChoices):
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        SOCIAL_CARE = "csc", "Children's social care records"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="requests")
    source = models.CharField(max_length=10, choices=Source.choices)
    question = models.TextField()
    requested_by_label = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    response = models.TextField(blank=True)
    responded_by_label = models.CharField(max_length=150, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} for contact {self.contact_id}"


class Task(models.Model):
    """Statutory work a decision starts: the visit, the child and family assessment."""

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit the child"
        ASSESSMENT = "assessment", "Child and family assessment"
        EARLY_HELP = "early_help", "Early help assessment"
        STRATEGY = "strategy", "Hold the strategy discussion"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="tasks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["team", "completed_at", "due_at"], name="task_team_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person_id}"


class FrontDoorMeeting(models.Model):
    class Kind(models.TextChoices):
        DAILY = "daily", "Daily multi-agency information-sharing meeting"
        WEEKLY = "weekly", "Weekly front door meeting"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    held_on = models.DateField()
    period_start = models.DateField()
    period_end = models.DateField()
    agencies_present = models.ManyToManyField(Agency, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    recorded_by_label = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "kind", "held_on"], name="one_meeting_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class MeetingAction(models.Model):
    """An action agreed at a front door meeting: owned by an agency, with a due date."""

    meeting = models.ForeignKey(FrontDoorMeeting, on_delete=models.CASCADE, related_name="actions")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.description[:60]


class PublicReportHit(models.Model):
    """One report accepted from the public form, under a keyed hash of the sender's address (the
    address itself is not kept). The form's rate limit counts these rows, so every web process and
    every server counts the same reports."""

    LIMIT = 5  # reports an hour from one address
    WINDOW = timedelta(hours=1)

    source = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["source", "at"], name="public_hit_source"),
            models.Index(fields=["at"], name="public_hit_at"),
        ]

    def __str__(self) -> str:
        return f"Public report at {self.at:%Y-%m-%d %H:%M}"
