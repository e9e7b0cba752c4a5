"""No secret reaches a log line, by value or by shape."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from migrator.logconfig import RedactingFilter, Redactor, configure_logging


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abc.DEF-123", "abc.DEF-123"),
        ("Authorization: Basic QVBJX0tFWTpBUElfU0VDUkVU", "QVBJX0tFWTpBUElfU0VDUkVU"),
        ("Splynx-EA (key=k1&signature=ABCDEF&nonce=12)", "ABCDEF"),
        ("Splynx-EA (access_token=tok123)", "tok123"),
        ("GET /admin/auth/tokens?refresh_token=r3fr35h", "r3fr35h"),
        ('{"access_token": "zz-tok", "x": 1}', "zz-tok"),
        ("mysql://root:hunter2@db:3306/splynx", "hunter2"),
    ],
)
def test_secret_shapes_are_redacted(text: str, secret: str) -> None:
    assert secret not in Redactor()(text)


def test_registered_values_are_redacted_anywhere() -> None:
    redact = Redactor()
    redact.add(["plain-secret-value"])
    assert redact("oops plain-secret-value in a message") == "oops *** in a message"


def test_log_records_and_tracebacks_are_redacted(tmp_path: Path) -> None:
    log_file = tmp_path / "run.log"
    configure_logging("DEBUG", log_file=log_file, secrets=["t0p-s3cret"])
    log = logging.getLogger("migrator.test")
    log.info("token is %s", "t0p-s3cret")
    try:
        raise RuntimeError("failed with Bearer t0p-s3cret")
    except RuntimeError:
        log.exception("request failed")
    for handler in logging.getLogger("migrator").handlers:
        handler.flush()
    text = log_file.read_text()
    assert "t0p-s3cret" not in text
    assert "token is ***" in text
    assert "RuntimeError" in text
    assert (log_file.stat().st_mode & 0o777) == 0o600


def test_filter_keeps_records_flowing() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "k=%s", ("v",), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "k=v"


def test_console_logs_follow_stderr_so_the_live_display_can_take_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io
    import sys

    configure_logging("INFO", secrets=["sekrit-token"])
    captured = io.StringIO()
    monkeypatch.setattr(sys, "stderr", captured)  # what rich's Live does while it draws
    logging.getLogger("migrator.test").warning("slow down with Bearer sekrit-token")
    assert captured.getvalue() == "slow down with Bearer ***\n"
