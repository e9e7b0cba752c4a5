"""Where money records go when ``SPLYNX_DB_DSN`` is set: straight into Splynx's tables.

``TableSink`` adapts a batch writer of the Splynx database (``FinanceTables``:
one call writes a batch of invoices, payments or transactions in one
transaction, looking every marker up first) to the engine's ``BatchSink``.
The engine hands it up to ``batch_size`` records from each of
``concurrency`` writers; records it refuses are rejected alone, with the
database's reason.

A row written this way is marked like one the API writes (the invoice number,
the payment's receipt number, the transaction's comment), so a resumed run
adopts it, whichever path made it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, Literal, Protocol, TypeVar

from migrator.errors import ConfigError, Rejected
from migrator.pipeline.entities import Delivered

__all__ = ["BATCH_SIZE", "TABLE_CONCURRENCY", "RowWritten", "TableSink", "WriteRows"]

P = TypeVar("P")

BATCH_SIZE = 500  # records per database transaction
TABLE_CONCURRENCY = 2  # batches in flight per entity, each on its own connection


class RowWritten(Protocol):
    """A record the database writer stored (or found stored already)."""

    @property
    def splynx_id(self) -> int: ...

    @property
    def how(self) -> Literal["created", "adopted"]: ...


WriteRows = Callable[[Sequence[Any]], Awaitable[Sequence[RowWritten | Rejected]]]


class TableSink(Generic[P]):
    """Creates an entity's records in Splynx's tables, a batch per call."""

    def __init__(
        self,
        write: WriteRows,
        *,
        batch_size: int = BATCH_SIZE,
        concurrency: int = TABLE_CONCURRENCY,
    ) -> None:
        self._write = write
        self.batch_size = batch_size
        self.concurrency = concurrency

    async def deliver_many(self, payloads: Sequence[P]) -> list[Delivered | Rejected]:
        outcomes = await self._write(payloads)
        if len(outcomes) != len(payloads):
            raise AssertionError(f"{len(payloads)} rows written, {len(outcomes)} outcomes")
        return [
            outcome if isinstance(outcome, Rejected) else Delivered(outcome.splynx_id, outcome.how)
            for outcome in outcomes
        ]

    async def deliver(self, payload: P, *, verify: bool) -> Delivered:
        [outcome] = await self.deliver_many([payload])
        if isinstance(outcome, Rejected):
            raise outcome
        return outcome

    async def link(self, splynx_id: int, field: str, target_id: int) -> None:
        raise ConfigError(f"rows written to the database cannot link {field} afterwards")

    async def occupied(self) -> bool:
        """Never matters: every batch looks its markers up before it writes."""
        return False
