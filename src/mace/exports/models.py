"""An export run: one statutory return or dataset made for a partnership, by whom, how far it has got,
the file it wrote, and every problem found in it (data quality before, the official validator after)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Partnership


class Kind(models.TextChoices):
    CIN = "cin", "Children in Need census (XML)"
    SSDA903 = "ssda903", "SSDA903 missing, with header and episodes (CSV)"
    ANNEX_A = "annex_a", "Ofsted Annex A lists (xlsx)"
    SSD = "ssd", "Standard Safeguarding Dataset (CSV per table, zipped)"


class ExportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Made"
        FAILED = "failed", "Failed"

    class Validation(models.TextChoices):
        NOT_RUN = "not_run", "Not checked"
        PASSED = "passed", "Passed the official validator"
        FAILED = "failed", "Failed the official validator"
        UNAVAILABLE = "unavailable", "Validator not installed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(null=True, blank=True)  # the collection year's end year
    as_of = models.DateField()  # the last day counted
    validate = models.BooleanField(default=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_label = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=120, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # rows or children per table or list
    validation = models.CharField(max_length=12, choices=Validation.choices, default=Validation.NOT_RUN)
    validation_summary = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "requested_at"], name="exportrun_when")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Problem(models.Model):
    """One thing wrong with a child's records for this return: found by MACE's data-quality checks before
    the file is written, or by the official validator after."""

    class Source(models.TextChoices):
        DATA_QUALITY = "data_quality", "MACE's data-quality check"
        VALIDATOR = "validator", "Official validator"
        MACE_RULE = "mace_rule", "MACE's check of a rule the validator misses"

    run = models.ForeignKey(ExportRun, on_delete=models.CASCADE, related_name="problems")
    source = models.CharField(max_length=12, choices=Source.choices)
    severity = models.CharField(max_length=8)  # error, warning, query
    rule = models.CharField(max_length=40, blank=True)
    child = models.CharField(max_length=40, blank=True)  # LAchildID or CHILD as in the file
    person_id = models.BigIntegerField(null=True, blank=True)
    field = models.CharField(max_length=80, blank=True)
    message = models.TextField()
    fix = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["run", "source", "rule"], name="exportproblem_rule")]

    def __str__(self) -> str:
        return f"{self.rule or self.field}: {self.message[:40]}"
