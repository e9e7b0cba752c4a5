"""Which prefix of a partition is finished, when writers finish out of order.

A producer hands records of one partition to the writers in ascending id
order; writers finish them in any order. The checkpoint is the highest id such
that every record of the partition up to it is written or rejected, so a
resumed run can start right after it and miss nothing.
"""

from __future__ import annotations

from collections import deque

__all__ = ["PartitionProgress"]


class PartitionProgress:
    """Tracks dispatched-but-unfinished ids of one partition; owns its checkpoint.

    ``dispatched`` must be called in ascending id order (the producer's order);
    ``finished`` in any order. The checkpoint only ever moves forward.
    """

    def __init__(self, checkpoint: int) -> None:
        self.checkpoint = checkpoint
        self._in_order: deque[int] = deque()
        self._finished: set[int] = set()
        self.exhausted = False  # the producer has read the partition to its end

    def dispatched(self, sonar_id: int) -> None:
        if self._in_order and sonar_id <= self._in_order[-1]:
            raise ValueError(f"ids must be dispatched in ascending order: {sonar_id}")
        if sonar_id <= self.checkpoint:
            raise ValueError(f"id {sonar_id} is at or below the checkpoint {self.checkpoint}")
        self._in_order.append(sonar_id)

    def finished(self, sonar_id: int) -> bool:
        """Record one finished id; return whether the checkpoint moved."""
        self._finished.add(sonar_id)
        moved = False
        while self._in_order and self._in_order[0] in self._finished:
            head = self._in_order.popleft()
            self._finished.discard(head)
            self.checkpoint = head
            moved = True
        return moved

    def reached(self, position: int) -> None:
        """Move the checkpoint to ``position`` when nothing below it is pending.

        The producer calls this after a page came back with no record beyond
        ``position`` (e.g. the partition's upper bound), so a partition whose
        last ids were gaps still closes.
        """
        if not self._in_order and position > self.checkpoint:
            self.checkpoint = position

    @property
    def pending(self) -> int:
        return len(self._in_order)

    @property
    def done(self) -> bool:
        return self.exhausted and not self._in_order
