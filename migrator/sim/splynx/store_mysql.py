"""The simulator's rows in MariaDB, under Splynx's real table and column names.

With ``--db mysql://user:pass@host:3306/name`` every read and write goes to
that database (created with its tables if absent), so what the API writes can
be read with plain SQL and rows a bulk loader inserts with SQL are served by
the API: the store caches nothing. Values come back as MySQL prints them
(dates, datetimes and decimals as strings), exactly the form the in-memory
store keeps, so both stores answer the same JSON. SQL is parameterized; only
catalog identifiers are quoted into the text (see ``sqlwhere``). Nothing
derived is recomputed on read either: a customer's balance is the stored
``customer_billing.deposit``, moved only when the API books a transaction
(``ledger.py``), so rows a bulk writer inserts leave it as it was.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import aiomysql
import pymysql
from pymysql.constants import FIELD_TYPE
from pymysql.converters import decoders

from migrator.sim.splynx.claims import Claims, ClaimSet
from migrator.sim.splynx.clock import SimClock
from migrator.sim.splynx.columns import quote_identifier
from migrator.sim.splynx.query import Query
from migrator.sim.splynx.sqlwhere import order_clause, where_clause
from migrator.sim.splynx.store import Row, Session, complete_row
from migrator.sim.splynx.table_layout import Table

__all__ = ["DatabaseUnavailable", "MySQLStore", "parse_dsn"]

log = logging.getLogger(__name__)

_AS_TEXT = (
    FIELD_TYPE.DATE,
    FIELD_TYPE.DATETIME,
    FIELD_TYPE.TIMESTAMP,
    FIELD_TYPE.TIME,
    FIELD_TYPE.DECIMAL,
    FIELD_TYPE.NEWDECIMAL,
)
CONVERSIONS = {**decoders, **{code: str for code in _AS_TEXT}}


class DatabaseUnavailable(RuntimeError):
    """The DSN is wrong or the server refused us; the message says which."""


@dataclass(frozen=True)
class Dsn:
    host: str
    port: int
    user: str
    password: str
    database: str


def parse_dsn(dsn: str) -> Dsn:
    """Read ``mysql://user:password@host:3306/database``."""
    parts = urlsplit(dsn)
    database = parts.path.lstrip("/")
    if parts.scheme not in {"mysql", "mariadb"} or not parts.hostname:
        raise ValueError("the database DSN must look like mysql://user:password@host:3306/name")
    if not re.fullmatch(r"[A-Za-z0-9_]+", database):
        raise ValueError("the database DSN must name a database (letters, digits, _)")
    return Dsn(
        parts.hostname,
        parts.port or 3306,
        unquote(parts.username or "root"),
        unquote(parts.password or ""),
        database,
    )


class MySQLStore:
    """Rows in MariaDB through an aiomysql pool (one connection per request)."""

    def __init__(self, dsn: str, tables: dict[str, Table], clock: SimClock, pool_size: int) -> None:
        self.tables = tables
        self._dsn = parse_dsn(dsn)
        self._clock = clock
        self._pool_size = max(2, pool_size)
        self._pool: aiomysql.Pool | None = None
        self._claims = Claims()

    async def open(self) -> None:
        """Create the database and any missing table, then open the pool."""
        dsn = self._dsn
        common = {"host": dsn.host, "port": dsn.port, "user": dsn.user, "password": dsn.password}
        try:
            await self._create_database(common)
            self._pool = await aiomysql.create_pool(
                **common,
                db=dsn.database,
                charset="utf8mb4",
                autocommit=True,
                conv=CONVERSIONS,
                cursorclass=aiomysql.DictCursor,
                # a claim is checked after it is won: its SELECT must see what the
                # previous holder committed meanwhile, not a snapshot from before
                init_command="SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                minsize=1,
                maxsize=self._pool_size,
            )
        except (pymysql.MySQLError, OSError) as exc:
            where = f"{dsn.host}:{dsn.port}/{dsn.database}"
            raise DatabaseUnavailable(f"cannot use the database at {where}: {exc}") from exc
        await self._create_tables()
        log.info("keeping Splynx state in MariaDB %s:%s/%s", dsn.host, dsn.port, dsn.database)

    async def _create_database(self, server: dict[str, Any]) -> None:
        """Create the database if missing (checked first: IF NOT EXISTS would warn)."""
        admin = await aiomysql.connect(**server, charset="utf8mb4", autocommit=True)
        try:
            async with admin.cursor() as cursor:
                await cursor.execute(
                    "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %s",
                    (self._dsn.database,),
                )
                if not await cursor.fetchall():
                    name = quote_identifier(self._dsn.database)
                    await cursor.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        finally:
            admin.close()

    async def _create_tables(self) -> None:
        """Create the tables this database lacks; existing ones keep their layout and rows."""
        async with self.session() as session:
            assert isinstance(session, _MySQLSession)
            present = await session._all(
                "SELECT TABLE_NAME AS name FROM information_schema.TABLES"
                " WHERE TABLE_SCHEMA = DATABASE()",
                [],
            )
            existing = {row["name"] for row in present}
            for table in self.tables.values():
                if table.name not in existing:
                    await session.execute(table.create_statement())

    async def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            await self._pool.wait_closed()
            self._pool = None

    @contextlib.asynccontextmanager
    async def session(self, *, write: bool = False) -> AsyncIterator[Session]:
        """A connection; for a write, one transaction, committed before its claims go."""
        if self._pool is None:
            raise DatabaseUnavailable("the MariaDB store is not open")
        async with self._claims.scope() as claims, self._pool.acquire() as connection:
            if not write:
                yield _MySQLSession(self, connection, claims)
                return
            await connection.begin()
            try:
                yield _MySQLSession(self, connection, claims)
            except BaseException:
                await connection.rollback()
                raise
            await connection.commit()

    async def rows(self, table: str) -> list[Row]:
        async with self.session() as session:
            return await session.select(table, Query())


class _MySQLSession:
    def __init__(
        self, store: MySQLStore, connection: aiomysql.Connection, claims: ClaimSet
    ) -> None:
        self._store = store
        self._connection = connection
        self._claims = claims

    async def claim(self, *keys: str) -> None:
        await self._claims.claim(*keys)

    async def execute(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
        async with self._connection.cursor() as cursor:
            await cursor.execute(sql, params)
            return cursor

    async def _all(self, sql: str, params: list[Any]) -> list[Row]:
        async with self._connection.cursor() as cursor:
            await cursor.execute(sql, params)
            return list(await cursor.fetchall())

    def _table(self, name: str) -> Table:
        return self._store.tables[name]

    async def insert(self, table: str, row: Row) -> int | None:
        spec = self._table(table)
        full = complete_row(spec, row, self._store._clock)
        if spec.auto_id and full.get(spec.primary_key[0]) is None:
            del full[spec.primary_key[0]]
        names = ", ".join(quote_identifier(name) for name in full)
        marks = ", ".join(["%s"] * len(full))
        sql = f"INSERT INTO {quote_identifier(table)} ({names}) VALUES ({marks})"
        cursor = await self.execute(sql, list(full.values()))
        return int(cursor.lastrowid) if spec.auto_id else None

    async def insert_many(self, table: str, rows: Sequence[Row]) -> None:
        """Many rows in multi-row INSERTs (the driver batches ``executemany``)."""
        if not rows:
            return
        spec = self._table(table)
        full = [complete_row(spec, row, self._store._clock) for row in rows]
        names = [n for n in full[0] if not (spec.auto_id and n == spec.primary_key[0])]
        columns = ", ".join(quote_identifier(name) for name in names)
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {quote_identifier(table)} ({columns}) VALUES ({marks})"
        async with self._connection.cursor() as cursor:
            await cursor.executemany(sql, [[row[n] for n in names] for row in full])

    async def fetch(self, table: str, key: Any) -> Row | None:
        spec = self._table(table)
        sql = (
            f"SELECT * FROM {quote_identifier(table)} "
            f"WHERE {quote_identifier(spec.primary_key[0])} = %s"
        )
        rows = await self._all(sql, [key])
        return rows[0] if rows else None

    async def update(self, table: str, key: Any, changes: Row) -> None:
        if not changes:
            return
        spec = self._table(table)
        assignments = ", ".join(f"{quote_identifier(name)} = %s" for name in changes)
        sql = (
            f"UPDATE {quote_identifier(table)} SET {assignments} "
            f"WHERE {quote_identifier(spec.primary_key[0])} = %s"
        )
        await self.execute(sql, [*changes.values(), key])

    async def delete_where(self, table: str, column: str, value: Any) -> None:
        sql = f"DELETE FROM {quote_identifier(table)} WHERE {quote_identifier(column)} = %s"
        await self.execute(sql, [value])

    async def select(self, table: str, query: Query) -> list[Row]:
        spec = self._table(table)
        where, params = where_clause(spec, query)
        order, paging = order_clause(spec, query)
        sql = f"SELECT * FROM {quote_identifier(table)} {where} {order}"
        return await self._all(sql, [*params, *paging])

    async def exists(self, table: str, query: Query) -> bool:
        """Whether a row matches (``SELECT 1``: no columns to describe or decode)."""
        where, params = where_clause(self._table(table), query)
        rows = await self._all(
            f"SELECT 1 AS hit FROM {quote_identifier(table)} {where} LIMIT 1", params
        )
        return bool(rows)

    async def count(self, table: str, query: Query) -> int:
        where, params = where_clause(self._table(table), query)
        rows = await self._all(
            f"SELECT COUNT(*) AS n FROM {quote_identifier(table)} {where}", params
        )
        return int(rows[0]["n"])
