"""Logging set-up shared by every command: plain one-line records on stderr, secrets masked."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_masked: set[str] = set()


def mask_secret(secret: str | None) -> None:
    """Register a secret so that no log record ever shows it (passwords from URLs, keys)."""
    if secret and len(secret) >= 3:
        _masked.add(secret)


def redact(text: str) -> str:
    """Replace every registered secret in `text` by `***`."""
    for secret in _masked:
        text = text.replace(secret, "***")
    return text


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(level: str = "INFO") -> None:
    """Route every logger to stderr as `time level name: message`, once per process."""
    root = logging.getLogger()
    if any(getattr(h, "_qfon", False) for h in root.handlers):
        root.setLevel(level.upper())
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._qfon = True  # type: ignore[attr-defined]
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("apscheduler", "urllib3", "sh", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def json_line(**fields: Any) -> str:
    """One machine-readable JSON line (for per-tenant run reports), secrets masked."""
    return redact(json.dumps(fields, default=str, ensure_ascii=False, sort_keys=False))
