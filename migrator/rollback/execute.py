"""Carrying out a rollback plan kept in the state file, entity by entity, children first.

Through the API, each record is one DELETE on its item URL (a customer is
first set ``disabled``: harmless where Splynx deletes active customers,
needed where it does not); writers share the client's rate limiter and
retry policy, as in a run. With ``SPLYNX_DB_DSN`` set, money rows and
customer comments go in batches through the database (``db_delete``).

A record deleted, or answered 404 (gone already: an earlier, interrupted
rollback, or someone else), leaves the plan and the id map. A delete Splynx
refuses stays in the plan with Splynx's answer, named in the report; the
next rollback tries it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import anyio

from migrator.entity_map import mapped
from migrator.errors import Rejected
from migrator.events import Emit, RecordsSettled, StreamFinished, StreamPlanned
from migrator.pipeline.state import Planned, StateStore
from migrator.rollback.db_delete import DB_TABLES, delete_rows
from migrator.rollback.plan import ROLLBACK_ORDER
from migrator.splynx.classify import NotFound
from migrator.splynx.client import SplynxClient
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.endpoints import endpoint

__all__ = ["Deleter", "Outcome", "Refused"]

_SETTLE_EVERY = 50  # records confirmed gone per state transaction


@dataclass(frozen=True)
class Refused:
    """A delete Splynx refused, with its answer."""

    entity: str
    sonar_id: int
    splynx_id: int
    reason: str


@dataclass
class Outcome:
    deleted: dict[str, int] = field(default_factory=dict)
    gone: dict[str, int] = field(default_factory=dict)
    refused: list[Refused] = field(default_factory=list)


class Deleter:
    """Deletes what the state file's plan still holds."""

    def __init__(
        self,
        store: StateStore,
        splynx: SplynxClient,
        *,
        db: SplynxDatabase | None,
        emit: Emit,
        writers: int,
    ) -> None:
        self._store, self._splynx, self._db = store, splynx, db
        self._emit, self._writers = emit, max(1, writers)
        self.outcome = Outcome()

    async def run(self) -> Outcome:
        for entity in ROLLBACK_ORDER:
            rows = self._store.rollback_pending(entity)
            if not rows:
                continue
            self._emit(StreamPlanned(entity, len(rows)))
            if self._db is not None and entity in DB_TABLES:
                await delete_rows(self._db, entity, [row.splynx_id for row in rows])
                self._settled(entity, [row.sonar_id for row in rows], gone=False)
            else:
                await self._through_api(entity, rows)
            self._emit(StreamFinished(entity))
        return self.outcome

    async def _through_api(self, entity: str, rows: Sequence[Planned]) -> None:
        async with anyio.create_task_group() as tg:
            for worker in range(self._writers):
                tg.start_soon(self._worker, entity, rows[worker :: self._writers])

    async def _worker(self, entity: str, rows: Sequence[Planned]) -> None:
        done: list[int] = []
        gone: list[int] = []
        try:
            for row in rows:
                found = await self._delete(entity, row)
                if found is not None:
                    (done if found else gone).append(row.sonar_id)
                if len(done) + len(gone) >= _SETTLE_EVERY:
                    self._flush(entity, done, gone)
        finally:  # synchronous: a cancellation cannot cut it short
            self._flush(entity, done, gone)

    def _flush(self, entity: str, done: list[int], gone: list[int]) -> None:
        self._settled(entity, done, gone=False)
        self._settled(entity, gone, gone=True)
        done.clear()
        gone.clear()

    async def _delete(self, entity: str, row: Planned) -> bool | None:
        """True: deleted; False: already gone; None: refused (kept in the plan)."""
        target = endpoint(mapped(entity).endpoint)
        needs_customer = "customer_id" in target.parents() or "{customer_id}" in target.item
        parents = {"customer_id": row.customer_id or 0} if needs_customer else {}
        try:
            if entity == "customers":
                await self._splynx.update(target, row.splynx_id, {"status": "disabled"})
            return await self._splynx.delete(target, row.splynx_id, **parents)
        except NotFound:
            return False
        except Rejected as exc:
            refused = Refused(entity, row.sonar_id, row.splynx_id, str(exc))
            self.outcome.refused.append(refused)
            self._emit(RecordsSettled(entity, "rejected"))
            return None

    def _settled(self, entity: str, sonar_ids: list[int], *, gone: bool) -> None:
        if not sonar_ids:
            return
        self._store.rolled_back(entity, sonar_ids)
        tally = self.outcome.gone if gone else self.outcome.deleted
        tally[entity] = tally.get(entity, 0) + len(sonar_ids)
        if gone:
            self._emit(RecordsSettled(entity, "skipped", count=len(sonar_ids), reason="gone"))
        else:  # the display's "written" column counts the deletes
            self._emit(RecordsSettled(entity, "created", count=len(sonar_ids)))
