"""Benchmark: how fast the Sonar simulator is ready, how much memory it holds, how fast it pages.

Runs ``migrator sim sonar`` as a subprocess (as a user would), three times per
scale, and prints medians against the targets of issue 2: ready (URL printed,
data generated) within 15 s and peak RSS under 1.5 GB at 10,000 accounts.
It also times the request an extracting client makes most (a keyset page of
100 debits at the end of the table) and a nested page (100 accounts with
contacts, phone numbers, addresses and services), and, with ``--fixture``,
the same for serving the 10,000-account dataset exported as a fixture.

    python3 tests/bench/bench_sonar_sim.py [--scales 1000 10000] [--runs 3] [--fixture]

Not collected by pytest; run by hand on a quiet machine and quote the medians.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "bench-token"
READY_BOUND_S, RSS_BOUND_MB = 15.0, 1536.0

KEYSET = """query Keyset($after: Int64Bit!) {
  debits(sorter: [{attribute: "id", direction: ASC}], paginator: {page: 1, records_per_page: 100},
         search: [{integer_fields: [{attribute: "id", operator: GT, search_value: $after}]}]) {
    entities { id account_id amount invoice_id created_at updated_at service_name }
    page_info { total_count } } }"""
NESTED = """query Nested($after: Int64Bit!) {
  accounts(include_archived: true, paginator: {page: 1, records_per_page: 100},
           search: [{integer_fields: [{attribute: "id", operator: GT, search_value: $after}]}]) {
    entities { id name contacts { entities { id name email_address
                                             phone_numbers { entities { number } } } }
               addresses { entities { id line1 city zip } }
               account_services { entities { id service_id } } } } }"""


def post(url: str, query: str, variables: dict[str, object]) -> float:
    """Milliseconds for one answered request."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        url + "/api/graphql",
        data=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:
        payload = json.loads(answer.read())
    assert "errors" not in payload, payload
    return (time.perf_counter() - started) * 1000


def near_the_end(url: str) -> int:
    """The debit id 150 from the end of the table."""
    query = """{ debits(sorter: [{attribute: "id", direction: DESC}],
                        paginator: {page: 2, records_per_page: 75}) { entities { id } } }"""
    request = urllib.request.Request(
        url + "/api/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        entities = json.loads(answer.read())["data"]["debits"]["entities"]
    return int(entities[-1]["id"]) if entities else 0


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def one_run(data_flags: list[str]) -> dict[str, float]:
    command = [sys.executable, "-m", "migrator", "sim", "sonar", *data_flags]
    command += ["--port", "0", "--rate-limit", "0", "--max-page-size", "100", "--token", TOKEN]
    command += ["--log-level", "WARNING"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        ready = time.perf_counter() - started
        if not url.startswith("http://"):
            raise RuntimeError(f"the simulator did not start: {url!r}")
        after = near_the_end(url)  # the last pages are where a scan would cost most
        keyset = statistics.median(post(url, KEYSET, {"after": after}) for _ in range(20))
        nested = statistics.median(post(url, NESTED, {"after": 0}) for _ in range(10))
        rss = peak_rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    return {"ready_s": ready, "rss_mb": rss, "keyset_ms": keyset, "nested_ms": nested}


def report(label: str, runs: list[dict[str, float]]) -> None:
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(
        f"{label:<24} ready {median['ready_s']:6.2f} s ({median['ready_s'] / READY_BOUND_S:5.1%}"
        f" of 15 s)  peak RSS {median['rss_mb']:7.1f} MB ({median['rss_mb'] / RSS_BOUND_MB:5.1%}"
        f" of 1.5 GB)  keyset page {median['keyset_ms']:6.1f} ms  nested page"
        f" {median['nested_ms']:6.1f} ms  [median of {len(runs)}]",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--fixture", action="store_true", help="also serve the largest as a fixture"
    )
    args = parser.parse_args()
    for scale in args.scales:
        report(f"--scale {scale}", [one_run(["--scale", str(scale)]) for _ in range(args.runs)])
    if args.fixture:
        scale = max(args.scales)
        with tempfile.TemporaryDirectory() as directory:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "migrator", "sim", "sonar", "--scale", str(scale),
                 "--export-fixture", directory, "--log-level", "WARNING"],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            print(f"--export-fixture at --scale {scale}: {time.perf_counter() - started:.1f} s")
            runs = [one_run(["--fixture", directory]) for _ in range(args.runs)]
            report(f"--fixture ({scale} accts)", runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
