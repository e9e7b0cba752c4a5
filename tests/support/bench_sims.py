"""The two simulators as the benchmarks run them: each ``migrator sim`` in its own process,
Sonar at its request budget and Splynx at its capacity, and a scratch MariaDB database for
Splynx's tables (what the database path writes). Shared by the ``tests/bench`` scripts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pymysql

from tests.conftest import MARIADB

ROOT = Path(__file__).resolve().parents[2]

TOKEN, KEY, SECRET = "bench-token", "bench-key", "bench-secret"
SONAR_RATE, SPLYNX_WORKERS, SPLYNX_LATENCY = 400, 8, 0.050
DB_RATE = 20_000.0  # rows/s the database path is held to (DESIGN.md section 7)
DATABASE_TABLES = (  # what the database path writes
    "invoices",
    "invoices_items",
    "payments",
    "billing_transactions",
    "invoice_payers",
    "ticket",
    "ticket_messages",
)


@contextmanager
def scratch_database(wanted: bool = True) -> Iterator[str | None]:
    """A database of its own on the local MariaDB for the Splynx simulator (None when not
    ``wanted``: Splynx keeps its state in memory)."""
    if not wanted:
        yield None
        return
    name = f"migrator_bench_{os.getpid()}_{int(time.time())}"
    host, port = MARIADB["host"], MARIADB["port"]
    try:
        yield f"mysql://{MARIADB['user']}@{host}:{port}/{name}"
    finally:
        with pymysql.connect(**MARIADB) as connection, connection.cursor() as cursor:  # type: ignore[arg-type]
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


def database_rows(dsn: str) -> int:
    """Rows in the money and ticket tables of the simulator's database (what the database
    path wrote)."""
    settings = {**MARIADB, "database": dsn.rsplit("/", 1)[1]}
    total = 0
    with pymysql.connect(**settings) as connection, connection.cursor() as cursor:  # type: ignore[arg-type]
        for table in DATABASE_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM `{table}`")
            total += int(cursor.fetchone()[0])
    return total


@contextmanager
def simulator(kind: str, *flags: str) -> Iterator[str]:
    """``migrator sim <kind>`` in its own process; yields its URL (the last word of its first
    stdout line)."""
    command = [sys.executable, "-m", "migrator", "sim", kind, "--port", "0", *flags]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        url = line[-1] if line else ""
        if not url.startswith("http"):
            raise SystemExit(f"the {kind} simulator did not announce its URL: {url!r}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


@contextmanager
def pair(scale: int, *, limited: bool, database: str | None = None) -> Iterator[tuple[str, str]]:
    sonar = ["--token", TOKEN, "--scale", str(scale), "--seed", "1"]
    splynx = ["--api-key", KEY, "--api-secret", SECRET]
    if database is not None:
        splynx += ["--db", database]
    if limited:
        sonar += ["--rate-limit", str(SONAR_RATE), "--max-page-size", "100"]
        splynx += ["--workers", str(SPLYNX_WORKERS), "--latency-ms", str(SPLYNX_LATENCY * 1000)]
    else:
        sonar += ["--rate-limit", "0"]
        splynx += ["--workers", "0"]
    with ExitStack() as stack:
        yield (
            stack.enter_context(simulator("sonar", *sonar)),
            stack.enter_context(simulator("splynx", "--marker-fields", *splynx)),
        )


def load() -> str:
    """The machine's load averages, printed beside each figure (a busy machine skews it)."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"
