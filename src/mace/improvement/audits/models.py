"""Audits and dip samples (actions 1.2e-f, 2.2b, 2.3e, 3.1e): the partnership's annual audit programme, each
audit of a versioned tool (`tool.py`) over records a dip sample drew from live data by a rule, the records
assigned to auditors across agencies (each agency answers its part), and the answers. The ED audits the
health module used to keep are audits of the `ed` tool here.

A record names the source record (an ED attendance, a front door contact) and its child only by id: who
may see the child follows the child's access rules (`selectors.record_visible`). Results are partnership
business."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Agency, Partnership, Team
from mace.core.models import VersionedModel
from mace.people.models import Person


class AuditProgramme(VersionedModel):
    """The partnership's audits for a year, as agreed (1.2e: scrutinised by the quality assurance subgroup
    and agreed by the executive). Versioned: an edit or agreement from a stale page is a conflict."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()  # the year the programme starts in (April to March)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)  # what the year's programme covers and why
    agreed_on = models.DateField(null=True, blank=True)
    agreed_by = models.CharField(max_length=300, blank=True)  # the group that agreed it
    created_at = models.DateTimeField()
    created_by_label = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "year"], name="auditprogramme_unique")]
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class Audit(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        AuditProgramme, null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    title = models.CharField(max_length=300)
    tool_code = models.CharField(max_length=40)
    tool_version = models.PositiveSmallIntegerField()
    # The rule that drew the sample, exactly as given (source, period, size, seed, filters, strata), so
    # the draw can be repeated and read back.
    rule = models.JSONField(default=dict)
    period_start = models.DateField()
    period_end = models.DateField()
    # An ED audit of one trust's records (the single-agency audit of 2.3e), else null.
    trust = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    matched = models.PositiveIntegerField(default=0)  # records the rule matched before sampling
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    learning = models.TextField(blank=True)  # what the audit found, fed to the action plan
    learning_action = models.ForeignKey(
        "improvement.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "tool_code", "period_start"], name="audit_tool_period")
        ]

    def __str__(self) -> str:
        return self.title


class AuditRecord(models.Model):
    class Source(models.TextChoices):
        ED_ATTENDANCE = "ed_attendance", "ED attendance"
        FRONTDOOR_CONTACT = "frontdoor_contact", "Front door contact"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="records")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_id = models.PositiveBigIntegerField()
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()  # the attendance's arrival, the contact's decision

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "source", "source_id"], name="auditrecord_unique")
        ]
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.source_id}"


class AuditAssignment(models.Model):
    """Who answers one agency's part for one record."""

    record = models.ForeignKey(AuditRecord, on_delete=models.CASCADE, related_name="assignments")
    agency_kind = models.CharField(max_length=15)
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "agency_kind"], name="auditassignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.agency_kind}"


class AuditAnswer(models.Model):
    record = models.ForeignKey(AuditRecord, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=40)
    answer = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_by_label = models.CharField(max_length=150)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "question"], name="auditanswer_unique")]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"
