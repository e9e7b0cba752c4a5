"""Ticket rows/s into the local MariaDB through ``SupportTables`` (the database path for support).

A scratch database gets Splynx's tables (created by the simulator's MariaDB
store, with its indexes, and seeded like a fresh Splynx: admin, ticket
types, statuses, groups), ``--customers`` customers, then per run
``--tickets`` tickets (``tests/support/support_payloads.volume``: each with
its marker, 90% on an account) and their 2-4 messages each (bodies of a few
hundred characters, a third of the staff's notes), in batches of ``--batch``
with ``--connections`` batches in flight: the tickets first, then the
messages. Rows counted are every row the runs added to ``ticket``,
``ticket_values`` and ``ticket_messages``. Prints rows/s per run, the median
of the runs and the median / 20,000 rows/s target. The database is dropped
afterwards. On a machine shared with other work the figures fall with the
load (``uptime``): the writer's own CPU seconds are printed beside them. Not
collected by pytest; run by hand from the repo root:

    python3 tests/bench/bench_support_db.py [--runs 3] [--tickets 20000] [--batch 500]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pymysql  # noqa: E402

from migrator.sim.splynx.clock import WALL_CLOCK  # noqa: E402
from migrator.sim.splynx.seed import SeedLogins, seed_store  # noqa: E402
from migrator.sim.splynx.store_mysql import MySQLStore  # noqa: E402
from migrator.sim.splynx.tables import catalog  # noqa: E402
from migrator.splynx.db import SplynxDatabase  # noqa: E402
from migrator.splynx.support_db import SupportTables, Written  # noqa: E402
from tests.conftest import MARIADB  # noqa: E402
from tests.support import support_payloads as make  # noqa: E402
from tests.support.batches import in_batches  # noqa: E402
from tests.support.splynx_db import named_database  # noqa: E402

TARGET = 20_000.0
COUNTED = ("ticket", "ticket_values", "ticket_messages")


async def prepare(dsn: str, customers: int) -> list[int]:
    """Splynx's tables (the simulator's layouts and indexes), its seed rows, the customers."""
    store = MySQLStore(dsn, catalog(), WALL_CLOCK, pool_size=2)
    await store.open()
    await seed_store(store, SeedLogins(admin_password="bench"))
    await store.close()
    common = {"partner_id": 1, "location_id": 1, "status": "active", "date_add": "2024-01-01"}
    rows = [{**common, "name": f"Customer {n}", "login": f"bench-{n}"} for n in range(customers)]
    async with SplynxDatabase.open(dsn, pool_size=2) as db:
        await db.bulk_insert("customers", rows)
    return list(range(1, customers + 1))


def counted(params: dict[str, object]) -> int:
    with pymysql.connect(**params) as connection, connection.cursor() as cursor:  # type: ignore[arg-type]
        total = 0
        for name in COUNTED:
            cursor.execute(f"SELECT COUNT(*) FROM `{name}`")  # names from the tuple above
            total += int(cursor.fetchone()[0])
        return total


async def one_run(dsn: str, customers: list[int], run: int, args: argparse.Namespace) -> float:
    """Seconds spent writing (building the payloads, the pipeline's work, not counted)."""
    tickets, threads = make.volume(customers, args.tickets, run=run, seed=run)
    async with SplynxDatabase.open(dsn, pool_size=args.connections + 1) as db:
        tables = SupportTables(db)
        started = time.perf_counter()
        made = await in_batches(tables.tickets, tickets, args.batch, args.connections)
        seconds = time.perf_counter() - started
        ids = [r.splynx_id for r in made if isinstance(r, Written)]
        assert len(ids) == len(tickets), "tickets refused"
        messages = [
            m.model_copy(update={"ticket_id": ident})
            for ident, thread in zip(ids, threads, strict=True)
            for m in thread
        ]
        started = time.perf_counter()
        done = await in_batches(tables.ticket_messages, messages, args.batch, args.connections)
        assert all(isinstance(r, Written) for r in done), "messages refused"
        return seconds + time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--connections", type=int, default=2)
    args = parser.parse_args()
    results = []
    with named_database(MARIADB, prefix="migrator_bench_supdb") as (dsn, params):
        customers = asyncio.run(prepare(dsn, args.customers))
        for run in range(args.runs):
            before = counted(params)
            cpu = time.process_time()
            seconds = asyncio.run(one_run(dsn, customers, run, args))
            cpu = time.process_time() - cpu  # the payloads' construction included
            rows = counted(params) - before
            rate = rows / seconds
            results.append(rate)
            print(f"run {run + 1}: {rows} rows in {seconds:.2f}s, {rate:,.0f} rows/s "
                  f"({rate / TARGET:.2f}x target); this process used {cpu:.2f} CPU-s")  # fmt: skip
    median = statistics.median(results)
    print(f"median: {median:,.0f} rows/s; ratio to the {TARGET:,.0f} rows/s target: "
          f"{median / TARGET:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
