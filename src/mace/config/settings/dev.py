"""Local settings: the demo and development. Embedded SQLite unless DATABASE_URL is set."""

from __future__ import annotations

import os

from .base import *  # noqa: F403

DEMO_MODE = os.environ.get("MACE_DEMO_MODE", "1") == "1"
