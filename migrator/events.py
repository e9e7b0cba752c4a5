"""What the workers tell the progress display: small immutable events.

Producers, clients and writers never touch the display; they call an
``Emit`` function with one of these, and the display (``migrator.display``,
the one owner of the terminal) folds them into its counters. Anything that is
not a display (a test, a benchmark) can collect or ignore them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "BudgetKnown",
    "Emit",
    "Event",
    "Outcome",
    "QueueDepth",
    "RecordsRead",
    "RecordsSettled",
    "RequestDone",
    "Retried",
    "StreamFinished",
    "StreamPlanned",
    "ignore",
]

Outcome = Literal["ok", "rate_limited", "retriable", "failed"]
Settlement = Literal["created", "adopted", "existing", "checked", "updated", "skipped", "rejected"]


@dataclass(frozen=True, slots=True)
class BudgetKnown:
    """A remote system's request budget (0 = unlimited), for "rate vs budget"."""

    system: str
    per_minute: float


@dataclass(frozen=True, slots=True)
class RequestDone:
    """One HTTP request finished, well or not (each retry attempt is one request)."""

    system: str
    operation: str
    outcome: Outcome
    seconds: float


@dataclass(frozen=True, slots=True)
class Retried:
    """The retry policy will try ``operation`` again after ``wait`` seconds."""

    system: str
    operation: str
    attempt: int
    wait: float
    reason: str


@dataclass(frozen=True, slots=True)
class StreamPlanned:
    """A stream of records (a query, an entity) is about to run.

    ``total`` is the expected number of records (Sonar's total_count), if known;
    ``done`` how many an earlier, interrupted run already handled.
    """

    stream: str
    total: int | None
    done: int = 0


@dataclass(frozen=True, slots=True)
class RecordsRead:
    """``records`` more records (in ``pages`` pages) were read for ``stream``."""

    stream: str
    records: int
    pages: int = 1


@dataclass(frozen=True, slots=True)
class StreamFinished:
    """``stream`` ended; ``error`` says why when it did not complete."""

    stream: str
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RecordsSettled:
    """A writer is done with ``count`` records of ``stream``, and how.

    ``created`` / ``adopted`` (found by its marker after a lost answer or a
    crash) / ``existing`` (matched to a record already in Splynx) /
    ``checked`` (a dry run) / ``updated`` (a delta sync changed fields of a record
    migrated before) / ``skipped`` (already migrated and unchanged, or ``reason``) /
    ``rejected``.
    """

    stream: str
    outcome: Settlement
    count: int = 1
    reason: str = ""  # why a record was skipped, when not because it is already migrated


@dataclass(frozen=True, slots=True)
class QueueDepth:
    """How full ``stream``'s queue between reading and writing is."""

    stream: str
    depth: int
    size: int


Event = (
    BudgetKnown
    | RequestDone
    | Retried
    | StreamPlanned
    | RecordsRead
    | StreamFinished
    | RecordsSettled
    | QueueDepth
)
Emit = Callable[[Event], None]


def ignore(event: Event) -> None:
    """An ``Emit`` for callers without a display."""
