"""``migrator sim sonar``: a simulated Sonar GraphQL API in the foreground."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import anyio
from pydantic import ValidationError

from migrator.errors import ConfigError
from migrator.exitcodes import ExitCode
from migrator.logconfig import configure_logging
from migrator.sim.command_spec import SimCommand
from migrator.sim.harness import serve_until_signal
from migrator.sim.sonar.app import (
    ADMIN_CHANGES_PATH,
    DEFAULT_MAX_PAGE_SIZE,
    DEFAULT_TOKEN,
    GRAPHQL_PATH,
    SonarSimConfig,
    build_app,
    dataset_of,
    export_fixture,
)

__all__ = ["COMMAND"]

log = logging.getLogger(__name__)

DESCRIPTION = f"""\
Serve a simulated Sonar instance: POST {GRAPHQL_PATH}, executed against the real
Sonar schema (pruned to the 23 list queries migrator uses and 5 equipment ones,
with every relation between them: to-one, nested connections and polymorphic
owners, resolved from the same data), with Sonar's Bearer auth, its per-token
rate limit (HTTP 429 {{"error": "Request limit of N/min reached."}}), its
paging, sorting and search semantics, and its custom scalars (Int64Bit as
strings, Datetime as ISO-8601 with offset, ...).

The data is generated from --seed with the per-account ratios of a real
instance (about 120 rows per account: invoices, debits, credits, payments,
tickets ...), deliberately messy in a small share (unicode, emoji and RTL
names, missing e-mails, archived and child accounts), or read from a fixture
directory (one <query>.jsonl per list query; see --export-fixture).

The data can change while it is served, for a delta run (migrator run --since) to
find: POST {ADMIN_CHANGES_PATH} with {{"seed": N, "fraction": 0.01}} (same Bearer
token; not rate-limited, never faulted) applies one seeded batch: sign-ups with
their contacts, addresses, services and logins, renames and status changes,
archived accounts, and contacts, services, notes and payments changed or added
under accounts left unchanged, all stamped updated_at = now with _version + 1.
fraction sizes it (0.01 of 10,000 accounts: ~100 accounts touched). The answer
lists what changed: {{"created": {{"accounts": [ids], ...}}, "updated": {{...}},
"archived": {{"accounts": [ids]}}, "at": "<the updated_at they got>"}}.

The first line of standard output is the base URL (the SONAR_URL to give
migrator), alone; logs go to standard error. Ctrl-C or SIGTERM stops it."""

EXAMPLES = f"""\
  migrator sim sonar                                   1,000 accounts, token {DEFAULT_TOKEN}
  migrator sim sonar --scale 10000 --port 8600         a full-size ISP on a fixed port
  migrator sim sonar --rate-limit 400 --max-page-size 100 --latency-ms 150:50 --fault-rate 0.05
                                                       as slow and flaky as the real one
  migrator sim sonar --export-fixture snap/ --scale 50 write the data as a fixture and exit
  migrator sim sonar --fixture snap/                   serve a fixture (e.g. from migrator export)
  curl -s -H 'Authorization: Bearer {DEFAULT_TOKEN}' -H 'Content-Type: application/json' \\
       -d '{{"query": "{{ accounts {{ page_info {{ total_count }} }} }}"}}' URL{GRAPHQL_PATH}
  curl -s -H 'Authorization: Bearer {DEFAULT_TOKEN}' -H 'Content-Type: application/json' \\
       -d '{{"seed": 1, "fraction": 0.01}}' URL{ADMIN_CHANGES_PATH}
                                                       change the served data (a delta to sync)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    _add_where(parser)
    _add_data(parser)
    _add_limits(parser)
    parser.add_argument(
        "--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )


def _add_where(parser: argparse.ArgumentParser) -> None:
    where = parser.add_argument_group("where and who")
    where.add_argument("--host", default="127.0.0.1", help="address to listen on")
    where.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    where.add_argument(
        "--token",
        action="append",
        default=argparse.SUPPRESS,
        metavar="TOKEN",
        help=f"a Bearer token to accept (repeat for several, each with its own rate limit;"
        f" default {DEFAULT_TOKEN})",
    )


def _add_data(parser: argparse.ArgumentParser) -> None:
    data = parser.add_argument_group("data")
    data.add_argument(
        "--scale", type=int, default=argparse.SUPPRESS, help="accounts to generate (default 1000)"
    )
    data.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
    data.add_argument(
        "--fixture",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="serve this fixture directory instead of generated data",
    )
    data.add_argument(
        "--export-fixture",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="write the dataset as a fixture directory and exit (what --fixture reads)",
    )


def _add_limits(parser: argparse.ArgumentParser) -> None:
    limits = parser.add_argument_group("limits and faults (like the real server)")
    limits.add_argument(
        "--max-page-size",
        type=int,
        default=DEFAULT_MAX_PAGE_SIZE,
        metavar="N",
        help="clamp paginator.records_per_page (of lists and of nested connections) to N"
        f" (default {DEFAULT_MAX_PAGE_SIZE:,}: Sonar documents no cap, third parties mention"
        " 10,000 and a public client asks for 1,000,000 per page, so the default refuses no"
        " page a real Sonar is known to serve; 100 is the conservative setting the benchmarks"
        " use). A page without a paginator has 100 records.",
    )
    limits.add_argument(
        "--max-answer-entities",
        type=int,
        default=0,
        metavar="N",
        help="fail an answer holding more than N entities (at any depth: a page of accounts"
        ' with their nested invoices counts them all) with HTTP 500 {"message": "Server'
        " Error\"}, as a PHP server out of memory or time answers (ASSUMPTION: Sonar's real"
        " limit is unknown); 0 = no limit",
    )
    limits.add_argument(
        "--rate-limit", type=int, default=400, help="requests per minute per token; 0 = off"
    )
    limits.add_argument(
        "--latency-ms", default="0", metavar="MEAN[:JITTER]", help="service time, e.g. 150:50"
    )
    limits.add_argument(
        "--fault-rate",
        type=float,
        default=0.0,
        help="share of requests failing with a 5xx, a timeout or a dropped connection",
    )
    limits.add_argument(
        "--capacity", type=int, default=0, help="requests served at once; 0 = unlimited"
    )


def _config(args: argparse.Namespace) -> SonarSimConfig:
    tokens = getattr(args, "token", None) or [DEFAULT_TOKEN]
    fixture, scale = getattr(args, "fixture", None), getattr(args, "scale", None)
    if fixture is not None and scale is not None:
        log.warning("--scale is ignored: the data comes from --fixture %s", fixture)
    try:
        return SonarSimConfig(
            token=tokens[0],
            extra_tokens=tuple(tokens[1:]),
            scale=1000 if scale is None else scale,
            seed=args.seed,
            fixture=fixture,
            max_page_size=args.max_page_size,
            rate_limit=args.rate_limit,
            latency=args.latency_ms,
            fault_rate=args.fault_rate,
            capacity=args.capacity,
            max_answer_entities=args.max_answer_entities,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "settings"
        raise ConfigError(f"sim sonar: {where}: {problem['msg']}") from None


def run(args: argparse.Namespace) -> int:
    configure_logging(args.log_level)
    config = _config(args)
    target = getattr(args, "export_fixture", None)
    if target is not None:
        counts = export_fixture(config, target)
        print(f"wrote {sum(counts.values())} records in {len(counts)} files to {target}")
        return ExitCode.OK
    app = build_app(config)
    log.info(
        "serving %d records (%s)", sum(dataset_of(app).counts().values()), dataset_of(app).source
    )

    def announce(url: str) -> None:
        print(url, flush=True)
        log.info("listening: POST %s%s", url, GRAPHQL_PATH)

    try:
        anyio.run(serve_until_signal, app, args.host, args.port, announce, backend="asyncio")
    except OSError as exc:
        raise ConfigError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    return ExitCode.OK


COMMAND = SimCommand(
    name="sonar",
    help="a simulated Sonar GraphQL API (generated or fixture data)",
    description=DESCRIPTION,
    examples=EXAMPLES,
    add_arguments=add_arguments,
    run=run,
)
