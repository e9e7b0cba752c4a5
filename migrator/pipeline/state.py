"""The state store: what this migration has done, kept in one SQLite file (WAL, 0600).

It holds, per entity, the id map (Sonar id → Splynx id, and whether we created
or adopted the record), per-partition checkpoints, the rejects (the original
Sonar record, the reason, Splynx's raw answer) and the runs.

Writes are buffered and flushed in one transaction (by size or age), so the
store is never the bottleneck; lookups consult the buffer first. Checkpoints
are flushed in the same transaction as the mappings and rejects they cover,
and only ever move forward. Calls are synchronous and short (point reads on
an index, batched writes): they run on the event loop on purpose, which keeps
the ordering of state changes obvious.
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from migrator.errors import ConfigError
from migrator.pipeline.state_health import DAMAGED, StateDamaged, check_pages
from migrator.pipeline.state_reports import StateReports
from migrator.pipeline.state_rollback import Planned, StateRollback
from migrator.pipeline.state_schema import (
    SCHEMA,
    EntityCounts,
    Link,
    PartitionState,
    RejectRow,
    RunRow,
)
from migrator.policy.clock import SYSTEM_CLOCK, Clock
from migrator.private_files import private_file

__all__ = [
    "EntityCounts",
    "Link",
    "PartitionState",
    "Planned",
    "RejectRow",
    "RunRow",
    "StateDamaged",
    "StateStore",
]

RECENT_MAPPINGS = 10_000  # flushed mappings kept for look-ups (~1 MB; a miss asks SQLite)

# "checked" is what a dry run records in its throwaway in-memory store.
_HOW = frozenset({"created", "adopted", "existing", "checked"})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StateStore(StateReports, StateRollback):
    """The one owner of the state file. Open with ``StateStore.open(path)``."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        *,
        flush_rows: int = 500,
        flush_seconds: float = 1.0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self._db = connection
        self._flush_rows = flush_rows
        self._flush_seconds = flush_seconds
        self._clock = clock
        self._last_flush = clock.now()
        self._maps: dict[tuple[str, int], tuple[int, str, int | None]] = {}
        # Recently flushed mappings: children look their parents up right after the
        # parents were written, so most look-ups never reach SQLite. Bounded.
        self._recent: OrderedDict[tuple[str, int], int] = OrderedDict()
        self._rejects: dict[tuple[str, int], tuple[str, str, str, str | None, int | None]] = {}
        self._checkpoints: dict[tuple[str, int], tuple[int, bool]] = {}
        self._cleanups: list[tuple[str, int, str, int | None]] = []
        self._links: list[tuple[str, int, str, str, int]] = []
        self._balances: dict[int, int] = {}
        self.balanced: set[int] = set()  # accounts whose Sonar balance this process read
        # A delta keeps its own partitions and checkpoints (``partition_scope``): the full
        # run's say nothing of what changed since, and a crashed delta resumes from its own.
        self.partition_scope = ""
        self.run_id: int | None = None
        self.flushes = 0

    @classmethod
    def open(cls, path: Path, **options: Any) -> StateStore:
        """Open (or create) the state file, checked page by page first (``StateDamaged``)."""
        try:
            if str(path) != ":memory:":
                private_file(path)  # before SQLite opens it
            connection = sqlite3.connect(path, isolation_level=None)
            check_pages(connection, path)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            if exc.sqlite_errorname in DAMAGED:
                raise StateDamaged(path, str(exc)) from exc
            raise ConfigError(f"cannot open the state file {path}: {exc}") from exc
        except OSError as exc:
            raise ConfigError(f"cannot open the state file {path}: {exc}") from exc
        return cls(connection, **options)

    def close(self) -> None:
        self.flush()
        self._db.close()

    # -- runs ---------------------------------------------------------------

    def begin_run(self, command: str) -> int:
        cursor = self._db.execute(
            "INSERT INTO runs (command, started_at) VALUES (?, ?)", (command, _now())
        )
        assert cursor.lastrowid is not None
        self.run_id = cursor.lastrowid
        return cursor.lastrowid

    def finish_run(
        self, run_id: int, *, status: str, exit_code: int, summary: Mapping[str, Any]
    ) -> None:
        self.flush()
        self._db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, exit_code = ?, summary = ? WHERE id = ?",
            (_now(), status, exit_code, json.dumps(summary), run_id),
        )

    # -- id map -------------------------------------------------------------

    def splynx_id(self, entity: str, sonar_id: int) -> int | None:
        """The Splynx id this Sonar record became, if it was created or adopted."""
        key = (entity, sonar_id)
        pending = self._maps.get(key)
        if pending is not None:
            return pending[0]
        recent = self._recent.get(key)
        if recent is not None:
            return recent
        row = self._db.execute(
            "SELECT splynx_id FROM id_map WHERE entity = ? AND sonar_id = ?", (entity, sonar_id)
        ).fetchone()
        return None if row is None else int(row[0])

    def mapping(self, entity: str, sonar_id: int) -> tuple[int, str] | None:
        """The Splynx id this Sonar record became and how (created, adopted, existing)."""
        pending = self._maps.get((entity, sonar_id))
        if pending is not None:
            return pending[0], pending[1]
        row = self._db.execute(
            "SELECT splynx_id, how FROM id_map WHERE entity = ? AND sonar_id = ?",
            (entity, sonar_id),
        ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def mapped(
        self, entity: str, sonar_id: int, splynx_id: int, *, how: str, run_id: int | None
    ) -> None:
        """Remember a record now in Splynx.

        ``how``: ``created`` (we got the 201), ``adopted`` (found by its marker
        after an unknown outcome or a crash), ``existing`` (matched by a natural
        key to a record that was already there, e.g. a partner by name).
        """
        if how not in _HOW:
            raise ValueError(f"unknown mapping kind {how!r}")
        self._maps[(entity, sonar_id)] = (splynx_id, how, run_id)
        self._rejects.pop((entity, sonar_id), None)
        self.maybe_flush()

    def forget(self, entity: str, sonar_id: int) -> None:
        """Drop a mapping (after rollback deleted the Splynx record)."""
        self.flush()
        self._recent.pop((entity, sonar_id), None)
        self._db.execute("DELETE FROM id_map WHERE entity = ? AND sonar_id = ?", (entity, sonar_id))

    # -- rejects ------------------------------------------------------------

    def rejected(
        self,
        entity: str,
        sonar_id: int,
        *,
        field: str,
        reason: str,
        record: Mapping[str, Any],
        answer: str | None,
        run_id: int | None,
    ) -> None:
        """Keep a record that could not be migrated, with why and what Splynx said."""
        document = json.dumps(record, ensure_ascii=False, default=str)
        self._rejects[(entity, sonar_id)] = (field, reason, document, answer, run_id)
        self.maybe_flush()

    # -- clean-up notes and deferred links ------------------------------------

    def cleaned(self, entity: str, sonar_id: int, notes: tuple[str, ...]) -> None:
        """Keep what a transform changed on the way (truncations, dropped emails...)."""
        self._cleanups.extend((entity, sonar_id, note, self.run_id) for note in notes)
        self.maybe_flush()

    def defer_link(
        self, entity: str, sonar_id: int, field: str, target_entity: str, target_sonar_id: int
    ) -> None:
        self._links.append((entity, sonar_id, field, target_entity, target_sonar_id))
        self.maybe_flush()

    def linked(self, link: Link) -> None:
        """The deferred link is set (or given up, with a clean-up note): forget it."""
        self.flush()
        self._db.execute(
            "DELETE FROM links WHERE entity = ? AND sonar_id = ? AND field = ?",
            (link.entity, link.sonar_id, link.field),
        )

    def sonar_balance(self, account_id: int, owed_cents: int) -> None:
        """Keep what an account owes in Sonar (read with its ledger), for the balance check.

        Flushed with the checkpoints, never after one that passes the account.
        """
        self._balances[account_id] = owed_cents
        self.balanced.add(account_id)

    # -- RADIUS logins (what a delta knows of every account's logins) ---------

    def radius_logins(self) -> dict[int, tuple[str, int]]:
        """Every Sonar RADIUS account last read: id -> (username, account id)."""
        rows = self._db.execute("SELECT radius_id, username, account_id FROM radius_logins")
        return {int(r[0]): (str(r[1]), int(r[2])) for r in rows}

    def keep_radius_logins(self, logins: Mapping[int, tuple[str, int]]) -> None:
        """Replace the RADIUS logins kept (a read of them all, or the last one brought up to
        date by a delta)."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM radius_logins")
            self._db.executemany(
                "INSERT INTO radius_logins (radius_id, username, account_id) VALUES (?,?,?)",
                [(radius_id, *login) for radius_id, login in logins.items()],
            )

    # -- partitions and checkpoints ----------------------------------------

    def partitions(self, entity: str) -> list[PartitionState]:
        self.flush()
        rows = self._db.execute(
            "SELECT part, low, high, checkpoint, done FROM partitions "
            "WHERE entity = ? ORDER BY part",
            (entity + self.partition_scope,),
        ).fetchall()
        return [
            PartitionState(entity, row[0], row[1], row[2], row[3], bool(row[4])) for row in rows
        ]

    def plan_partitions(self, entity: str, bounds: list[tuple[int, int]]) -> list[PartitionState]:
        """Store an entity's partitions once; later runs keep the stored plan."""
        existing = self.partitions(entity)
        if existing:
            return existing
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO partitions (entity, part, low, high, checkpoint) VALUES (?,?,?,?,?)",
                [
                    (entity + self.partition_scope, i, low, high, low - 1)
                    for i, (low, high) in enumerate(bounds)
                ],
            )
        return self.partitions(entity)

    def checkpoint(self, entity: str, part: int, position: int, *, done: bool = False) -> None:
        """Move a partition's checkpoint forward (never back); flushed with what it covers."""
        key = (entity + self.partition_scope, part)
        previous, was_done = self._checkpoints.get(key, (position, False))
        self._checkpoints[key] = (max(previous, position), done or was_done)
        self.maybe_flush()

    # -- flushing -------------------------------------------------------------

    @property
    def unflushed_at_most(self) -> int:
        """Most rows held in memory before they are flushed: what a crash can lose."""
        return self._flush_rows

    def maybe_flush(self) -> None:
        buffered = len(self._maps) + len(self._rejects) + len(self._cleanups) + len(self._links)
        aged = self._clock.now() - self._last_flush >= self._flush_seconds
        if buffered >= self._flush_rows or (aged and (buffered or self._checkpoints)):
            self.flush()

    def flush(self) -> None:
        """Write everything buffered in one transaction."""
        self._last_flush = self._clock.now()
        pending = (self._maps, self._rejects, self._checkpoints, self._cleanups, self._links)
        if not any(pending) and not self._balances:
            return
        at = _now()
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO id_map (entity, sonar_id, splynx_id, how, run_id) VALUES (?,?,?,?,?) "
                "ON CONFLICT (entity, sonar_id) DO UPDATE SET splynx_id = excluded.splynx_id, "
                "how = CASE WHEN id_map.how = 'created' THEN 'created' ELSE excluded.how END",
                [(e, s, *value) for (e, s), value in self._maps.items()],
            )
            self._db.executemany(
                "DELETE FROM rejects WHERE entity = ? AND sonar_id = ?", list(self._maps)
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO rejects "
                "(entity, sonar_id, field, reason, record, answer, run_id, at) "
                "VALUES (?,?,?,?,?,?,?,?)",
                [(e, s, *value, at) for (e, s), value in self._rejects.items()],
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO cleanups (entity, sonar_id, note, run_id) VALUES (?,?,?,?)",
                self._cleanups,
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO links "
                "(entity, sonar_id, field, target_entity, target_sonar_id) VALUES (?,?,?,?,?)",
                self._links,
            )
            self._db.executemany(
                "UPDATE partitions SET checkpoint = MAX(checkpoint, ?), done = MAX(done, ?) "
                "WHERE entity = ? AND part = ?",
                [(pos, int(done), e, p) for (e, p), (pos, done) in self._checkpoints.items()],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO sonar_balances (account_id, owed_cents) VALUES (?, ?)",
                list(self._balances.items()),
            )
        for key, (splynx_id, _, _) in self._maps.items():
            self._recent[key] = splynx_id
        while len(self._recent) > RECENT_MAPPINGS:
            self._recent.popitem(last=False)
        self._maps.clear()
        self._rejects.clear()
        self._checkpoints.clear()
        self._cleanups.clear()
        self._links.clear()
        self._balances.clear()
        self.flushes += 1

    # -- reporting --------------------------------------------------------------
