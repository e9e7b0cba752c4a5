"""Benchmark: Sonar requests to read every account's ledger nested, against flat pages.

Reads all invoices, debits, credits and payments of the generated ISP with
``NestedFinance`` (a page of 100 accounts with each connection nested, follow-ups
only for what overflowed) from the simulator clamping every page at 100
(``--max-page-size 100``, the conservative condition), and prints:

- the Sonar requests the nested read used (probe, pages, follow-ups, refused
  documents) and the minutes they cost at 400/min;
- the requests a flat read needs (a probe and ceil(n / 100) pages per query,
  measured with ``--measure-flat``, otherwise computed from the counts) and the
  ratio flat ÷ nested;
- that both saw the same number of records;
- with ``--max-answer-entities N``, the same read against a simulator refusing
  answers over N entities: the fallback's cost in requests, and the document
  size it settled on.

The simulator runs in its own process with no rate limit (requests are
counted, not waited for); the reading runs here.

    python3 tests/bench/bench_sonar_finance.py [--scales 1000,10000]
        [--max-answer-entities 5000] [--measure-flat]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import resource
import sys
import time
from contextlib import AbstractContextManager
from pathlib import Path

from migrator.sonar.client import SonarClient, sonar_limiter
from migrator.sonar.extract import Extractor
from migrator.sonar.finance import NestedFinance
from migrator.sonar.queries import FINANCE_FIELDS
from migrator.sonar.sizing import DocumentSizer

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support import bench_sims  # noqa: E402
from tests.support.bench_sims import load  # noqa: E402

TOKEN = "bench-token"
PAGE = 100
BUDGET = 400  # Sonar's documented requests per minute


def simulator(scale: int, *extra: str) -> AbstractContextManager[str]:
    """The Sonar simulator with this benchmark's dataset, unlimited (reads are counted)."""
    flags: tuple[str, ...] = ("--seed", "1", "--token", TOKEN, "--scale", str(scale))
    flags += ("--rate-limit", "0")
    flags += ("--max-page-size", str(PAGE), "--log-level", "WARNING", *extra)
    return bench_sims.simulator("sonar", *flags)


async def totals(url: str) -> dict[str, int]:
    """Each finance query's record count (from its probe; not counted against the reads)."""
    async with SonarClient(url, TOKEN, limiter=sonar_limiter(0)) as sonar:
        extractor = Extractor(sonar, page_size=PAGE)
        return {q: (await extractor.plan(q)).total_count for q in FINANCE_FIELDS}


async def nested(
    url: str, reader: NestedFinance, producers: int, buffer: int
) -> tuple[int, int, dict[str, int], float]:
    """Requests, failed ones, records per query, seconds: every ledger through ``reader``."""
    found = dict.fromkeys(FINANCE_FIELDS, 0)
    started = time.monotonic()
    async with SonarClient(url, TOKEN, limiter=sonar_limiter(0), timeout=120) as sonar:
        extractor = Extractor(sonar, page_size=PAGE, producers=producers)
        async with extractor.stream("accounts", reader, buffer=buffer) as pages:
            async for page in pages:
                if page.rejects:
                    raise SystemExit(f"rejected: {page.rejects[0]}")
                for account in page.records:
                    for query in FINANCE_FIELDS:
                        found[query] += len(getattr(account, query))
        stats = sonar.stats
        return stats.requests, stats.failed_attempts, found, time.monotonic() - started


async def flat(url: str) -> tuple[int, dict[str, int]]:
    """Requests and records per query of the same ledger read flat, page by page."""
    found = dict.fromkeys(FINANCE_FIELDS, 0)
    async with SonarClient(url, TOKEN, limiter=sonar_limiter(0), timeout=120) as sonar:
        extractor = Extractor(sonar, page_size=PAGE, producers=4)
        for query in FINANCE_FIELDS:
            async with extractor.stream(query) as pages:
                async for page in pages:
                    found[query] += len(page.records)
        return sonar.stats.requests, found


def run_scale(
    scale: int, limit: int, measure_flat: bool, producers: int, buffer: int, accounts: int
) -> None:
    extra = ("--max-answer-entities", str(limit)) if limit else ()
    with simulator(scale, *extra) as url:
        counts = asyncio.run(totals(url))
        reader = NestedFinance(sizer=DocumentSizer(accounts=accounts, nested=PAGE))
        before = load()
        requests, failed, found, seconds = asyncio.run(nested(url, reader, producers, buffer))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        if found != counts:
            raise SystemExit(f"nested read found {found}, the tables hold {counts}")
        if measure_flat:
            flat_requests, flat_found = asyncio.run(flat(url))
            if flat_found != counts:
                raise SystemExit(f"flat read found {flat_found}, the tables hold {counts}")
            how = "measured"
        else:
            flat_requests = sum(1 + math.ceil(n / PAGE) for n in counts.values())
            how = "computed: a probe and ceil(n/100) pages per query"
    records = sum(counts.values())
    limited = f", answers over {limit:,} entities refused" if limit else ""
    print(f"== {scale:,} accounts, pages of {PAGE}{limited}: {records:,} finance records")
    print(
        f"nested: {requests:,} Sonar requests ({requests / BUDGET:.1f} min at {BUDGET}/min), "
        f"{failed} of them failed (refused), documents made smaller {reader.sizer.shrinks} "
        f"times, settled at {reader.sizer.size(PAGE)}; {seconds:.0f}s here ({before}; "
        f"after: {load()})"
    )
    print(f"flat:   {flat_requests:,} Sonar requests ({how})")
    print(
        f"peak RSS after the nested read: {peak:.0f} MB "
        f"({producers} producers, {buffer} pages buffered)"
    )
    print(f"ratio flat / nested: {flat_requests / requests:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1000,10000")
    parser.add_argument("--max-answer-entities", type=int, default=0)
    parser.add_argument("--measure-flat", action="store_true")
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--buffer", type=int, default=4, help="pages waiting for the consumer")
    parser.add_argument("--accounts", type=int, default=PAGE, help="accounts per nested page")
    args = parser.parse_args()
    for scale in (int(s) for s in args.scales.split(",")):
        run_scale(
            scale,
            args.max_answer_entities,
            args.measure_flat,
            args.producers,
            args.buffer,
            args.accounts,
        )


if __name__ == "__main__":
    main()
