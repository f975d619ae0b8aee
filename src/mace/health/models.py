"""Children's emergency department attendances, the trust safeguarding team's review of every
discharged child, and ED audits (actions 2.2 and 2.3)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Partnership, Team
from mace.core.models import VersionedModel
from mace.people.models import Person


class Attendance(VersionedModel):
    class CpisResult(models.TextChoices):
        NONE = "none", "No CP-IS record"
        CP_PLAN = "cp_plan", "Child protection plan"
        LOOKED_AFTER = "looked_after", "Looked after child"
        UNBORN = "unborn", "Unborn child protection plan"

    class Status(models.TextChoices):
        IN_DEPARTMENT = "in_department", "In the department"
        DISCHARGED = "discharged", "Discharged: awaiting review"
        REVIEWED = "reviewed", "Discharged and reviewed"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    trust = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    # The child when identified; the details as given always (a child who cannot be identified still
    # reaches the review queue).
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="ed_attendances"
    )
    subject = models.JSONField(default=dict, blank=True)
    source_system = models.CharField(max_length=60, blank=True)
    external_ref = models.CharField(max_length=100, blank=True)

    arrived_at = models.DateTimeField()
    presenting_complaint = models.TextField()
    accompanied_by = models.CharField(max_length=200, blank=True)
    seen_alone = models.BooleanField(null=True)  # None: not recorded
    not_seen_alone_reason = models.TextField(blank=True)
    cpis_checked = models.BooleanField(default=False)
    cpis_result = models.CharField(max_length=15, choices=CpisResult.choices, blank=True)
    exploitation_question_asked = models.BooleanField(default=False)
    exploitation_concern = models.BooleanField(default=False)  # the answer indicated screening
    screening = models.ForeignKey(
        "screening.Screening", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    safeguarding_referral_made = models.BooleanField(default=False)
    child_voice = models.TextField(blank=True)
    # Counted when the attendance is recorded: earlier attendances of the same child in 12 months.
    attendances_in_year = models.PositiveSmallIntegerField(default=1)
    frequent_attender = models.BooleanField(default=False)

    discharged_at = models.DateTimeField(null=True, blank=True)
    left_before_assessment = models.BooleanField(default=False)
    discharge_destination = models.CharField(max_length=200, blank=True)
    discharge_plan = models.TextField(blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.IN_DEPARTMENT)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="attendance_unique_external_ref",
            )
        ]
        indexes = [
            models.Index(fields=["trust", "status", "discharged_at"], name="attendance_queue"),
            models.Index(fields=["person", "arrived_at"], name="attendance_person"),
            models.Index(fields=["trust", "arrived_at"], name="attendance_trust_time"),
        ]

    def __str__(self) -> str:
        return f"ED attendance {self.pk}"

    @property
    def subject_name(self) -> str:
        if self.person_id and self.person is not None:
            return self.person.display_name
        s = self.subject or {}
        return f"{s.get('given_names', '')} {s.get('family_name', '')}".strip() or "Name not known"

    @property
    def identified(self) -> bool:
        return self.person_id is not None

    @property
    def screening_indicated_not_done(self) -> bool:
        return self.exploitation_concern and self.screening_id is None


class DischargeReview(models.Model):
    """The trust safeguarding team's triage of one discharged child (2.3b). Every discharged child
    gets exactly one, and nothing leaves the queue without an outcome."""

    class Outcome(models.TextChoices):
        INTERVENTION = "intervention", "Further safeguarding intervention"
        LIAISON = "liaison", "Liaison, no further action"

    class SharedWith(models.TextChoices):
        SCHOOL_NURSE = "school_nurse", "School nursing"
        HEALTH_VISITING = "health_visiting", "Health visiting hub"

    attendance = models.OneToOneField(Attendance, on_delete=models.PROTECT, related_name="review")
    outcome = models.CharField(max_length=15, choices=Outcome.choices)
    notes = models.TextField()
    shared_with = models.CharField(max_length=20, choices=SharedWith.choices, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    contact = models.ForeignKey(
        "frontdoor.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by_label = models.CharField(max_length=150)
    reviewed_at = models.DateTimeField()

    class Meta:
        constraints = [
            # An intervention reaches the front door; a liaison is recorded as sent.
            models.CheckConstraint(
                condition=(models.Q(outcome="intervention") & models.Q(contact__isnull=False))
                | (
                    models.Q(outcome="liaison")
                    & ~models.Q(shared_with="")
                    & models.Q(shared_at__isnull=False)
                ),
                name="review_outcome_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} for attendance {self.attendance_id}"


class Question(models.TextChoices):
    """The ED audit's questions (2.2b, 2.3e), in the order the inspectors' figures were reported."""

    RISK_ASSESSMENT = "risk_assessment", "A safeguarding risk assessment was completed"
    CPIS_CHECKED = "cpis_checked", "CP-IS was checked"
    CLEAR_PLANNING = "clear_planning", "There was clear planning for the child"
    DISCHARGE_SAFE = "discharge_safe", "The discharge plan safeguarded the child"
    SEEN_ALONE = "seen_alone", "The child was seen alone where appropriate"


class Audit(models.Model):
    """An audit of a sample of one trust's ED records for a period."""

    trust = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    created_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    attendances = models.ManyToManyField(Attendance, related_name="audits")

    class Meta:
        ordering = ["-period_start", "trust__name"]

    def __str__(self) -> str:
        return f"ED audit {self.trust} {self.period_start:%b %Y}"


class AuditAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_APPLICABLE = "na", "Not applicable"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="answers")
    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="+")
    question = models.CharField(max_length=20, choices=Question.choices)
    answer = models.CharField(max_length=3, choices=Answer.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "attendance", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"


class AssessmentWait(VersionedModel):
    """A child's referral for an autism or ADHD assessment and how long they have waited (action 3.4:
    exploited children with autism or ADHD were waiting too long for their health needs to be met). The
    wait is worked out from the dates, never typed: to the assessment, or to today while still waiting."""

    class Kind(models.TextChoices):
        AUTISM = "autism", "Autism"
        ADHD = "adhd", "ADHD"
        BOTH = "both", "Autism and ADHD"

    class Outcome(models.TextChoices):
        DIAGNOSED = "diagnosed", "Assessed: diagnosis made"
        NOT_DIAGNOSED = "not_diagnosed", "Assessed: no diagnosis"
        WITHDRAWN = "withdrawn", "Referral closed without an assessment"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessment_waits")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    referred_on = models.DateField()
    fast_track = models.BooleanField(default=False)
    fast_track_reason = models.TextField(blank=True)
    provider = models.CharField(max_length=200, blank=True)  # the service the referral went to
    assessed_on = models.DateField(null=True, blank=True)  # or the day a withdrawn referral closed
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            # An outcome and its date come together; an assessment is never before the referral.
            models.CheckConstraint(
                condition=(models.Q(outcome="") & models.Q(assessed_on__isnull=True))
                | (~models.Q(outcome="") & models.Q(assessed_on__gte=models.F("referred_on"))),
                name="assessment_wait_outcome_dated",
            )
        ]
        indexes = [models.Index(fields=["partnership", "referred_on"], name="assessment_wait_referred")]
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} assessment referral {self.pk}"

    @property
    def waiting(self) -> bool:
        return not self.outcome

    def wait_weeks(self, today: date) -> int:
        """Whole weeks from the referral to the assessment (or to `today` while waiting)."""
        return weeks_between(self.referred_on, self.assessed_on or today)


def weeks_between(start: date, end: date) -> int:
    """Completed weeks, as the NHS reports waits: 0 to 6 days is 0 weeks."""
    return max((end - start).days, 0) // 7
