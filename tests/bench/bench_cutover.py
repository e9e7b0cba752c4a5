"""Benchmark of cut-over night on the generated ISP (run by hand, not by pytest).

The commands a user runs, each in its own process between the two simulators in
their own processes (Sonar at 400 requests/min with pages of 100, Splynx at 8
workers x 50 ms with its state, money and tickets in MariaDB):

1. ``migrator run`` - the whole migration (days before the cut-over);
2. a batch of changes in Sonar (the simulator's ``POST /admin/changes``, ``--fraction``
   of the accounts touched: sign-ups, renames, status changes, archives, a contact's
   new e-mail, services added and changed, notes and payments);
3. ``migrator run --since last`` - the delta sync (target: <= 5% of step 1's wall time);
4. ``migrator verify`` (``--verify sample``: its default sample; ``all``: ``--all``);
5. ``migrator rollback --all --yes`` (with ``--rollback``) and a second one.

Each step prints its wall time, exit code, peak RSS and the requests it sent; the sync's
ratio to the full run is the acceptance figure.

    python3 tests/bench/bench_cutover.py [--scale N] [--fraction F] [--verify none|sample|all]
                                         [--rollback]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support import bench_sims as bench  # noqa: E402


def _environment(urls: tuple[str, str], state: Path, database: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SONAR_URL": urls[0],
        "SONAR_TOKEN": bench.TOKEN,
        "SPLYNX_URL": urls[1],
        "SPLYNX_API_KEY": bench.KEY,
        "SPLYNX_API_SECRET": bench.SECRET,
        "MIGRATOR_STATE": str(state),
        "MIGRATOR_SONAR_RATE": str(bench.SONAR_RATE),
        "MIGRATOR_WRITERS": str(2 * bench.SPLYNX_WORKERS),
    }
    if database is not None:
        env["SPLYNX_DB_DSN"] = database
    return env


def step(
    name: str, urls: tuple[str, str], state: Path, database: str | None, *args: str
) -> dict[str, Any]:
    """One ``migrator ARGS`` in its own process: exit code, wall time, peak RSS (from
    ``wait4``), its stdout."""
    command = [sys.executable, "-m", "migrator", *args, "--env-file", str(state.parent / "none")]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(
            command, cwd=state.parent, env=_environment(urls, state, database),
            stdout=out, stderr=err, text=True,
        )  # fmt: skip
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code not in (0, 3, 5):
            raise SystemExit(f"{name} exited {code}: {err.read()[-2000:]}")
        return {"code": code, "wall": wall, "rss_mb": usage.ru_maxrss / 1024, "stdout": out.read()}


def run_summary(state: Path) -> dict[str, Any]:
    return json.loads(state.with_name(state.name + ".summary.json").read_text())  # type: ignore[no-any-return]


def requests_of(summary: dict[str, Any]) -> str:
    systems = summary["systems"]
    return f"{systems['sonar']['requests']:,} Sonar, {systems['splynx']['requests']:,} Splynx API"


def bound_of(summary: dict[str, Any], database: str | None, wall: float) -> str:
    """The run's wall time against its physical bound (as ``bench_migration`` reckons it)."""
    systems = summary["systems"]
    extraction = systems["sonar"]["requests"] / (bench.SONAR_RATE / 60.0)
    writing = systems["splynx"]["requests"] / (bench.SPLYNX_WORKERS / bench.SPLYNX_LATENCY)
    storing = (bench.database_rows(database) if database else 0) / bench.DB_RATE
    limit = max(extraction, writing, storing)
    return (
        f"bound {limit:.1f}s (extraction {extraction:.1f}s, API {writing:.1f}s, "
        f"database {storing:.1f}s), ratio {wall / limit:.3f}"
    )


def change_sonar(url: str, fraction: float) -> dict[str, Any]:
    answer = httpx.post(
        f"{url}/admin/changes",
        json={"seed": 7, "fraction": fraction},
        headers={"Authorization": f"Bearer {bench.TOKEN}"},
        timeout=120,
    )
    answer.raise_for_status()
    return answer.json()  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--fraction", type=float, default=0.01)
    parser.add_argument("--verify", choices=("none", "sample", "all"), default="sample")
    parser.add_argument("--rollback", action="store_true")
    args = parser.parse_args()
    print(
        f"== cut-over: {args.scale:,} accounts; Sonar {bench.SONAR_RATE}/min, pages of 100; "
        f"Splynx {bench.SPLYNX_WORKERS} workers x {bench.SPLYNX_LATENCY * 1000:.0f} ms; "
        "money and tickets through MariaDB"
    )
    with (
        tempfile.TemporaryDirectory(prefix="bench-cutover-") as directory,
        bench.scratch_database() as database,
        bench.pair(args.scale, limited=True, database=database) as urls,
    ):
        state = Path(directory) / "state.sqlite3"
        full = step("run", urls, state, database, "run")
        summary = run_summary(state)
        print(f"  1. migrator run: {full['wall']:.1f}s, exit {full['code']}, "
              f"peak RSS {full['rss_mb']:.0f} MB; "
              f"{requests_of(summary)}; {bound_of(summary, database, full['wall'])}; "
              f"{bench.load()}")  # fmt: skip

        changes = change_sonar(urls[0], args.fraction)
        counts = {
            kind: sum(len(ids) for ids in changes[kind].values())
            for kind in ("created", "updated", "archived")
        }
        print(f"  2. Sonar changed: {counts} (fraction {args.fraction})")

        sync = step("sync", urls, state, database, "run", "--since", "last")
        summary = run_summary(state)
        written = {
            name: {k: e[k] for k in ("created", "updated") if e[k]}
            for name, e in summary["entities"].items()
            if e["created"] or e["updated"]
        }
        print(f"  3. migrator run --since last: {sync['wall']:.1f}s, exit {sync['code']}, "
              f"peak RSS {sync['rss_mb']:.0f} MB; "
              f"{requests_of(summary)}; ratio to the full run {sync['wall'] / full['wall']:.3f} "
              f"(target <= 0.05); {bench.load()}")  # fmt: skip
        print(f"     written: {written}")

        if args.verify != "none":
            flags = ["--all"] if args.verify == "all" else []
            checked = step("verify", urls, state, database, "verify", "--json", *flags)
            report = json.loads(checked["stdout"])
            unequal = [e["entity"] for e in report["entities"] if not e["equal"]]
            print(f"  4. migrator verify {' '.join(flags)}: {checked['wall']:.1f}s, exit "
                  f"{checked['code']}, peak RSS {checked['rss_mb']:.0f} MB; "
                  f"unequal: {unequal or 'none'}; {bench.load()}")  # fmt: skip

        if args.rollback:
            undone = step("rollback", urls, state, database, "rollback", "--all", "--yes")
            print(f"  5. migrator rollback --all --yes: {undone['wall']:.1f}s, exit "
                  f"{undone['code']}, peak RSS {undone['rss_mb']:.0f} MB; "
                  f"{bench.load()}")  # fmt: skip
            print("     " + "\n     ".join(undone["stdout"].strip().splitlines()[-6:]))
            again = step("rollback", urls, state, database, "rollback", "--all", "--yes")
            print(f"     again: {again['wall']:.1f}s, exit {again['code']}")


if __name__ == "__main__":
    main()
