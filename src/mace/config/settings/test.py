"""Test settings: fast hashing, SQLite in memory unless DATABASE_URL names PostgreSQL."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_MODE = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ""}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A fixed access-log key, and checkpoints kept away from a developer's var/ (tests that anchor use tmp_path).
MACE_AUDIT_KEY = "test-access-log-key-not-a-secret"
MACE_AUDIT_ANCHOR_FILE = Path(tempfile.mkdtemp(prefix="mace-test-anchors-")) / "audit-anchors.jsonl"
