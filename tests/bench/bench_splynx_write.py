"""API write throughput of the Splynx client ÷ the simulator's configured capacity.

Starts ``migrator sim splynx --workers 8 --latency-ms 50`` as a separate process
(capacity = 8 workers / 0.050 s = 160 requests/s) and drives it with 16
concurrent writers sharing one ``SplynxClient`` (token auth, the default), each
creating customers with a unique ``sonar_id`` through ``client.create``. After a
one-second warm-up, creates confirmed per second are measured; the script
prints each run's rate ÷ capacity and the median of the runs (target >= 0.90).
Not collected by pytest; run by hand from the repo root:

    python3 tests/bench/bench_splynx_write.py [--runs 3] [--seconds 10] [--writers 16]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import subprocess
import sys
import time
from pathlib import Path

import anyio
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from migrator.settings import Settings  # noqa: E402
from migrator.splynx import payloads as p  # noqa: E402
from migrator.splynx.client import SplynxClient  # noqa: E402

KEY, SECRET = "bench-key", "bench-secret"
WORKERS, LATENCY_MS = 8, 50
CAPACITY = WORKERS / (LATENCY_MS / 1000)


def start_simulator() -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable, "-m", "migrator", "sim", "splynx",
        "--workers", str(WORKERS), "--latency-ms", str(LATENCY_MS),
        "--api-key", KEY, "--api-secret", SECRET, "--seed", "1", "--log-level", "WARNING",
        "--marker-fields",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http"):
        process.kill()
        raise SystemExit("the simulator did not start")
    return process, url


async def one_run(url: str, writers: int, seconds: float, run: int) -> tuple[float, str]:
    settings = Settings.model_construct(
        **{
            **Settings().model_dump(),
            "splynx_url": url,
            "splynx_api_key": SecretStr(KEY),
            "splynx_api_secret": SecretStr(SECRET),
            "splynx_auth": "token",
            "writers": writers,
        }
    )
    numbers = itertools.count()
    confirmed = 0
    async with SplynxClient.open(settings) as client:
        await client.count("partners")  # obtain the token before the clock starts
        start = time.monotonic()
        measure_from, deadline = start + 1.0, start + 1.0 + seconds

        async def writer() -> None:
            nonlocal confirmed
            while time.monotonic() < deadline:
                n = next(numbers)
                customer = p.Customer(
                    name=f"Bench {run}-{n}", partner_id=1, location_id=1,
                    additional_attributes={"sonar_id": f"bench-{run}-{n}"},
                )  # fmt: skip
                await client.create("customers", customer)
                if time.monotonic() >= measure_from:
                    confirmed += 1

        async with anyio.create_task_group() as tg:
            for _ in range(writers):
                tg.start_soon(writer)
        measured = time.monotonic() - measure_from  # includes writes in flight at the deadline
        stats = client.stats
        detail = f"{stats.requests} requests, {stats.retries} retries, {stats.rejects} rejects"
    return confirmed / measured, detail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument(
        "--url", help="use a simulator already running with --workers 8 --latency-ms 50"
    )
    args = parser.parse_args()
    process, url = (None, args.url) if args.url else start_simulator()
    try:
        ratios = []
        for run in range(1, args.runs + 1):
            rate, detail = anyio.run(one_run, url, args.writers, args.seconds, run)
            ratios.append(rate / CAPACITY)
            print(
                f"run {run}: {rate:7.1f} creates/s = {rate / CAPACITY:.3f} of capacity ({detail})"
            )
        print(
            f"median: {statistics.median(ratios):.3f} of capacity "
            f"({CAPACITY:.0f}/s = {WORKERS} workers / {LATENCY_MS} ms, {args.writers} writers)"
        )
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
