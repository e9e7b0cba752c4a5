"""A throw-away MariaDB database with Splynx's tables, for the gateway's tests.

The DDL is generated from the gateway's own allow-list layouts (the real Splynx
columns from the reference), so the tests exercise the same names the gateway
uses. Each database gets a unique name and is dropped afterwards: other
engineers' tests use the same server at the same time.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pymysql
import pytest

from migrator.splynx.tables import Column, quoted, table

__all__ = ["column_ddl", "named_database", "scratch_database", "splynx_storage"]


def column_ddl(column: Column, escape: object) -> str:
    sql = f"{quoted(column.name)} {column.type} {'NULL' if column.nullable else 'NOT NULL'}"
    if column.auto_increment:
        return sql + " AUTO_INCREMENT"
    if column.default == "CURRENT_TIMESTAMP":
        return sql + " DEFAULT CURRENT_TIMESTAMP"
    if column.default is not None:
        return sql + f" DEFAULT {escape(column.default)}"  # type: ignore[operator]
    return sql


@contextmanager
def scratch_database(
    server: dict[str, object], names: Iterable[str], *, prefix: str = "migrator_splynxclient"
) -> Iterator[str]:
    """Create ``<prefix>_<hex>`` with the named tables; yield its DSN."""
    database = f"{prefix}_{secrets.token_hex(4)}"
    params = {k: v for k, v in server.items() if k not in {"db", "database"}}
    connection = pymysql.connect(**params)  # type: ignore[arg-type]
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quoted(database)} CHARACTER SET utf8mb4")
            cursor.execute(f"USE {quoted(database)}")
            for name in names:
                layout = table(name)
                columns = [column_ddl(c, connection.escape) for c in layout.columns]
                key = ", ".join(quoted(k) for k in layout.primary_key)
                cursor.execute(
                    f"CREATE TABLE {quoted(name)} ({', '.join(columns)}, PRIMARY KEY ({key}))"
                )
        password = server["password"]
        auth = f"{server['user']}:{password}" if password else f"{server['user']}"
        yield f"mysql://{auth}@{server['host']}:{server['port']}/{database}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted(database)}")
        connection.close()


@contextmanager
def named_database(
    server: dict[str, object], *, prefix: str
) -> Iterator[tuple[str, dict[str, object]]]:
    """A database name of our own for the simulator to create; dropped afterwards.

    Yields its DSN and the pymysql parameters to read it with plain SQL.
    """
    database = f"{prefix}_{secrets.token_hex(4)}"
    params = {k: v for k, v in server.items() if k not in {"db", "database"}}
    auth = f"{params['user']}" + (f":{params['password']}" if params.get("password") else "")
    try:
        yield (
            f"mysql://{auth}@{params['host']}:{params['port']}/{database}",
            {
                **params,
                "database": database,
            },
        )
    finally:
        with pymysql.connect(**params) as connection, connection.cursor() as cursor:  # type: ignore[arg-type]
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted(database)}")


@contextmanager
def splynx_storage(
    storage: str, request: pytest.FixtureRequest, *, prefix: str
) -> Iterator[dict[str, Any]]:
    """The Splynx simulator's options for a test parametrized by ``storage``: ``memory``,
    or ``mariadb`` (a database of its own on the test server, dropped afterwards)."""
    if storage == "memory":
        yield {}
        return
    server = request.getfixturevalue("mariadb")
    with named_database(server, prefix=prefix) as (dsn, _):
        yield {"db_dsn": dsn}
