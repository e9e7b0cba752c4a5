"""Requests to each remote system (Sonar, Splynx) against its budget: one line each.

``SystemPanel`` folds ``BudgetKnown``, ``RequestDone`` and ``Retried`` into
``SystemRow``s. A system whose limit is a capacity (Splynx: workers over
latency) is shown per second, the others per minute.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from migrator.display.rows import RateMeter, SystemRow
from migrator.events import BudgetKnown, Event, RequestDone, Retried
from migrator.policy.clock import Clock

__all__ = ["SystemPanel"]


class SystemPanel:
    """One ``SystemRow`` per remote system, in the order they were first heard of."""

    def __init__(self, clock: Clock, *, per_second: Iterable[str] = ()) -> None:
        self.clock = clock
        self.per_second = frozenset(per_second)
        self.rows: dict[str, SystemRow] = {}

    def row(self, name: str) -> SystemRow:
        if name not in self.rows:
            self.rows[name] = SystemRow(name, RateMeter(self.clock, window=60.0))
        return self.rows[name]

    def emit(self, event: Event) -> None:
        match event:
            case BudgetKnown(system, per_minute):
                self.row(system).budget_per_minute = per_minute
            case RequestDone(system, _, outcome, _):
                self._request(self.row(system), outcome)
            case Retried(system):
                self.row(system).retries += 1

    def _request(self, row: SystemRow, outcome: str) -> None:
        row.requests += 1
        row.meter.add()
        row.outcomes[outcome] = row.outcomes.get(outcome, 0) + 1
        if outcome == "rate_limited":
            row.rate_limited += 1
        elif outcome != "ok":
            row.failed += 1

    def text(self, row: SystemRow) -> str:
        """``sonar: 1,234 requests, 398/min of 400 (100%), 2 retries, 0 rate-limited``."""
        if row.name in self.per_second:
            rate = row.per_minute() / 60.0
            limit = row.budget_per_minute / 60.0
            against = f"of {limit:,.0f}/s ({rate / limit:.0%})" if limit else "(no limit of ours)"
            pace = f"{rate:,.0f}/s {against}"
        else:
            rate = row.per_minute()
            pace = (
                f"{rate:,.0f}/min of {row.budget_per_minute:,.0f} "
                f"({rate / row.budget_per_minute:.0%})"
                if row.budget_per_minute
                else f"{rate:,.0f}/min (no limit)"
            )
        return (
            f"{row.name}: {row.requests:,} requests, {pace}, {row.retries} retries, "
            f"{row.rate_limited} rate-limited"
        )

    def lines(self) -> list[str]:
        return [self.text(row) for row in self.rows.values()]

    def figures(self) -> dict[str, Any]:
        """Per system its counters, JSON-ready."""
        return {
            row.name: {
                "requests": row.requests,
                "retries": row.retries,
                "rate_limited": row.rate_limited,
            }
            for row in self.rows.values()
        }
