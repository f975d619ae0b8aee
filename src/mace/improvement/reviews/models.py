"""Rapid reviews and child safeguarding practice reviews (action 5.2): each review with its notification
date and the 15-working-day rapid review clock from it, recommendations, actions (owner, due date, dated
progress), themes and the learning shared, tracked to completion. A review is named as the partnership names
it ("Child R"): partnership business, never a child's name."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mace.accounts.models import Partnership


class Theme(models.TextChoices):
    EXPLOITATION = "exploitation", "Exploitation"
    MISSING = "missing", "Missing from home or care"
    INFORMATION_SHARING = "information_sharing", "Information sharing"
    VOICE = "voice", "Voice of the child"
    SUPERVISION = "supervision", "Supervision and management oversight"
    EDUCATION = "education", "Education and inclusion"
    HEALTH = "health", "Health and emergency departments"
    TRANSITIONS = "transitions", "Transitions to adulthood"


class Review(models.Model):
    class Kind(models.TextChoices):
        RAPID = "rapid", "Rapid review"
        PRACTICE = "practice", "Local child safeguarding practice review"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reference = models.CharField(max_length=60)  # "RR 2026/03", "Child R"
    summary = models.TextField(blank=True)  # no names: what happened and why it is reviewed
    notified_on = models.DateField()  # the serious incident notification: the rapid review clock starts
    completed_on = models.DateField(null=True, blank=True)  # the review sent to the national panel
    themes = models.JSONField(default=list, blank=True)
    learning = models.TextField(blank=True)
    learning_shared_on = models.DateField(null=True, blank=True)
    learning_shared_how = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by_label = models.CharField(max_length=150)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "reference"], name="review_unique_ref")]
        ordering = ["-notified_on", "-pk"]

    def __str__(self) -> str:
        return self.reference


class Recommendation(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="recommendation_unique")]
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.review} {self.number}"


class ReviewAction(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.CharField(max_length=300)
    due = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ReviewActionUpdate(models.Model):
    action = models.ForeignKey(ReviewAction, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField()
    text = models.TextField()
    completed = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.action_id} {self.on}"
