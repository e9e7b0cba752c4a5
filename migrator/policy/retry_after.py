"""How long a server asked us to wait: one reading of ``Retry-After`` for Sonar and Splynx.

RFC 9110 allows delta-seconds or an HTTP-date. Both clients read the header
the same way: a number of seconds (fractions tolerated, negatives read as 0),
or a date (one without a zone read as UTC) minus the wall clock now. Anything
unreadable is ``None``: the retry policy's own backoff applies.

The wait is capped at ``MAX_RETRY_AFTER`` (10 minutes). One 429 defers the
shared rate limiter for every writer or producer, so a header asking for
hours (a misconfigured proxy, a date in the wrong zone) would silently park
the whole run. Capped, the request is retried after at most 10 minutes; and a
wait longer than what is left of the retry budget is not slept at all: the
policy gives up at once with ``GaveUp`` naming the 429. A cap that bites is
logged, so the stall is never silent either.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC
from email.utils import parsedate_to_datetime

__all__ = ["MAX_RETRY_AFTER", "parse_retry_after"]

log = logging.getLogger(__name__)
MAX_RETRY_AFTER = 600.0


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header, at most ``MAX_RETRY_AFTER``; None if unusable.

    ``now`` is the wall clock in unix seconds (for an HTTP-date; ``time.time()`` if not given).
    """
    if value is None or not value.strip():
        return None
    seconds = _seconds(value.strip(), time.time() if now is None else now)
    if seconds is None or math.isnan(seconds):
        return None
    if seconds > MAX_RETRY_AFTER:
        log.warning(
            "the server asked to wait %s; waiting %.0f s at most", value.strip(), MAX_RETRY_AFTER
        )
        return MAX_RETRY_AFTER
    return max(0.0, seconds)


def _seconds(text: str, now: float) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - now
