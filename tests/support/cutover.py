"""Cut-over helpers for the integration tests: Sonar changing under a migration,
``migrator verify`` and ``rollback`` run as a user runs them, and photographs of
Splynx (through its API, and row by row in MariaDB) to hold a rollback against."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pymysql
import pytest

from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, where
from migrator.splynx.tables import quoted
from tests.support.migration_processes import environment
from tests.support.pair import TOKEN, Pair
from tests.support.splynx_db import named_database

__all__ = [
    "ENDPOINTS",
    "TABLES",
    "change_sonar",
    "cli",
    "id_map",
    "photograph",
    "rows",
    "storage",
    "verify_cli",
]


async def verify_cli(pair: Pair, state: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """``migrator verify --json ARGS`` in its own process; (exit code, report, stderr)."""
    command = [sys.executable, "-m", "migrator", "verify", "--json", *args,
               "--env-file", str(state.parent / "none")]  # fmt: skip
    env = environment(pair.sonar_url, pair.splynx_url, state)
    done = await anyio.run_process(command, env=env, cwd=state.parent, check=False)
    stdout, stderr = done.stdout.decode(), done.stderr.decode()
    return done.returncode, json.loads(stdout) if stdout.strip() else {}, stderr


async def change_sonar(pair: Pair, seed: int, fraction: float) -> dict[str, Any]:
    """A batch of a few days' changes in Sonar (the simulator's admin endpoint)."""
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{pair.sonar_url}/admin/changes",
            json={"seed": seed, "fraction": fraction},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    answer.raise_for_status()
    return answer.json()  # type: ignore[no-any-return]


_ANY = Search(main={"id": where(">", 0)})
ENDPOINTS = {
    "partners": None, "locations": None, "internet_tariffs": None, "recurring_tariffs": None,
    "ipv4_networks": None, "ipv6_networks": None, "customers": None,
    "internet_services": _ANY, "recurring_services": _ANY, "customer_notes": None,
    "invoices": None, "payments": None, "transactions": None, "administrators": None,
    "tickets": None, "ticket_messages": _ANY,
}  # fmt: skip
TABLES = (
    "partners", "locations", "tariffs_internet", "tariffs_custom", "ipv4_networks",
    "ipv4_networks_ip", "ipv6_networks", "customers", "services_internet", "services_custom",
    "customer_notes", "invoices", "payments", "billing_transactions", "invoice_payers",
    "admins", "ticket", "ticket_messages",
)  # fmt: skip


async def photograph(settings: Any) -> dict[str, list[dict[str, Any]]]:
    """Every record the API lists, per endpoint."""
    shot: dict[str, list[dict[str, Any]]] = {}
    async with SplynxClient.open(settings) as splynx:
        for name, search in ENDPOINTS.items():
            shot[name] = [r.fields() async for r in splynx.iterate(name, search)]
    return shot


def rows(params: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """The live rows of every table a run writes, straight from MariaDB."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with pymysql.connect(**params) as connection, connection.cursor() as cursor:
        for name in TABLES:
            cursor.execute(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = %s AND column_name = 'deleted'",
                (params["database"], name),
            )
            live = " WHERE `deleted` = '0'" if cursor.fetchone()[0] else ""
            try:
                cursor.execute(f"SELECT * FROM {quoted(name)}{live} ORDER BY 1")
            except pymysql.err.ProgrammingError:  # a table the simulator never made
                continue
            found[name] = sorted(cursor.fetchall(), key=repr)
        cursor.execute(
            "SELECT b.* FROM customer_billing b JOIN customers c ON c.id = b.customer_id "
            "WHERE c.deleted = '0' ORDER BY 1"
        )
        found["customer_billing"] = list(cursor.fetchall())
        # every customer's balance, deleted ones too: deleting money moves it back
        cursor.execute("SELECT customer_id, deposit FROM customer_billing WHERE deposit <> 0")
        found["balances"] = list(cursor.fetchall())
    return found


@contextmanager
def storage(kind: str, request: pytest.FixtureRequest) -> Iterator[tuple[dict[str, Any], Any]]:
    """(Splynx simulator options, pymysql parameters or None) for ``memory`` / ``mariadb``."""
    if kind == "memory":
        yield {}, None
        return
    with named_database(request.getfixturevalue("mariadb"), prefix="migrator_rollback") as db:
        yield {"db_dsn": db[0]}, db


async def cli(pair: Pair, state: Path, *args: str, dsn: str | None = None) -> tuple[int, str]:
    """``migrator ARGS`` in its own process; (exit code, stdout + stderr)."""
    command = [sys.executable, "-m", "migrator", *args, "--env-file", str(state.parent / "none")]
    env = {**environment(pair.sonar_url, pair.splynx_url, state), "COLUMNS": "200"}  # a row a line
    if dsn:
        env["SPLYNX_DB_DSN"] = dsn
    done = await anyio.run_process(command, env=env, cwd=state.parent, check=False)
    return done.returncode, done.stdout.decode() + done.stderr.decode()


def id_map(state: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(state) as db:
        return db.execute("SELECT * FROM id_map ORDER BY entity, sonar_id").fetchall()
