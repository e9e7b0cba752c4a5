"""Benchmark of ``migrator export`` against the Sonar simulator (run by hand, not by pytest).

Prints ratios against the physical bound, as DESIGN.md section 7 asks:

1. budget: exporting the 1,000-account dataset with the simulator at
   ``--rate-limit 400 --max-page-size 100 --latency-ms 150:50`` (about a
   thousand pages, a few minutes per run): achieved requests/min ÷ 400
   (target >= 0.95), and the 429s received (target 0);
2. memory: with every limit off, the export process's peak RSS at 1,000 and
   10,000 accounts (target <= 150 MB, the 10,000 figure within +25% of the
   1,000 one), with the records/s it reached.

The simulator and the export run as separate processes (the export's peak
RSS comes from ``wait4``). Each figure is the median of ``--runs`` runs; the
load average is printed because the machine is shared.

    python3 tests/bench/bench_sonar_export.py [--runs 3] [--only budget|memory]
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
from contextlib import AbstractContextManager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support import bench_sims  # noqa: E402
from tests.support.bench_sims import load  # noqa: E402

TOKEN = "bench-token"


def simulator(scale: int, *extra: str) -> AbstractContextManager[str]:
    """The Sonar simulator with this benchmark's dataset."""
    flags = ("--token", TOKEN, "--scale", str(scale), "--seed", "1", *extra)
    return bench_sims.simulator("sonar", *flags)


def export(url: str, rate: int) -> tuple[dict[str, object], float]:
    """One export in its own process: (its JSON summary, its peak RSS in MB)."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as directory:
        summary = Path(directory) / "summary.json"
        command = [sys.executable, "-m", "migrator", "export", "--out", f"{directory}/out"]
        command += ["--sonar-rate", str(rate), "--summary-json", str(summary)]
        env = {**os.environ, "SONAR_URL": url, "SONAR_TOKEN": TOKEN}
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"export failed with status {os.waitstatus_to_exitcode(status)}")
        return json.loads(summary.read_text()), usage.ru_maxrss / 1024.0


def budget(runs: int) -> None:
    print("== budget: 1,000 accounts, limit 400/min, pages of 100, latency 150±50 ms")
    ratios, rate_limited = [], []
    for run in range(runs):
        sim = ("--rate-limit", "400", "--max-page-size", "100", "--latency-ms", "150:50")
        with simulator(1_000, *sim) as url:
            before = load()
            summary, _ = export(url, 400)
        per_minute = summary["requests"] / (summary["elapsed_seconds"] / 60.0)  # type: ignore[operator]
        ratios.append(per_minute / 400.0)
        rate_limited.append(summary["rate_limited"])
        print(
            f"run {run + 1}: {summary['requests']} requests in {summary['elapsed_seconds']:.1f}s"
            f" = {per_minute:.1f}/min, ratio {ratios[-1]:.3f}, 429s {summary['rate_limited']},"
            f" {summary['records']} records ({before}; after: {load()})"
        )
    print(f"median requests/min ÷ budget: {statistics.median(ratios):.3f} (target >= 0.95)")
    print(f"429s received: {rate_limited} (target 0)")


def memory(runs: int) -> None:
    print("== memory: limits off, peak RSS of the export process")
    medians = {}
    for scale in (1_000, 10_000):
        rss, speed = [], []
        sim = ("--rate-limit", "0", "--max-page-size", "100", "--latency-ms", "0")
        with simulator(scale, *sim) as url:
            for run in range(runs):
                before = load()
                started = time.monotonic()
                summary, peak = export(url, 0)
                rss.append(peak)
                speed.append(summary["records"] / summary["elapsed_seconds"])  # type: ignore[operator]
                print(
                    f"{scale:>6} accounts run {run + 1}: peak RSS {peak:.1f} MB, "
                    f"{summary['records']} records at {speed[-1]:,.0f}/s "
                    f"({time.monotonic() - started:.0f}s wall; {before}; after: {load()})"
                )
        medians[scale] = statistics.median(rss)
        print(
            f"{scale:>6} accounts: median peak RSS {medians[scale]:.1f} MB (target <= 150), "
            f"median {statistics.median(speed):,.0f} records/s"
        )
    growth = medians[10_000] / medians[1_000] - 1.0
    print(f"10,000 vs 1,000 accounts: {growth:+.1%} (target <= +25%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("budget", "memory"))
    args = parser.parse_args()
    if args.only in (None, "budget"):
        budget(args.runs)
    if args.only in (None, "memory"):
        memory(args.runs)


if __name__ == "__main__":
    main()
