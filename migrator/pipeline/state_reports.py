"""Reading the state file back: runs, rejects, clean-ups, links, counts.

A mixin of ``StateStore``: every read flushes the write buffer first, so what
is reported is what has happened, not what was last written to disk.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from migrator.pipeline.state_schema import EntityCounts, Link, RejectRow, RunRow

__all__ = ["StateReports"]


class StateReports:
    """The read side of the state store (needs ``_db`` and ``flush`` from it)."""

    _db: sqlite3.Connection

    def flush(self) -> None:
        raise NotImplementedError

    def runs(self) -> list[RunRow]:
        rows = self._db.execute(
            "SELECT id, command, started_at, finished_at, status, exit_code, summary "
            "FROM runs ORDER BY id"
        ).fetchall()
        return [
            RunRow(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6] or "null"))
            for row in rows
        ]

    def created(self, entity: str) -> Iterator[tuple[int, int]]:
        """(sonar id, splynx id) of records our runs put into Splynx, newest first.

        Adopted records count: a record found by its migrator marker was
        created by a migrator run whose answer we did not get to keep. Records
        matched to something already in Splynx (``existing``) are not ours.
        """
        self.flush()
        yield from self._db.execute(
            "SELECT sonar_id, splynx_id FROM id_map WHERE entity = ? "
            "AND how IN ('created', 'adopted') ORDER BY sonar_id DESC",
            (entity,),
        )

    def customer_balances(self) -> Iterator[tuple[int, int, int]]:
        """(account id, Splynx customer id, cents owed in Sonar) of each migrated customer
        whose ledger was read, by account id."""
        self.flush()
        yield from self._db.execute(
            "SELECT b.account_id, m.splynx_id, b.owed_cents FROM sonar_balances b "
            "JOIN id_map m ON m.entity = 'customers' AND m.sonar_id = b.account_id "
            "ORDER BY b.account_id"
        )

    def rejects(self, entity: str | None = None) -> Iterator[RejectRow]:
        self.flush()
        query = "SELECT entity, sonar_id, field, reason, record, answer, run_id, at FROM rejects"
        params: tuple[Any, ...] = ()
        if entity is not None:
            query += " WHERE entity = ?"
            params = (entity,)
        for row in self._db.execute(query + " ORDER BY entity, sonar_id", params):
            yield RejectRow(row[0], row[1], row[2], row[3], json.loads(row[4]), *row[5:])

    def cleanups(self, entity: str | None = None) -> Iterator[tuple[str, int, str]]:
        self.flush()
        query = "SELECT entity, sonar_id, note FROM cleanups"
        params: tuple[Any, ...] = ()
        if entity is not None:
            query += " WHERE entity = ?"
            params = (entity,)
        yield from self._db.execute(query + " ORDER BY entity, sonar_id", params)

    def links(self, entity: str) -> list[Link]:
        self.flush()
        rows = self._db.execute(
            "SELECT entity, sonar_id, field, target_entity, target_sonar_id FROM links "
            "WHERE entity = ? ORDER BY sonar_id",
            (entity,),
        ).fetchall()
        return [Link(*row) for row in rows]

    def counts(self) -> list[EntityCounts]:
        """Per entity: created, adopted, existing, rejected, partitions (done of all)."""
        self.flush()
        rows = self._db.execute(
            """
            WITH names AS (
                SELECT entity FROM id_map UNION SELECT entity FROM rejects
                UNION SELECT entity FROM partitions WHERE instr(entity, '@') = 0
            )
            SELECT n.entity,
                (SELECT COUNT(*) FROM id_map m WHERE m.entity = n.entity AND m.how = 'created'),
                (SELECT COUNT(*) FROM id_map m WHERE m.entity = n.entity AND m.how = 'adopted'),
                (SELECT COUNT(*) FROM id_map m WHERE m.entity = n.entity AND m.how = 'existing'),
                (SELECT COUNT(*) FROM rejects r WHERE r.entity = n.entity),
                (SELECT COUNT(*) FROM partitions p WHERE p.entity = n.entity),
                (SELECT COUNT(*) FROM partitions p WHERE p.entity = n.entity AND p.done)
            FROM names n ORDER BY n.entity
            """
        ).fetchall()
        return [EntityCounts(*row) for row in rows]
