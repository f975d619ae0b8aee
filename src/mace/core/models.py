"""Core records: the tamper-evident access log, notifications, and the base for editable records."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessLogEntry(models.Model):
    """One read, write, search, export or denied attempt. Append-only: triggers block UPDATE and DELETE.

    `entry_hash` chains each entry to the one before it, so an edit anywhere breaks every later hash.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        SEARCH = "search", "Searched"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        ARCHIVE = "archive", "Archived"
        EXPORT = "export", "Exported"
        DENY = "deny", "Denied"
        BREAK_GLASS = "break_glass", "Break-glass access"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        ADMIN = "admin", "Administration"

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    # How entry_hash was made: NULL for entries written before the log had a key (plain SHA-256,
    # a public algorithm), 2 for HMAC-SHA256 with the key held outside the database. See decision 0015.
    hash_version = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["person_id", "at"], name="accesslog_person_at")]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"
        )


class Notification(models.Model):
    """An in-service alert to one user (break-glass alerts, escalations)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title


class VersionedModel(models.Model):
    """Optimistic locking: every save through a service bumps `version`; a stale form is a conflict."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
