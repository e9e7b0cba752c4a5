"""The state file's side of ``migrator rollback``: what to delete, and what is gone.

A mixin of ``StateStore``. A rollback first writes its whole plan (every
record it will delete, with the customer it hangs from) in one transaction,
then deletes entity by entity; each record deleted (or found already gone)
leaves the plan and the id map in one transaction. So an interrupted rollback
resumes from the plan without deciding again (its own deletes must not make
records look changed), and once the plan is empty the id map no longer claims
anything it deleted: a new run migrates those records again.

An entity that lost records also loses its partitions and checkpoints, so the
next run reads it from the start; records still mapped are skipped there as
in any resumed run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Planned", "StateRollback"]


@dataclass(frozen=True)
class Planned:
    """One record a rollback deletes: its entity, ids and (for children) its customer."""

    entity: str
    sonar_id: int
    splynx_id: int
    customer_id: int | None = None


class StateRollback:
    """Rollback's reads and writes of the state file (needs ``_db`` and ``flush``)."""

    _db: sqlite3.Connection

    def flush(self) -> None:
        raise NotImplementedError

    def ours(self, entity: str, run_id: int | None) -> list[tuple[int, int, str]]:
        """(sonar id, splynx id, how) of records carrying our marker (all runs, or one).

        ``created``: we got Splynx's 201. ``adopted``: found by our marker (after
        a lost answer or a crash, or made by a run of another state file).
        ``existing`` records (the ISP's own, matched by name) are never listed.
        """
        self.flush()
        sql = (
            "SELECT sonar_id, splynx_id, how FROM id_map WHERE entity = ? "
            "AND how IN ('created', 'adopted')"
        )
        params: tuple[object, ...] = (entity,)
        if run_id is not None:
            sql += " AND run_id = ?"
            params = (entity, run_id)
        found = self._db.execute(sql + " ORDER BY sonar_id", params)
        return [(int(a), int(b), str(how)) for a, b, how in found]

    def plan_rollback(self, rows: Sequence[Planned]) -> None:
        """Keep the whole plan at once (it replaces none: call only with no plan pending)."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO rollback_plan (entity, sonar_id, splynx_id, customer_id) "
                "VALUES (?,?,?,?)",
                [(r.entity, r.sonar_id, r.splynx_id, r.customer_id) for r in rows],
            )

    def rollback_pending(self, entity: str | None = None) -> list[Planned]:
        """The planned deletes not done yet (of one entity, or all)."""
        sql = "SELECT entity, sonar_id, splynx_id, customer_id FROM rollback_plan"
        params: tuple[object, ...] = ()
        if entity is not None:
            sql += " WHERE entity = ?"
            params = (entity,)
        rows = self._db.execute(sql + " ORDER BY entity, sonar_id", params)
        return [Planned(*row) for row in rows]

    def rolled_back(self, entity: str, sonar_ids: Iterable[int]) -> None:
        """These records are gone from Splynx: out of the plan and the id map, together."""
        keys = [(entity, sonar_id) for sonar_id in sonar_ids]
        if not keys:
            return
        self.flush()
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "DELETE FROM rollback_plan WHERE entity = ? AND sonar_id = ?", keys
            )
            self._db.executemany("DELETE FROM id_map WHERE entity = ? AND sonar_id = ?", keys)
            self._db.executemany("DELETE FROM links WHERE entity = ? AND sonar_id = ?", keys)
            # the full run's partitions and every delta's (``entity@since``)
            self._db.execute(
                "DELETE FROM partitions WHERE entity = ? OR entity LIKE ?", (entity, f"{entity}@%")
            )
            if entity == "customers":
                self._db.executemany(
                    "DELETE FROM sonar_balances WHERE account_id = ?", [(s,) for _, s in keys]
                )
        self._forget_recent(keys)

    def _forget_recent(self, keys: Sequence[tuple[str, int]]) -> None:
        recent = getattr(self, "_recent", None)
        if recent is not None:
            for key in keys:
                recent.pop(key, None)
