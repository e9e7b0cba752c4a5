"""Benchmark of ``migrator run`` between the two simulators (run by hand, not by pytest).

Prints ratios against the physical bounds, as DESIGN.md section 7 asks:

1. bound: the 10,000-account dataset with Sonar at ``--rate-limit 400
   --max-page-size 100`` and Splynx at ``--workers 8 --latency-ms 50``:
   end-to-end time ÷ max(extraction bound, write bound) (target <= 1.15),
   where extraction bound = Sonar requests the run needed ÷ 400/min and
   write bound = Splynx requests the run needed ÷ (8 workers / 50 ms), and
   the migrator's CPU use there: CPU-seconds ÷ wall seconds (target <= 0.25
   of one core: CPU is never the bound);
2. memory: the migrator's peak RSS at 1,000 and 10,000 accounts with
   zero-latency simulators (target <= 250 MB, the 10,000 figure within +25%
   of the 1,000 one);
3. cpu: records settled per CPU-second of the migrator process, no rate
   limits (target >= 1,000): with instant sinks (``--dry-run``: everything
   read, transformed and validated, nothing sent: the pipeline's own
   overhead, as DESIGN.md section 7 defines it) and with zero-latency
   simulators (every record also crosses HTTP to Splynx).

Money (``--money``): ``db`` (default, the issue's condition) has the Splynx
simulator keep its tables in a scratch MariaDB database and the migrator write
invoices, payments and transactions straight into it (``SPLYNX_DB_DSN``), the
rest through the API; the bound then also counts the database: rows in the
finance tables ÷ 20,000 rows/s. ``api`` sends the money through the API too;
``none`` leaves it out (the figures before money moved).

Support (``--support``): administrators, tickets and their messages. ``db``
(default) writes tickets and messages with the money (straight into the tables
when ``--money db``, else through the API), ``none`` leaves them out (what they
add to the wall time is the difference), ``api`` sends them through the API
(needs ``--money api`` or ``none``: the database path takes both or neither).

Simulators and the migrator are separate processes; the migrator's CPU time
and peak RSS come from ``wait4``. Figures are medians of ``--runs`` runs; the
load average is printed because the machine is shared.

    python3 tests/bench/bench_migration.py [--runs 3] [--only bound|memory|cpu] [--scale N]
        [--money db|api|none] [--support db|api|none]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


from migrator.pipeline.finance_specs import FINANCE_ENTITIES  # noqa: E402
from tests.support.bench_sims import (  # noqa: E402
    DB_RATE,
    KEY,
    SECRET,
    SONAR_RATE,
    SPLYNX_LATENCY,
    SPLYNX_WORKERS,
    TOKEN,
    database_rows,
    load,
    pair,
)
from tests.support.bench_sims import scratch_database as _scratch  # noqa: E402

MONEY = "db"  # set from --money
SUPPORT = "db"  # set from --support
SUPPORT_ENTITIES = ("administrators", "tickets", "ticket_messages")


def scratch_database() -> Any:
    """A scratch database for Splynx's tables when the money goes through it (``--money db``)."""
    return _scratch(MONEY == "db")


def migrate(
    urls: tuple[str, str], *, limited: bool, dry_run: bool = False, database: str | None = None
) -> dict[str, Any]:
    """One ``migrator run`` in its own process: summary, wall time, CPU seconds, peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bench-migration-") as directory:
        state = Path(directory) / "state.sqlite3"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SONAR_URL": urls[0],
            "SONAR_TOKEN": TOKEN,
            "SPLYNX_URL": urls[1],
            "SPLYNX_API_KEY": KEY,
            "SPLYNX_API_SECRET": SECRET,
            "MIGRATOR_STATE": str(state),
            "MIGRATOR_SONAR_RATE": str(SONAR_RATE if limited else 0),
            "MIGRATOR_WRITERS": str(2 * SPLYNX_WORKERS),  # twice the pool: it never idles
        }
        if database is not None:
            env["SPLYNX_DB_DSN"] = database
        command = [sys.executable, "-m", "migrator", "run", "--env-file", f"{directory}/none"]
        skipped = sorted(FINANCE_ENTITIES) if MONEY == "none" else []
        skipped += SUPPORT_ENTITIES if SUPPORT == "none" else ()
        if skipped:
            command += ["--skip", ",".join(skipped)]
        summary_path = state.with_name(state.name + ".summary.json")
        command += ["--summary-json", str(summary_path)] + (["--dry-run"] if dry_run else [])
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=directory, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 3, 5):  # 5: a balance differs (printed below)
            assert process.stderr is not None
            raise SystemExit(f"migrator run exited {code}: {process.stderr.read()[-2000:]}")
        summary = json.loads(summary_path.read_text())
    settled = sum(e["written"] + e["skipped"] + e["rejected"] for e in summary["entities"].values())
    different = summary.get("balances", {}).get("different", [])
    if different:
        print(f"  !! {len(different)} balances differ, e.g. {different[:3]}")
    return {
        "summary": summary,
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024.0,
        "settled": settled,
    }


def bound(runs: int, scale: int) -> None:
    print(
        f"== bound: {scale:,} accounts; Sonar {SONAR_RATE}/min, pages of 100; "
        f"Splynx {SPLYNX_WORKERS} workers x {SPLYNX_LATENCY * 1000:.0f} ms"
    )
    ratios, cores, walls, requests = [], [], [], []
    for run in range(runs):
        with scratch_database() as database, pair(scale, limited=True, database=database) as urls:
            result = migrate(urls, limited=True, database=database)
            rows = database_rows(database) if database is not None else 0
        systems = result["summary"]["systems"]
        extraction = systems["sonar"]["requests"] / (SONAR_RATE / 60.0)
        writing = systems["splynx"]["requests"] / (SPLYNX_WORKERS / SPLYNX_LATENCY)
        storing = rows / DB_RATE
        ratio = result["wall"] / max(extraction, writing, storing)
        ratios.append(ratio)
        walls.append(result["wall"])
        requests.append(systems["sonar"]["requests"])
        print(
            f"  run {run + 1}: {result['wall']:.1f}s end to end; extraction bound "
            f"{extraction:.1f}s ({systems['sonar']['requests']:,} Sonar requests), write bound "
            f"{writing:.1f}s ({systems['splynx']['requests']:,} Splynx requests), database "
            f"bound {storing:.1f}s ({rows:,} rows at {DB_RATE:,.0f}/s); "
            f"ratio {ratio:.3f}; {result['settled']:,} records; peak RSS "
            f"{result['rss_mb']:.0f} MB; CPU {result['cpu']:.1f}s = "
            f"{result['cpu'] / result['wall']:.3f} of one core; {load()}"
        )
        cores.append(result["cpu"] / result["wall"])
    print(f"  median ratio {statistics.median(ratios):.3f} (target <= 1.15)")
    print(f"  median wall {statistics.median(walls) / 60:.1f} min (target <= 15 with money)")
    print(f"  median Sonar requests {statistics.median(requests):,.0f} (target <= 2,500)")
    cpu = statistics.median(cores)
    print(f"  median CPU at the write bound {cpu:.3f} of one core (target <= 0.25)")


def memory(runs: int, scales: tuple[int, ...] = (1000, 10000)) -> None:
    print("== memory: migrator peak RSS, zero-latency simulators, no rate limits")
    medians = {}
    for scale in scales:
        figures = []
        for _ in range(runs):
            with scratch_database() as db, pair(scale, limited=False, database=db) as urls:
                figures.append(migrate(urls, limited=False, database=db)["rss_mb"])
        medians[scale] = statistics.median(figures)
        print(
            f"  {scale:,} accounts: {', '.join(f'{f:.1f}' for f in figures)} MB; "
            f"median {medians[scale]:.1f} MB (target <= 250); {load()}"
        )
    if len(scales) == 2:
        small, large = (medians[s] for s in scales)
        print(f"  growth {scales[1]:,} vs {scales[0]:,}: {large / small - 1:+.1%} (target <= +25%)")


def cpu(runs: int, scale: int) -> None:
    print(f"== cpu: records per CPU-second of the migrator, {scale:,} accounts, no limits")
    for label, dry in (("instant sinks (--dry-run)", True), ("zero-latency simulators", False)):
        rates = []
        for _ in range(runs):
            with scratch_database() as db, pair(scale, limited=False, database=db) as urls:
                result = migrate(urls, limited=False, dry_run=dry, database=db)
            rates.append(result["settled"] / result["cpu"])
            print(
                f"  {label}: {result['settled']:,} records in {result['cpu']:.1f} CPU-s "
                f"({result['wall']:.1f}s wall, peak RSS {result['rss_mb']:.0f} MB): "
                f"{rates[-1]:,.0f}/CPU-s; {load()}"
            )
        median = statistics.median(rates)
        print(f"  {label}: median {median:,.0f} records/CPU-s (target >= 1,000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10_000, help="accounts for bound and cpu")
    parser.add_argument("--only", choices=("bound", "memory", "cpu"))
    parser.add_argument("--money", choices=("db", "api", "none"), default="db")
    parser.add_argument("--support", choices=("db", "api", "none"), default="db")
    args = parser.parse_args()
    if args.support == "api" and args.money == "db":
        parser.error("--support api needs --money api or none (SPLYNX_DB_DSN takes both)")
    global MONEY, SUPPORT
    MONEY, SUPPORT = args.money, args.support
    if args.only in (None, "cpu"):
        cpu(args.runs, args.scale)
    if args.only in (None, "memory"):
        memory(args.runs)
    if args.only in (None, "bound"):
        bound(args.runs, args.scale)


if __name__ == "__main__":
    main()
