"""One reading of Retry-After for both remotes: seconds or an HTTP-date, capped, never a crash."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from migrator.policy.retry_after import MAX_RETRY_AFTER, parse_retry_after

NOW = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("12", 12.0),
        (" 7 ", 7.0),
        ("0.5", 0.5),
        ("-3", 0.0),
        ("soon", None),
        ("nan", None),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # already past
        ("Wed, 21 Oct 2015 09:28:00 +0200", 0.0),  # the same instant, another zone
        ("Wed, 21 Oct 2015 07:28:10", 10.0),  # no zone: read as UTC
    ],
)
def test_seconds_or_a_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


@pytest.mark.parametrize("header", ["7200", "inf", "Wed, 21 Oct 2015 09:28:00 GMT"])
def test_a_wait_of_hours_is_capped_and_said(header: str, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("migrator.policy.retry_after")
    logger.addHandler(caplog.handler)  # other tests may have set the logging tree up
    try:
        assert parse_retry_after(header, now=NOW) == MAX_RETRY_AFTER == 600.0
    finally:
        logger.removeHandler(caplog.handler)
    assert "waiting 600 s at most" in caplog.text


def test_the_wall_clock_is_the_default_now() -> None:
    in_a_minute = datetime.fromtimestamp(datetime.now(UTC).timestamp() + 60, UTC)
    header = in_a_minute.strftime("%a, %d %b %Y %H:%M:%S GMT")
    seconds = parse_retry_after(header)
    assert seconds is not None and 50.0 <= seconds <= 60.0
