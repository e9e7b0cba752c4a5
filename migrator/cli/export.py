"""``migrator export --out DIR``: snapshot a Sonar into a fixture directory.

Wiring only: settings and flags in, ``migrator.export.snapshot.export_snapshot``
under the live display, a summary table and an exit code out.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from rich.console import Console

from migrator.cli.common import add_command, add_env_file_flag, layered_settings, run_async
from migrator.display.export_view import ExportDisplay
from migrator.errors import ConfigError
from migrator.exitcodes import ExitCode
from migrator.export.snapshot import ExportResult, export_snapshot
from migrator.profile import load_profile
from migrator.settings import Settings
from migrator.sonar.client import SonarClient
from migrator.sonar.schema import LIST_QUERIES

__all__ = ["parse_only", "print_summary", "register", "summary_json"]

log = logging.getLogger(__name__)

DESCRIPTION = """\
Read Sonar's data through its GraphQL API into DIR: one <query>.jsonl file per
list query (accounts, contacts, invoices, ...), one record per line, exactly as
Sonar serialized it. `migrator sim sonar --fixture DIR` serves such a snapshot,
so you can rehearse a migration offline, as often as you like, against a frozen
copy of production.

It reads every query in id-range partitions, several at once (--producers), as
fast as Sonar's request budget allows (--sonar-rate, per minute; Sonar's default
limit is 400) without ever exceeding it; rate-limit answers, server errors and
dropped connections are retried. Interrupted? Run the same command again: it
continues where it stopped, without duplicating or losing a record.

Connection: SONAR_URL (the instance's base URL) and SONAR_TOKEN (a personal
access token), from the environment or .env."""

EXAMPLES = """\
  migrator export --out snapshot/
  migrator export --out snapshot/ --only accounts,contacts,addresses
  migrator export --out snapshot/ --producers 8 --sonar-rate 380
  MIGRATOR_LOG_LEVEL=DEBUG migrator export --out snapshot/   # one log line per request"""


def register(commands: Any) -> None:
    parser = add_command(
        commands,
        "export",
        help="snapshot Sonar into a fixture directory (resumable)",
        description=DESCRIPTION,
        examples=EXAMPLES,
    )
    unset = argparse.SUPPRESS  # "not given": the setting's own precedence decides
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        default=unset,
        help="the fixture directory to write (created if missing)",
    )
    parser.add_argument(
        "--only",
        metavar="Q1,Q2",
        default=unset,
        help=f"export only these list queries (default: all {len(LIST_QUERIES)}: "
        + ", ".join(LIST_QUERIES)
        + ")",
    )
    parser.add_argument(
        "--producers",
        type=int,
        metavar="N",
        default=unset,
        help="partitions read concurrently (MIGRATOR_PRODUCERS, default 4)",
    )
    parser.add_argument(
        "--page-size",
        type=int,
        metavar="N",
        default=unset,
        help="records per request (MIGRATOR_PAGE_SIZE, default 100)",
    )
    parser.add_argument(
        "--sonar-rate",
        type=float,
        metavar="N",
        default=unset,
        help="Sonar requests per minute, 0 = no limit of ours (MIGRATOR_SONAR_RATE, default 400)",
    )
    parser.add_argument(
        "--profile",
        metavar="P",
        default=unset,
        help="a bundled profile's name or a profile file (default: none)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="discard an earlier, unfinished export in DIR"
    )
    parser.add_argument(
        "--summary-json",
        type=Path,
        metavar="FILE",
        default=unset,
        help="also write the summary as JSON (per query counts, requests, retries, time)",
    )
    add_env_file_flag(parser)
    parser.set_defaults(handler=handle)


def parse_only(text: str | None) -> list[str]:
    """The queries ``--only`` names, in the canonical order; unknown names are a usage error."""
    if not text:
        return list(LIST_QUERIES)
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(LIST_QUERIES))
    if unknown:
        raise ConfigError(
            f"--only: unknown quer{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}; "
            f"choose from {', '.join(LIST_QUERIES)}"
        )
    return [query for query in LIST_QUERIES if query in wanted]


def settings_for(args: argparse.Namespace) -> Settings:
    name = getattr(args, "profile", None)
    flags = ("producers", "page_size", "sonar_rate")
    return layered_settings(args, flags, load_profile(name) if name else None)


def summary_json(result: ExportResult, reporter: ExportDisplay) -> dict[str, Any]:
    """The summary as data, for scripts and benchmarks."""
    sonar = reporter.systems.row("sonar")
    return {
        "elapsed_seconds": round(reporter.elapsed(), 3),
        "requests": sonar.requests,
        "retries": sonar.retries,
        "rate_limited": sonar.rate_limited,
        "budget_per_minute": sonar.budget_per_minute,
        "records": sum(q.records for q in result.queries.values()),
        "queries": {
            q.query: {"records": q.records, "expected": q.expected, "error": q.error}
            for q in result.queries.values()
        },
    }


def print_summary(reporter: ExportDisplay, console: Console) -> None:
    console.print(reporter.summary())
    for system in reporter.systems.rows.values():
        console.print(
            f"{system.name}: {system.requests:,} requests, {system.retries} retries, "
            f"{system.rate_limited} rate-limited answers, elapsed "
            f"{reporter.elapsed():.1f}s",
            markup=False,
            highlight=False,
        )


def handle(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    queries = parse_only(getattr(args, "only", None))

    async def main() -> int:
        reporter = ExportDisplay("export")
        client = SonarClient.from_settings(settings, emit=reporter.emit)
        async with client, reporter.running():
            result = await export_snapshot(
                client,
                args.out,
                queries,
                page_size=settings.page_size,
                producers=settings.producers,
                fresh=args.fresh,
                emit=reporter.emit,
            )
        print_summary(reporter, Console())
        target = getattr(args, "summary_json", None)
        if target is not None:
            target.write_text(json.dumps(summary_json(result, reporter), indent=1) + "\n")
        for failed in result.failed:
            log.error("%s failed: %s (re-run to continue)", failed.query, failed.error)
        return ExitCode.FATAL if result.failed else ExitCode.OK

    return run_async(main)
