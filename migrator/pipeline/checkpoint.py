"""Which prefix of a partition is finished, when writers finish out of order.

A producer hands the records of one partition to the writers in cursor order
(the Sonar id it pages by); writers finish them in any order. Several records
may share one cursor (an account's services all sit at the account's id).
The checkpoint is the highest cursor such that every record at or below it
is written or rejected, so a resumed run can start right after it and miss
nothing.
"""

from __future__ import annotations

from collections import deque

__all__ = ["PartitionProgress"]


class PartitionProgress:
    """Tracks dispatched-but-unfinished records of one partition; owns its checkpoint.

    ``dispatched`` must be called in non-decreasing cursor order (the
    producer's order); ``finished`` in any order. The checkpoint only ever
    moves forward.
    """

    def __init__(self, checkpoint: int) -> None:
        self.checkpoint = checkpoint
        self._cursors: deque[int] = deque()
        self._open: dict[int, int] = {}  # cursor -> records not finished yet
        self._total: dict[int, int] = {}  # cursor -> records dispatched at it
        # Records beyond the checkpoint: unfinished ones and finished ones held back
        # behind a slower one. The producer keeps this under its window.
        self.pending = 0
        self.exhausted = False  # the producer has read the partition to its end

    def dispatched(self, cursor: int) -> None:
        if cursor <= self.checkpoint:
            raise ValueError(f"cursor {cursor} is at or below the checkpoint {self.checkpoint}")
        if self._cursors and cursor < self._cursors[-1]:
            raise ValueError(f"cursors must not go back: {cursor} after {self._cursors[-1]}")
        if not self._cursors or cursor != self._cursors[-1]:
            self._cursors.append(cursor)
        self._open[cursor] = self._open.get(cursor, 0) + 1
        self._total[cursor] = self._total.get(cursor, 0) + 1
        self.pending += 1

    def finished(self, cursor: int) -> bool:
        """Record one finished record; return whether the checkpoint moved."""
        self._open[cursor] -= 1
        moved = False
        while self._cursors and self._open[self._cursors[0]] == 0:
            head = self._cursors.popleft()
            del self._open[head]
            self.pending -= self._total.pop(head)
            self.checkpoint = head
            moved = True
        return moved

    def reached(self, position: int) -> None:
        """Move the checkpoint to ``position`` when nothing is pending.

        The producer calls this once the partition is read to its end, so a
        partition whose last ids had nothing to do still closes.
        """
        if not self._cursors and position > self.checkpoint:
            self.checkpoint = position

    @property
    def done(self) -> bool:
        return self.exhausted and not self._cursors
