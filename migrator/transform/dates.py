"""Sonar keeps ISO-8601 with an offset; Splynx keeps local wall-clock strings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = ["splynx_date", "splynx_datetime"]


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
