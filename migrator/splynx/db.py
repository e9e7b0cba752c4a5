"""The Splynx database gateway: direct MySQL access for bulk loads and look-ups.

For history rows (transactions, payments, ticket messages...) the API is the
slow path; inserting straight into Splynx's tables is what an operator does
with a million rows. This gateway is the only code that does so, and it keeps
three promises:

- parameterized queries only: values are always bound; table and column names
  come from the fixed allow-list in ``tables`` (the real Splynx layouts), never
  from input;
- bulk inserts go in batches of multi-row INSERTs (``executemany``), one
  transaction per batch; a batch a bad row spoils is rolled back and re-done
  row by row, so every good row lands and every bad one is reported;
- the DSN's password is never logged or shown (``Dsn`` masks it).

Writers that must keep several tables consistent (``finance_db``) take a whole
transaction (``transaction()``) and write their own statements in it.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiomysql
import anyio
import anyio.abc
import pymysql
from pydantic import SecretStr

from migrator.errors import Rejected, most_telling
from migrator.splynx.db_errors import translate
from migrator.splynx.db_transaction import SqlTransaction, open_transaction
from migrator.splynx.dsn import Dsn
from migrator.splynx.tables import ADDITIONAL_VALUES, Table, quoted, table

__all__ = ["BulkReport", "RowRejected", "SplynxDatabase"]

log = logging.getLogger(__name__)
_Batch = tuple[int, str, list[tuple[object, ...]]]
_DB_ERRORS = (pymysql.err.MySQLError, OSError)


@dataclass(frozen=True)
class RowRejected:
    """Row number ``index`` of a bulk insert, and why the database refused it."""

    index: int
    error: Rejected


@dataclass(frozen=True)
class BulkReport:
    """What a bulk insert did: rows stored, batches, time taken, rows refused."""

    table: str
    rows: int
    batches: int
    seconds: float
    rejected: tuple[RowRejected, ...] = field(default=())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class _Tally:
    stored: int = 0
    batches: int = 0
    rejected: list[RowRejected] = field(default_factory=list)


class SplynxDatabase:
    """Look-ups, counts and bulk inserts on a Splynx MySQL database (aiomysql pool)."""

    def __init__(self, pool: aiomysql.Pool, dsn: Dsn) -> None:
        self._pool = pool
        self.dsn = dsn

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls, dsn: str | SecretStr | Dsn, *, pool_size: int = 4, connect_timeout: float = 10.0
    ) -> AsyncIterator[SplynxDatabase]:
        """A connection pool to ``SPLYNX_DB_DSN`` (``mysql://user:pass@host:3306/db``)."""
        parsed = dsn if isinstance(dsn, Dsn) else Dsn.parse(dsn)
        try:
            pool = await aiomysql.create_pool(
                minsize=1, maxsize=pool_size, autocommit=True, charset="utf8mb4",
                connect_timeout=connect_timeout, **parsed.connect_args(),
            )  # fmt: skip
        except _DB_ERRORS as exc:
            raise translate(exc, what=f"connect to {parsed}") from None
        log.info("connected to the Splynx database %s", parsed)
        try:
            yield cls(pool, parsed)
        finally:
            pool.close()
            await pool.wait_closed()

    async def _query(self, sql: str, params: Sequence[object], what: str) -> list[Any]:
        try:
            async with self._pool.acquire() as conn, conn.cursor() as cursor:
                await cursor.execute(sql, params)
                return list(await cursor.fetchall())
        except _DB_ERRORS as exc:
            raise translate(exc, what=what) from exc

    def transaction(
        self, what: str, *, commit: bool = True
    ) -> contextlib.AbstractAsyncContextManager[SqlTransaction]:
        """One transaction on one connection (``db_transaction``): all of it or nothing."""
        return open_transaction(self._pool, what, commit=commit)

    async def ping(self) -> None:
        """Raise unless the database answers."""
        await self._query("SELECT 1", (), "ping")

    async def count(
        self, name: str, where: Mapping[str, object] | None = None, *, deleted: bool = False
    ) -> int:
        """Rows in an allow-listed table (soft-deleted ones left out unless ``deleted``)."""
        layout = table(name)
        clause, params = _where(layout, where or {}, deleted)
        rows = await self._query(f"SELECT COUNT(*) FROM {quoted(name)}{clause}", params, "count")
        return int(rows[0][0])

    async def find_id(
        self, name: str, column: str, value: object, *, deleted: bool = False
    ) -> int | None:
        """The lowest id of a row whose ``column`` equals ``value`` (a marker look-up)."""
        layout = table(name)
        key = quoted(layout.primary_key[0])
        clause, params = _where(layout, {column: value}, deleted)
        sql = f"SELECT MIN({key}) FROM {quoted(name)}{clause}"
        rows = await self._query(sql, params, f"look-up in {name}")
        return None if rows[0][0] is None else int(rows[0][0])

    async def find_by_additional(self, module: str, name: str, value: object) -> int | None:
        """The id of the live record whose additional field ``name`` equals ``value``."""
        values_table, owner = ADDITIONAL_VALUES[module]
        records, values = table(module), table(values_table)
        key, fk = quoted(records.primary_key[0]), quoted(values.column(owner).name)
        live = f" AND r.{quoted('deleted')} = '0'" if records.soft_deleted else ""
        sql = (
            f"SELECT MIN(r.{key}) FROM {quoted(values_table)} v JOIN {quoted(module)} r "
            f"ON r.{key} = v.{fk} WHERE v.{quoted('name')} = %s AND v.{quoted('value')} = %s{live}"
        )
        rows = await self._query(sql, (name, str(value)), f"look-up in {values_table}")
        return None if rows[0][0] is None else int(rows[0][0])

    async def fetch(self, name: str, id: int) -> dict[str, Any] | None:
        """One row by primary key, keyed by Splynx's real column names."""
        layout = table(name)
        columns = ", ".join(quoted(c) for c in layout.names)
        sql = f"SELECT {columns} FROM {quoted(name)} WHERE {quoted(layout.primary_key[0])} = %s"
        rows = await self._query(sql, (id,), f"read {name}")
        return dict(zip(layout.names, rows[0], strict=True)) if rows else None

    async def insert(self, name: str, row: Mapping[str, object]) -> int:
        """Insert one row (completed with Splynx's zero values); its new id."""
        layout = table(name)
        full = layout.complete(row)
        try:
            async with self._pool.acquire() as conn, conn.cursor() as cursor:
                await cursor.execute(_insert_sql(layout, tuple(full)), tuple(full.values()))
                return int(cursor.lastrowid)
        except _DB_ERRORS as exc:
            raise translate(exc, what=f"insert into {name}") from exc

    async def bulk_insert(
        self,
        name: str,
        rows: Sequence[Mapping[str, object]],
        *,
        batch_size: int = 1000,
        concurrency: int = 2,
    ) -> BulkReport:
        """Insert ``rows`` in multi-row batches, one transaction each; report rows/s.

        ``concurrency`` batches are in flight at once on separate connections, so
        encoding the next batch overlaps the server storing the previous one.
        """
        layout = table(name)
        started = time.perf_counter()
        tally = _Tally()
        send, receive = anyio.create_memory_object_stream[_Batch](1)
        try:
            async with anyio.create_task_group() as tg:
                for _ in range(max(1, concurrency)):
                    tg.start_soon(self._batch_worker, receive.clone(), name, tally)
                receive.close()
                async with send:
                    for batch in _batches(layout, rows, batch_size):
                        await send.send(batch)
        except BaseExceptionGroup as group:
            raise most_telling(group) from None
        seconds = time.perf_counter() - started
        refused = tuple(sorted(tally.rejected, key=lambda r: r.index))
        report = BulkReport(name, tally.stored, tally.batches, seconds, refused)
        log.info("%s: %d rows in %.2fs (%.0f rows/s), %d refused",
                 name, tally.stored, seconds, report.rows_per_second, len(refused))  # fmt: skip
        return report

    async def _batch_worker(
        self,
        batches: anyio.abc.ObjectReceiveStream[_Batch],
        name: str,
        tally: _Tally,
    ) -> None:
        async with batches:
            async for first, sql, params in batches:
                done, refused = await self._insert_batch(sql, params, first, name)
                tally.stored += done
                tally.batches += 1
                tally.rejected += refused

    async def _insert_batch(
        self, sql: str, params: list[tuple[object, ...]], first: int, name: str
    ) -> tuple[int, list[RowRejected]]:
        what = f"bulk insert into {name}"
        try:
            async with self._pool.acquire() as conn:
                return await self._batch_on(conn, sql, params, first, what)
        except _DB_ERRORS as exc:  # no connection to be had: the pool opens new ones lazily
            raise translate(exc, what=what) from exc

    async def _batch_on(
        self, conn: Any, sql: str, params: list[tuple[object, ...]], first: int, what: str
    ) -> tuple[int, list[RowRejected]]:
        """One batch in one transaction on ``conn``; row by row if a row spoils it."""
        try:
            await conn.begin()
            async with conn.cursor() as cursor:
                await cursor.executemany(sql, params)
        except _DB_ERRORS as exc:
            await _rollback(conn)
            error = translate(exc, what=what)
            if not isinstance(error, Rejected):  # the batch, not a row, is at fault
                raise error from exc
            return await self._one_by_one(conn, sql, params, first, what)
        try:
            await conn.commit()
        except _DB_ERRORS as exc:
            raise translate(exc, what=what, committing=True) from exc
        return len(params), []

    async def _one_by_one(
        self, conn: Any, sql: str, params: list[tuple[object, ...]], first: int, what: str
    ) -> tuple[int, list[RowRejected]]:
        """After a refused batch: each row alone (autocommit), to keep the good ones."""
        stored, rejected = 0, []
        async with conn.cursor() as cursor:
            for index, values in enumerate(params, start=first):
                try:
                    await cursor.execute(sql, values)
                    stored += 1
                except _DB_ERRORS as exc:
                    error = translate(exc, what=f"{what}, row {index}")
                    if not isinstance(error, Rejected):
                        raise error from exc
                    rejected.append(RowRejected(index, error))
        return stored, rejected


async def _rollback(conn: Any) -> None:
    with contextlib.suppress(*_DB_ERRORS):  # the connection may be gone; the error says so
        await conn.rollback()


def _insert_sql(layout: Table, columns: tuple[str, ...]) -> str:
    names = ", ".join(quoted(layout.column(c).name) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quoted(layout.name)} ({names}) VALUES ({marks})"


def _where(
    layout: Table, equal: Mapping[str, object], deleted: bool
) -> tuple[str, tuple[object, ...]]:
    terms = [f"{quoted(layout.column(c).name)} = %s" for c in equal]
    params = [equal[c] for c in equal]
    if layout.soft_deleted and not deleted:
        terms.append(f"{quoted('deleted')} = %s")
        params.append("0")
    return (f" WHERE {' AND '.join(terms)}" if terms else ""), tuple(params)


def _batches(layout: Table, rows: Sequence[Mapping[str, object]], size: int) -> Iterator[_Batch]:
    """(first row number, INSERT statement, value tuples) per run of same-keyed rows."""
    for first in range(0, len(rows), size):
        for offset, group in _runs(rows[first : first + size]):
            plan = layout.row_plan(group[0])
            yield first + offset, _insert_sql(layout, plan.columns), [plan.values(r) for r in group]


def _runs(rows: Sequence[Mapping[str, object]]) -> list[tuple[int, list[Mapping[str, object]]]]:
    """Consecutive runs of rows with the same keys (one INSERT statement each)."""
    runs: list[tuple[int, list[Mapping[str, object]]]] = []
    for index, row in enumerate(rows):
        if runs and runs[-1][1][0].keys() == row.keys():
            runs[-1][1].append(row)
        else:
            runs.append((index, [row]))
    return runs
