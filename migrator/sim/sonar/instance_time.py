"""The simulated Sonar instance's clock face: how its timestamps are spelled.

Sonar renders a ``Datetime`` as ISO-8601 with the instance's UTC offset
(``2017-01-01T12:33:12+04:00`` in the reference schema's description). Our
instance sits in US Central time, so offsets alternate between ``-06:00``
and ``-05:00`` with daylight saving: a client that drops or mishandles the
offset gets visibly wrong dates. The daylight-saving rule is computed here
(second Sunday of March to first Sunday of November, at 02:00 local) rather
than read from the system's tz database, so the generated data is the same
on every machine.

Internally every instant is an integer count of **microseconds** since the
Unix epoch: that is what the simulator compares, sorts and searches on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache

__all__ = [
    "DAY",
    "NOW",
    "SECOND",
    "instant_to_iso",
    "iso_to_instant",
    "local_date",
    "month_start",
    "to_instant",
]

SECOND = 1_000_000
DAY = 86_400 * SECOND

_STANDARD = timezone(timedelta(hours=-6))
_DAYLIGHT = timezone(timedelta(hours=-5))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_instant(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact: timedelta floor division)."""
    return (moment - _EPOCH) // _MICROSECOND


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(weeks=n - 1)


@cache
def _daylight_window(year: int) -> tuple[int, int]:
    """[start, end) of daylight time in ``year``, as instants (02:00 local both ends)."""
    start = datetime.combine(_nth_sunday(year, 3, 2), datetime.min.time(), _STANDARD)
    end = datetime.combine(_nth_sunday(year, 11, 1), datetime.min.time(), _DAYLIGHT)
    return to_instant(start + timedelta(hours=2)), to_instant(end + timedelta(hours=2))


def _zone(instant: int) -> timezone:
    year = datetime.fromtimestamp(instant // SECOND, UTC).year
    start, end = _daylight_window(year)
    return _DAYLIGHT if start <= instant < end else _STANDARD


def instant_to_iso(instant: int) -> str:
    """``2024-03-01T08:15:00-06:00``: the instance's local time with its offset."""
    seconds, micros = divmod(instant, SECOND)
    moment = datetime.fromtimestamp(seconds, _zone(instant)).replace(microsecond=micros)
    return moment.isoformat()


def iso_to_instant(text: str) -> int:
    """The instant an ISO-8601 timestamp with an offset names; ``ValueError`` otherwise."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return to_instant(moment)


def local_date(instant: int) -> date:
    """The calendar date at the instance, which is what Sonar's ``Date`` fields hold."""
    return datetime.fromtimestamp(instant // SECOND, _zone(instant)).date()


def month_start(year: int, month: int) -> int:
    """Local midnight at the first of a month, as an instant."""
    midnight = datetime(year, month, 1, 0, 0)
    standard = to_instant(midnight.replace(tzinfo=_STANDARD))
    if _zone(standard) is _DAYLIGHT:
        return to_instant(midnight.replace(tzinfo=_DAYLIGHT))
    return standard


# The instant the generated instance was snapshotted: fixed, so data is reproducible.
NOW = month_start(2025, 6) - 3600 * SECOND
