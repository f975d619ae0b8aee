"""Production: every secret and the database from the environment; refuses to start without them."""

from __future__ import annotations

import os

from .base import *  # noqa: F403

SECRET_KEY = os.environ["MACE_SECRET_KEY"]
if not os.environ.get("DATABASE_URL"):
    raise RuntimeError("Production needs DATABASE_URL (PostgreSQL).")
DEBUG = False
DEMO_MODE = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
