"""One batch of records into Splynx's tables: what the money and the support writers share.

Each payload becomes its rows first (a payload the rules refuse is that
record's reject, the others go on). The rows are written in one transaction,
retried as a whole on deadlocks, lock waits and lost connections; an answer
lost after the commit is retried only when every record can be looked up by
its key (the look-up first makes the re-run adopt what the lost commit
wrote). When the database refuses the batch, the records it refuses alone are
found by bisection (every probe rolled back) and rejected; the rest are
written without them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from migrator.errors import OutcomeUnknown, Rejected
from migrator.policy.retry import RetryPolicy, is_retriable
from migrator.policy.time_slice import TimeSlice
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.db_transaction import SqlTransaction

__all__ = ["BatchKind", "Outcome", "Written", "write_batch"]

log = logging.getLogger(__name__)

P = TypeVar("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Written:
    """The record's Splynx id, and whether this call wrote it or found it there."""

    splynx_id: int
    how: Literal["created", "adopted"]


Outcome = Written | Rejected
# the rows of some records, by their index in the batch -> each one's outcome
Write = Callable[[SqlTransaction, Sequence[tuple[int, R]]], Awaitable[dict[int, Outcome]]]


@dataclass(frozen=True)
class BatchKind(Generic[P, R]):
    """How one batch's records become rows, are written, and whether each can be found."""

    name: str
    rows: Callable[[P], R]  # a Rejected for a record the rules refuse
    write: Write[R]  # adopts what it finds, writes the rest
    findable: Callable[[R], bool]  # found again by a look-up (a marker or a natural key)


async def write_batch(
    db: SplynxDatabase, retry: RetryPolicy, kind: BatchKind[P, R], payloads: Sequence[P]
) -> list[Outcome]:
    """One outcome per payload, in order; the batch in one transaction."""
    results: dict[int, Outcome] = {}
    todo: list[tuple[int, R]] = []
    turns = TimeSlice()  # a batch's rows take a while to build: the API writers go on
    for index, payload in enumerate(payloads):
        try:
            todo.append((index, kind.rows(payload)))
        except Rejected as refused:
            results[index] = refused
        await turns.share()
    while todo:
        try:
            results.update(await _retried(db, retry, kind, todo))
            break
        except Rejected:  # the database refused a row: find it, go on without it
            culprits = await _culprits(db, kind, todo)
            if not culprits:  # refused together, never alone: not one record's fault
                raise
            log.info("%s: %d refused by the database", kind.name, len(culprits))
            results.update(culprits)
            todo = [(i, r) for i, r in todo if i not in culprits]
    return [results[index] for index in range(len(payloads))]


async def _retried(
    db: SplynxDatabase, retry: RetryPolicy, kind: BatchKind[P, R], todo: list[tuple[int, R]]
) -> dict[int, Outcome]:
    findable = all(kind.findable(rows) for _, rows in todo)

    def again(error: BaseException) -> bool:  # the look-up first makes a re-run safe
        return is_retriable(error) or (findable and isinstance(error, OutcomeUnknown))

    async def attempt() -> dict[int, Outcome]:
        async with db.transaction(f"write {len(todo)} {kind.name}") as tx:
            return await kind.write(tx, todo)

    return await retry.call(f"write {len(todo)} {kind.name}", attempt, retry_if=again)


async def _culprits(
    db: SplynxDatabase, kind: BatchKind[P, R], todo: list[tuple[int, R]]
) -> dict[int, Outcome]:
    """The records the database refuses, by bisection; every probe is rolled back."""
    try:
        async with db.transaction(f"probe {kind.name}", commit=False) as tx:
            await kind.write(tx, todo)
    except Rejected as refused:
        if len(todo) == 1:
            return {todo[0][0]: refused}
        half = len(todo) // 2
        found = await _culprits(db, kind, todo[:half])
        found.update(await _culprits(db, kind, todo[half:]))
        return found
    return {}
