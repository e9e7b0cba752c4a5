"""Counters a client keeps instead of emitting events, turned into events when sampled.

The Splynx client counts its requests (``SplynxStats``) rather than emitting
``RequestDone`` for each as the Sonar client does. ``PolledCounters`` reads
such counters whenever the display is about to draw and hands back one
``RequestTotals`` event, which the system panel folds like any other: when a
client emits its own events, its ``PolledCounters`` simply goes.
"""

from __future__ import annotations

from typing import Protocol

from migrator.events import RequestTotals

__all__ = ["Counters", "PolledCounters"]


class Counters(Protocol):
    """What is read of a client's counters (``SplynxStats`` has these, and more)."""

    requests: int
    retries: int
    rate_limited: int


class PolledCounters:
    """``system``'s counters, sampled as a ``RequestTotals`` event."""

    def __init__(self, system: str, counters: Counters) -> None:
        self.system = system
        self.counters = counters

    def sample(self) -> RequestTotals:
        found = self.counters
        return RequestTotals(self.system, found.requests, found.retries, found.rate_limited)
