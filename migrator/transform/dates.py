"""Sonar keeps ISO-8601 with an offset; Splynx keeps local wall-clock strings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from migrator.errors import FieldError, Rejected

__all__ = ["LEDGER_YEARS", "ledger_date", "splynx_date", "splynx_datetime"]

# The years a date in a ledger may fall in. Splynx keeps MySQL DATEs (1000-9999), but money
# dated before 1970 or after 2099 is a placeholder (0001-01-01, 9999-12-31) or a typo, and
# would put the record first or last in the customer's statement for no reason.
LEDGER_YEARS = (1970, 2099)


def splynx_date(value: dt.date | dt.datetime | None, zone: ZoneInfo) -> str | None:
    """``YYYY-MM-DD``; an aware datetime is first moved to Splynx's zone."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.astimezone(zone).date()
    return value.isoformat()


def splynx_datetime(value: dt.datetime | None, zone: ZoneInfo) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` in Splynx's zone."""
    if value is None:
        return None
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def ledger_date(value: dt.date | dt.datetime, field_name: str, zone: ZoneInfo) -> str:
    """``splynx_date`` of a money record's date; one outside ``LEDGER_YEARS`` is refused."""
    day = splynx_date(value, zone)
    assert day is not None
    low, high = LEDGER_YEARS
    if not low <= int(day[:4]) <= high:
        message = f"{day} is not a date money moved on (years {low}-{high})"
        raise Rejected(f"{field_name} is impossible", [FieldError(field_name, message)])
    return day
