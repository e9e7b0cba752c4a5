"""How close the Splynx simulator gets to its own configured capacity.

Starts ``migrator sim splynx --workers 8 --latency-ms 50`` in a separate
process (capacity 8 / 0.050 s = 160 requests/s) and drives it with 16
concurrent raw httpx clients holding one access token: each creates customers
(with a unique ``sonar_id``) and, every fourth request, looks one up by it, the
mix the migration sends. Prints requests/s served ÷ capacity per run and the
median of the runs: near 1.0 means the simulator is not the bottleneck of any
benchmark that uses it. Not collected by pytest; run by hand from the repo root:

    python3 tests/bench/bench_splynx_sim.py [--runs 3] [--seconds 10] [--db DSN]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
KEY, SECRET = "bench-key", "bench-secret"
WORKERS, LATENCY_MS, CLIENTS = 8, 50, 16
CAPACITY = WORKERS / (LATENCY_MS / 1000)


def start_simulator(db: str | None) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable, "-m", "migrator", "sim", "splynx",
        "--workers", str(WORKERS), "--latency-ms", str(LATENCY_MS),
        "--api-key", KEY, "--api-secret", SECRET, "--seed", "1", "--log-level", "WARNING",
        "--marker-fields",
    ]  # fmt: skip
    if db:
        command += ["--db", db]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http"):
        process.kill()
        raise SystemExit("the simulator did not start")
    return process, url + "/api/2.0/"


async def access_token(client: httpx.AsyncClient) -> str:
    nonce = int(time.time())
    signature = hmac.new(SECRET.encode(), f"{nonce}{KEY}".encode(), hashlib.sha256)
    body = {
        "auth_type": "api_key",
        "key": KEY,
        "signature": signature.hexdigest().upper(),
        "nonce": nonce,
    }
    answer = await client.post("admin/auth/tokens", json=body)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


async def one_run(base: str, seconds: float, run: int) -> float:
    served = 0
    numbers = itertools.count()
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        token = await access_token(client)
        client.headers["Authorization"] = f"Splynx-EA (access_token={token})"
        start = time.monotonic()
        measure_from, deadline = start + 1.0, start + 1.0 + seconds

        async def worker() -> None:
            nonlocal served
            while (now := time.monotonic()) < deadline:
                n = next(numbers)
                if n % 4 == 3:
                    query = {"additional_attributes[sonar_id]": f"r{run}-{n - 1}"}
                    answer = await client.get("admin/customers/customer", params=query)
                else:
                    body = {
                        "name": f"Bench {n}",
                        "partner_id": 1,
                        "location_id": 1,
                        "additional_attributes": {"sonar_id": f"r{run}-{n}"},
                    }
                    answer = await client.post("admin/customers/customer", json=body)
                if answer.is_success and now >= measure_from:
                    served += 1

        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return served / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--db", default=None, help="run the simulator on MariaDB (a DSN)")
    args = parser.parse_args()
    process, base = start_simulator(args.db)
    try:
        ratios = []
        for run in range(1, args.runs + 1):
            rate = asyncio.run(one_run(base, args.seconds, run))
            ratios.append(rate / CAPACITY)
            print(f"run {run}: {rate:7.1f} requests/s = {rate / CAPACITY:.3f} of capacity")
        print(
            f"median: {statistics.median(ratios):.3f} of capacity "
            f"({CAPACITY:.0f}/s = {WORKERS} workers / {LATENCY_MS} ms, {CLIENTS} clients)"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
