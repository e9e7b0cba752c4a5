"""The records a run skipped for a reason, counted for its closing message.

A record already migrated is skipped silently (that is what a re-run is for);
one skipped for a reason (its parent not in a ``--limit`` sample) is counted
here, between the engine and the display, so the run ends by saying how many
and why: they are neither migrated nor rejected, and the next run takes them.
"""

from __future__ import annotations

from collections import Counter

from migrator.events import Emit, Event, RecordsSettled

__all__ = ["SkipTally"]


class SkipTally:
    """An ``Emit`` that passes every event on and counts the skips that have a reason."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self.reasons: Counter[str] = Counter()

    def __call__(self, event: Event) -> None:
        if isinstance(event, RecordsSettled) and event.outcome == "skipped" and event.reason:
            self.reasons[event.reason] += event.count
        self._emit(event)

    def summary(self, *, sample: bool) -> str:
        """E.g. "12 records skipped: parent not in this sample (...)"; empty if none."""
        hint = " (a run without --limit migrates them)" if sample else ""
        return "; ".join(f"{n:,} records skipped: {why}{hint}" for why, n in self.reasons.items())
