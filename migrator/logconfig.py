"""Logging set-up, and the redactor that keeps secrets out of every log line.

Secrets are removed twice over: by value (every secret the settings hold is
registered) and by shape (Authorization headers, tokens and signatures in
query strings, passwords in URLs), so that even a secret we were never told
about does not reach a terminal or a log file.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from migrator.private_files import private_file

__all__ = ["REDACTED", "RedactingFilter", "Redactor", "configure_logging", "redactor"]

REDACTED = "***"

_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {REDACTED}"),
    (re.compile(r"(?i)\b(Splynx-EA)\s*\([^)]*\)"), rf"\1 ({REDACTED})"),
    (
        re.compile(
            r"(?i)([\"']?\b(?:access_token|refresh_token|token|signature|secret|api_secret|"
            r"password|passwd|key|api_key)\b[\"']?\s*[=:]\s*[\"']?)([^\s&\"',;)}]+)"
        ),
        rf"\1{REDACTED}",
    ),
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@"), rf"\1{REDACTED}@"),
)


class Redactor:
    """Replaces known secret values and secret-shaped text with ``***``."""

    def __init__(self) -> None:
        self._values: set[str] = set()

    def add(self, secrets: Iterable[str]) -> None:
        self._values.update(s for s in secrets if s and len(s) >= 3)

    def __call__(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, REDACTED)
        for pattern, replacement in _SHAPES:
            text = pattern.sub(replacement, text)
        return text


redactor = Redactor()


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback text) through the redactor."""

    def __init__(self, redact: Redactor = redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of the record.

    The live display replaces ``sys.stderr`` while it runs so that log lines
    appear above it instead of tearing it; a handler holding the original
    stream would write past it.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(
    level: str = "INFO",
    *,
    log_file: Path | None = None,
    handler: logging.Handler | None = None,
    secrets: Iterable[str] = (),
) -> None:
    """Route the project's logs to ``handler`` (the console) and optionally a 0600 file.

    The console handler shows warnings and above unless ``level`` asks for
    more; the file gets everything at ``level``.
    """
    redactor.add(secrets)
    root = logging.getLogger("migrator")
    root.setLevel(getattr(logging, level))
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    console = handler or _StderrHandler()
    console.setLevel(min(logging.WARNING, getattr(logging, level)))
    console.addFilter(RedactingFilter())
    root.addHandler(console)
    if log_file is not None:
        private_file(log_file)
        to_file = logging.FileHandler(log_file, encoding="utf-8")
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        to_file.addFilter(RedactingFilter())
        root.addHandler(to_file)
    root.propagate = False
