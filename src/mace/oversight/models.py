"""Oversight's own records: the versions of the scorecard's definition, the figures the worker computes
from live records (a cache, recomputed nightly, never typed in), and the commentary owners write on red
measures, kept with the period."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Partnership
from mace.core.models import VersionedModel


class MeasureSet(models.Model):
    """One version of the scorecard's definition file. Publishing a new version retires the old one;
    figures and commentary keep the version they were made under."""

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
            models.UniqueConstraint(fields=["code", "version"], name="measureset_unique_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(status="active"), name="measureset_one_active"
            ),
        ]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class MeasureFigure(models.Model):
    """A measure's figure for one partnership and one period, as computed from the records at
    `computed_at`. Pan-area totals are sums of these."""

    measure_set = models.ForeignKey(MeasureSet, on_delete=models.CASCADE, related_name="figures")
    measure = models.CharField(max_length=60)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)  # Period.key: month:2026-11, quarter:2026-07, year:2026-11
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField(null=True, blank=True)  # None: a count
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure_set", "measure", "partnership", "period"], name="measurefigure_unique"
            )
        ]
        indexes = [models.Index(fields=["measure_set", "period"], name="measurefigure_period")]

    def __str__(self) -> str:
        return f"{self.measure} {self.period} {self.partnership_id}: {self.numerator}/{self.denominator}"


class Commentary(VersionedModel):
    """What the measure's owner says about a red measure for a period: why, and what is being done."""

    measure_set = models.ForeignKey(MeasureSet, on_delete=models.PROTECT, related_name="commentary")
    measure = models.CharField(max_length=60)
    period = models.CharField(max_length=20)
    # None: the commentary on the pan-area total (one per measure and period, held by the service's lock:
    # a NULL does not collide in a unique constraint).
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    actions = models.TextField(blank=True)  # what is being done, by whom, by when
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_by_label = models.CharField(max_length=150)
    written_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure_set", "measure", "period", "partnership"],
                name="commentary_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Commentary on {self.measure} for {self.period}"
