"""The partnership's improvement plans: a plan (an inspection's written statement of action, a practice
review, a self-assessment) → its priority areas (what needs to improve, what inspectors found, the
improvement board's sign-off) → actions (a reference such as 1.1a, an owner, a due date, the owner's RAG) →
dated progress updates and evidence. Partnership business: nothing here names a child."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Partnership
from mace.core.models import VersionedModel


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ActionPlan(models.Model):
    class Kind(models.TextChoices):
        INSPECTION = "inspection", "Inspection"
        PRACTICE_REVIEW = "practice_review", "Practice review"
        SELF_ASSESSMENT = "self_assessment", "Self-assessment"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source = models.TextField(blank=True)  # the inspection, review or assessment the plan answers
    starts = models.DateField()  # actions exist from this date: no progress update is dated before it
    created_at = models.DateTimeField()
    created_by_label = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "title"], name="actionplan_unique_title"),
        ]
        ordering = ["-starts", "pk"]

    def __str__(self) -> str:
        return self.title


class PriorityArea(VersionedModel):
    """A numbered area of the plan (1.1 Partnership practice). Signed off when the improvement board agrees
    it is fully addressed, saying how it will be monitored from then on."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="areas")
    section = models.PositiveSmallIntegerField()  # 1 … 6
    section_title = models.CharField(max_length=300)
    number = models.CharField(max_length=10)  # "1.1"
    title = models.CharField(max_length=300)
    priority_action = models.TextField(blank=True)
    needs_to_improve = models.TextField(blank=True)
    inspectors_found = models.TextField(blank=True)
    signed_off_on = models.DateField(null=True, blank=True)  # the board meeting that agreed it
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by_label = models.CharField(max_length=150, blank=True)
    sign_off_note = models.TextField(blank=True)  # the evidence the board accepted
    monitoring = models.TextField(blank=True)  # how it is monitored outside the plan's governance

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="priorityarea_unique")]
        ordering = ["plan", "section", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def signed_off(self) -> bool:
        return self.signed_off_on is not None


class Action(VersionedModel):
    area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="actions")
    ref = models.CharField(max_length=10)  # "1.1a", unique in its plan
    text = models.TextField()
    owner = models.CharField(max_length=300)  # a person or a partnership group (its chair is accountable)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due = models.DateField(null=True, blank=True)  # None only when the plan says "to be determined"
    due_note = models.TextField(blank=True)  # the plan's own words when they are more than a date
    owner_rag = models.CharField(max_length=5, choices=Rag.choices)  # the latest update's judgement
    opened_on = models.DateField()  # when the action existed from
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "ref"], name="action_unique_ref")]
        ordering = ["area__section", "area__number", "ref"]

    def __str__(self) -> str:
        return f"{self.ref} {self.text[:60]}"


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField()  # the date the update is as of
    text = models.TextField()
    rag = models.CharField(max_length=5, choices=Rag.choices)
    # A green with no evidence is accepted only with the owner's reason (evidence is what shows impact).
    no_evidence_reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action.ref} {self.on} {self.rag}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        AUDIT = "audit", "Audit"
        MEASURE = "measure", "Scorecard measure (impact)"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        ProgressUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField()
    link = models.URLField(max_length=500, blank=True)  # a document or an audit
    measure_code = models.CharField(max_length=60, blank=True)  # a code of the scorecard's definition
    added_by_label = models.CharField(max_length=150)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"


from .audits.models import Audit, AuditAnswer, AuditAssignment, AuditProgramme, AuditRecord  # noqa: E402, F401
from .governance.models import *  # noqa: E402, F403 - registers the governance models with the app
from .reviews.models import Recommendation, Review, ReviewAction, ReviewActionUpdate  # noqa: E402, F401
from .training.models import *  # noqa: E402, F403 - registers the training models with the app
