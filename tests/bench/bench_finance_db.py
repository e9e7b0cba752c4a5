"""Finance rows/s into the local MariaDB through ``FinanceTables`` (the database path for money).

A scratch database gets Splynx's tables (created by the simulator's MariaDB
store, with its indexes, and seeded like a fresh Splynx), ``--customers``
customers with their billing rows, then per run a realistic mix
(``tests/support/finance_payloads``): ``--invoices`` invoices of 1-3 items,
as many payments (half paying one of those invoices) and ``--transactions``
transactions, in batches of ``--batch`` with ``--connections`` batches in
flight. Rows counted are every row the runs added to the finance tables
(invoices, items, transactions, payments, allocations); the balances moved in
``customer_billing`` are not counted. Prints rows/s per run, the median of the
runs and the median / 20,000 rows/s target. The database is dropped
afterwards. On a machine shared with other work the figures fall with the
load (``uptime``): the writer's own CPU seconds are printed beside them. Not
collected by pytest; run by hand from the repo root:

    python3 tests/bench/bench_finance_db.py [--runs 3] [--invoices 20000] [--batch 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from migrator.sim.splynx.clock import WALL_CLOCK  # noqa: E402
from migrator.sim.splynx.seed import SeedLogins, seed_store  # noqa: E402
from migrator.sim.splynx.store_mysql import MySQLStore  # noqa: E402
from migrator.sim.splynx.tables import catalog  # noqa: E402
from migrator.splynx.db import SplynxDatabase  # noqa: E402
from migrator.splynx.finance_db import FinanceTables, Written  # noqa: E402
from migrator.splynx.finance_rules import line_total  # noqa: E402
from tests.conftest import MARIADB  # noqa: E402
from tests.support import finance_payloads as make  # noqa: E402
from tests.support.batches import in_batches  # noqa: E402
from tests.support.finance_tables import table_counts  # noqa: E402
from tests.support.splynx_db import named_database  # noqa: E402

TARGET = 20_000.0
COUNTED = ("invoices", "invoices_items", "billing_transactions", "payments", "invoice_payers")


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
        ids = list(range(1, customers + 1))
        await db.bulk_insert("customer_billing", [{"customer_id": c} for c in ids])
    return ids


async def one_run(dsn: str, customers: list[int], run: int, args: argparse.Namespace) -> float:
    """Seconds spent writing (building the payloads, the pipeline's work, not counted)."""
    invoices = make.invoices(customers, args.invoices, run=run, seed=run)
    transactions = make.transactions(customers, args.transactions, run=run, seed=run)
    async with SplynxDatabase.open(dsn, pool_size=args.connections + 1) as db:
        tables = FinanceTables(db)
        started = time.perf_counter()
        made = await in_batches(tables.invoices, invoices, args.batch, args.connections)
        seconds = time.perf_counter() - started
        ids = [r.splynx_id for r in made if isinstance(r, Written)]
        assert len(ids) == len(invoices), "invoices refused"
        owed = {
            ident: (p.customer_id, sum((line_total(i.quantity, i.price or 0, i.tax or 0)
                                        for i in p.items), Decimal(0)))
            for p, ident in zip(invoices, ids, strict=True) if p.status != "deleted"
        }  # fmt: skip
        payments = make.payments(customers, args.invoices, owed, run=run, seed=run)
        started = time.perf_counter()
        for write, payloads in ((tables.payments, payments), (tables.transactions, transactions)):
            done = await in_batches(write, payloads, args.batch, args.connections)  # type: ignore[arg-type]
            assert all(isinstance(r, Written) for r in done), "records refused"
        return seconds + time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--transactions", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=2)
    args = parser.parse_args()
    results = []
    with named_database(MARIADB, prefix="migrator_bench_findb") as (dsn, params):
        customers = asyncio.run(prepare(dsn, args.customers))
        for run in range(args.runs):
            before = sum(table_counts(params)[name] for name in COUNTED)
            cpu = time.process_time()
            seconds = asyncio.run(one_run(dsn, customers, run, args))
            cpu = time.process_time() - cpu  # the payloads' construction included
            rows = sum(table_counts(params)[name] for name in COUNTED) - before
            rate = rows / seconds
            results.append(rate)
            print(f"run {run + 1}: {rows} rows in {seconds:.2f}s, {rate:,.0f} rows/s "
                  f"({rate / TARGET:.2f}x target); this process used {cpu:.2f} CPU-s")  # fmt: skip
    median = statistics.median(results)
    print(f"median: {median:,.0f} rows/s; ratio to the {TARGET:,.0f} rows/s target: "
          f"{median / TARGET:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
