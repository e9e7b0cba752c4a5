"""Bulk insert rows/s into the local MariaDB through the Splynx database gateway.

Creates a scratch database with Splynx's real ``billing_transactions`` layout,
bulk-inserts ``--rows`` transaction rows (the widest history table the migration
loads by database) through ``SplynxDatabase.bulk_insert``, and prints rows/s per
run, the median of the runs, and the median ÷ the 20,000 rows/s target. The
scratch database is dropped afterwards. Not collected by pytest; run by hand
from the repo root:

    python3 tests/bench/bench_splynx_db.py [--runs 3] [--rows 100000] [--batch 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from migrator.splynx.db import SplynxDatabase  # noqa: E402
from tests.conftest import MARIADB  # noqa: E402
from tests.support.splynx_db import scratch_database  # noqa: E402

TARGET = 20_000.0


def row(n: int, run: int) -> dict[str, object]:
    return {
        "customer_id": 1 + n % 10_000, "type": "credit" if n % 3 else "debit",
        "quantity": 1, "unit": "month", "price": Decimal("29.9900"),
        "total": Decimal("29.9900"), "tax_percent": Decimal("20.0000"), "date": "2024-05-01",
        "category": 1, "description": f"Internet 100M, May 2024 (Sonar debit {n})",
        "comment": f"sonar:debit:{run}:{n}", "period_from": "2024-05-01",
        "period_to": "2024-05-31", "service_type": "internet",
    }  # fmt: skip


def rows(count: int, run: int) -> list[dict[str, object]]:
    return [row(n, run) for n in range(count)]


async def one_run(dsn: str, run: int, count: int, batch: int) -> float:
    data = rows(count, run)
    async with SplynxDatabase.open(dsn, pool_size=2) as db:
        report = await db.bulk_insert("billing_transactions", data, batch_size=batch)
    assert report.rows == count and not report.rejected, report
    return report.rows_per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    results = []
    with scratch_database(MARIADB, ["billing_transactions"]) as dsn:
        for run in range(args.runs):
            rate = asyncio.run(one_run(dsn, run, args.rows, args.batch))
            results.append(rate)
            print(
                f"run {run + 1}: {args.rows} rows, {rate:,.0f} rows/s ({rate / TARGET:.2f}x target)"
            )
    median = statistics.median(results)
    ratio = median / TARGET
    print(f"median: {median:,.0f} rows/s; ratio to the {TARGET:,.0f} rows/s target: {ratio:.2f}")


if __name__ == "__main__":
    main()
