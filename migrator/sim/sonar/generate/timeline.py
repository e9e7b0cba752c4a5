"""The calendar history is generated on, and the columns it fills.

Iterating months outermost (then accounts) keeps every history entity's ids
rising with time, as a real instance's do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from migrator.sim.sonar.generate.common import Columns, IdSequence
from migrator.sim.sonar.instance_time import DAY, NOW, SECOND, month_start

__all__ = ["History", "Month", "Sequences", "months_until_now"]


@dataclass(frozen=True)
class Month:
    """One calendar month at the instance: ``[start, stop)`` as instants."""

    start: int
    stop: int

    @property
    def length(self) -> int:
        return self.stop - self.start

    def at(self, fraction: float, earliest: int | None = None) -> int:
        """A whole-second instant ``fraction`` of the way from ``earliest`` (or the start)."""
        begin = self.start if earliest is None else max(self.start, earliest)
        return (begin + int((self.stop - begin) * fraction)) // SECOND * SECOND


def months_until_now(first: int) -> list[Month]:
    """Every month from the one before ``first`` up to the snapshot's."""
    months: list[Month] = []
    year, month = 2021, 1
    while True:
        start = month_start(year, month)
        year, month = year + month // 12, month % 12 + 1
        if start > NOW:
            return months
        if start >= first - 31 * DAY:
            months.append(Month(start, month_start(year, month)))


@dataclass
class History:
    """The columns of the eight history entities, filled month by month."""

    invoices: Columns = field(default_factory=Columns)
    debits: Columns = field(default_factory=Columns)
    credits: Columns = field(default_factory=Columns)
    payments: Columns = field(default_factory=Columns)
    notes: Columns = field(default_factory=Columns)
    tickets: Columns = field(default_factory=Columns)
    replies: Columns = field(default_factory=Columns)
    comments: Columns = field(default_factory=Columns)


class Sequences:
    """One id sequence per history entity (and a counter for unserved discounts)."""

    def __init__(self, rng: random.Random) -> None:
        self.invoice, self.debit, self.credit = IdSequence(rng), IdSequence(rng), IdSequence(rng)
        self.payment, self.note, self.ticket = IdSequence(rng), IdSequence(rng), IdSequence(rng)
        self.reply, self.comment = IdSequence(rng), IdSequence(rng)
        self.discount = 0
