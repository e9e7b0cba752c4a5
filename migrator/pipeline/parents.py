"""Per-record waiting for parents, so a child need not wait for a whole parent entity.

A service needs its customer's Splynx id. If the customer is mapped, the
service goes ahead at once; if not, its writer waits for exactly that
customer. The wait ends when the customer is mapped (go on), when it is
settled without a mapping (rejected, or absent from Sonar: the child is
rejected with a reason naming the field), or when the customer entity has
finished. An entity that finished without reaching the customer's id (a
``--limit`` sample stopped first) says nothing about it: the child is then
skipped (``NotInSample``), not rejected, and a later run migrates it.
"""

from __future__ import annotations

from collections.abc import Callable

import anyio

from migrator.pipeline.state import StateStore
from migrator.records import ParentRef

__all__ = ["NotInSample", "ParentIndex", "Stopped"]

Settled = Callable[[int], bool]


class Stopped(Exception):
    """The run is draining: stop waiting, and leave the record for the next run."""


class NotInSample(Exception):
    """The parent's entity stopped (``--limit``) before reaching it: skip, do not reject."""


class ParentIndex:
    """Answers "what is this parent's Splynx id?", waiting when the answer is not known yet."""

    def __init__(self, store: StateStore) -> None:
        self._store = store
        self._waiters: dict[tuple[str, int], anyio.Event] = {}
        self._closed: set[str] = set()
        self._failed: set[tuple[str, int]] = set()
        self._skipped: set[tuple[str, int]] = set()
        self._settled: dict[str, Settled] = {}
        self._positions: dict[tuple[str, int], int] = {}  # a waiter's parent's cursor
        self._stopped = False

    def track(self, entity: str, settled: Settled) -> None:
        """Register how to tell whether an id of ``entity`` is already settled this run."""
        self._settled[entity] = settled

    async def resolve(self, ref: ParentRef) -> int | None:
        """The parent's Splynx id, or None once it is certain there will be none."""
        key = (ref.entity, ref.sonar_id)
        while True:
            if self._stopped:
                raise Stopped
            found = self._store.splynx_id(ref.entity, ref.sonar_id)
            if found is not None:
                return found
            if key in self._failed:
                return None
            settled = self._settled.get(ref.entity)
            reached = settled is None or settled(ref.position)
            if key in self._skipped or (ref.entity in self._closed and not reached):
                raise NotInSample
            if ref.entity in self._closed or (settled is not None and reached):
                return None
            event = self._waiters.get(key)
            if event is None:
                event = self._waiters[key] = anyio.Event()
                self._positions[key] = ref.position
            await event.wait()

    def _wake(self, key: tuple[str, int]) -> None:
        self._positions.pop(key, None)
        event = self._waiters.pop(key, None)
        if event is not None:
            event.set()

    def mapped(self, entity: str, sonar_id: int) -> None:
        self._wake((entity, sonar_id))

    def failed(self, entity: str, sonar_id: int) -> None:
        self._failed.add((entity, sonar_id))
        self._wake((entity, sonar_id))

    def skipped(self, entity: str, sonar_id: int) -> None:
        """The record was skipped (its own parent not in the sample): so are its children."""
        self._skipped.add((entity, sonar_id))
        self._wake((entity, sonar_id))

    def progressed(self, entity: str) -> None:
        """A checkpoint of ``entity`` moved: wake the waiters whose parent it has now passed
        (settled without a mapping; the mapped ones were woken by ``mapped`` already)."""
        settled = self._settled.get(entity)
        if settled is None:
            return
        waiting = [k for k in self._waiters if k[0] == entity]
        for key in [k for k in waiting if settled(self._positions.get(k, k[1]))]:
            self._wake(key)

    def stop(self) -> None:
        """Wake every waiter with ``Stopped`` (the run is draining)."""
        self._stopped = True
        for key in list(self._waiters):
            self._wake(key)

    def close(self, entity: str) -> None:
        """``entity`` will map nothing more in this run: every waiter for it re-checks."""
        self._closed.add(entity)
        for key in [k for k in self._waiters if k[0] == entity]:
            self._wake(key)
