"""One MySQL transaction on one pooled connection: the unit a database batch is written in.

A finance batch (invoices with their items and debits, the balance they move)
must land whole or not at all, so its statements share one connection between
``BEGIN`` and ``COMMIT``. ``open_transaction`` gives that, and keeps three rules:

- anything that escapes the block, a cancellation included, *closes* the
  connection instead of rolling back on it: the server then rolls the
  transaction back itself, and a connection interrupted mid-packet is never
  handed to the next caller (aiomysql's pool drops a closed connection);
- a ``COMMIT`` that loses its answer is ``OutcomeUnknown`` (look it up), any
  other failure is translated by ``db_errors.translate`` in one place;
- ``commit=False`` rolls back at the end: a probe that shows whether a batch
  would be refused without keeping anything.

SQL is parameterized; callers build identifiers only from the allow-list
(``tables.quoted``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiomysql
import pymysql

from migrator.splynx.db_errors import translate

__all__ = ["SqlTransaction", "open_transaction"]

_DB_ERRORS = (pymysql.err.MySQLError, OSError)


class SqlTransaction:
    """Statements inside one open transaction; errors come out translated."""

    def __init__(self, connection: aiomysql.Connection, what: str) -> None:
        self._connection = connection
        self.what = what

    async def rows(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """The rows a SELECT answers (as tuples)."""
        try:
            async with self._connection.cursor() as cursor:
                await cursor.execute(sql, tuple(params))
                return list(await cursor.fetchall())
        except _DB_ERRORS as exc:
            raise translate(exc, what=self.what) from exc

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one statement; the id its INSERT generated first (``LAST_INSERT_ID()``), or 0."""
        try:
            async with self._connection.cursor() as cursor:
                await cursor.execute(sql, tuple(params))
                return int(cursor.lastrowid or 0)
        except _DB_ERRORS as exc:
            raise translate(exc, what=self.what) from exc


@contextlib.asynccontextmanager
async def open_transaction(
    pool: aiomysql.Pool, what: str, *, commit: bool = True
) -> AsyncIterator[SqlTransaction]:
    """``BEGIN`` ... ``COMMIT`` on a connection of ``pool`` (``ROLLBACK`` if not ``commit``)."""
    try:
        async with pool.acquire() as connection:
            await connection.begin()
            try:
                yield SqlTransaction(connection, what)
            except BaseException:
                connection.close()  # the server rolls back what the lost session began
                raise
            await _finish(connection, what, commit)
    except _DB_ERRORS as exc:  # no connection to be had, or BEGIN failed: nothing was sent
        raise translate(exc, what=what) from exc


async def _finish(connection: aiomysql.Connection, what: str, commit: bool) -> None:
    try:
        if commit:
            await connection.commit()
        else:
            await connection.rollback()
    except _DB_ERRORS as exc:
        connection.close()
        raise translate(exc, what=what, committing=commit) from exc
