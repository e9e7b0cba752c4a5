"""``migrator run``: the migration. Wiring only: flags in, ``migrate`` under the display,
the summary (a table and a JSON file) and a meaningful exit code out."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from migrator.cli.common import (
    add_command,
    add_env_file_flag,
    at_least_one,
    layered_settings,
    run_async,
)
from migrator.display.migration_view import MigrationDisplay
from migrator.entity_map import ENTITY_ORDER
from migrator.pipeline.balance_check import BALANCES
from migrator.pipeline.migration import MigrationRequest, MigrationResult, migrate
from migrator.pipeline.wiring import select
from migrator.preflight.dry_run_estimate import estimate_run
from migrator.preflight.mapping_table import MappingRow, customer_mapping, mapping_table
from migrator.preflight.tax_mapping import tax_rows
from migrator.private_files import private_file
from migrator.profile import DEFAULT_PROFILE, Profile, load_profile
from migrator.settings import Settings

__all__ = ["add_tuning_flags", "migration_settings", "register", "report", "run_migration"]

log = logging.getLogger(__name__)

DESCRIPTION = f"""\
Migrate Sonar into Splynx: partners, the default location, internet and
recurring tariffs, customers (with their contacts, addresses, custom fields
and billing settings), their internet and recurring services, and their notes
as comments.

Records stream from Sonar (read in id-range partitions, several at once, within
Sonar's request budget) to Splynx (several writers at once, within its
capacity), parents before children. Every record is migrated once, or rejected
with its reason kept (`migrator rejects`). Stop it any time (Ctrl-C finishes
the writes in flight; twice stops at once) and run the same command again: it
resumes where it stopped, and never creates a record twice. On cut-over night,
`--since last` moves only what changed in Sonar since the last run went through:
new records are created, changed ones updated field by field in Splynx.

Entities: {", ".join(ENTITY_ORDER)}.

Connections come from the environment or .env (SONAR_URL, SONAR_TOKEN,
SPLYNX_URL, SPLYNX_API_KEY, SPLYNX_API_SECRET); choices (status map, categories,
default location, clean-ups) from the profile (--profile; bundled: full, core).

Nothing is written unless Splynx has the `sonar_id` additional fields that mark
migrated customers and services (exit 5 otherwise: `migrator check --fix`
creates them); the first record each entity creates is read back once, and the
run stops if Splynx did not keep its marker."""

EXAMPLES = """\
  migrator check                               # first: is everything reachable and allowed?
  migrator run --dry-run                       # read and transform all, write nothing;
                                               # prints what each status / type becomes
  migrator run --limit 20                      # a first sample of 20 records per entity
  migrator run                                 # the whole migration (re-run to resume)
  migrator run --since last                    # cut-over night: only what changed in Sonar
                                               # since the last run went through
  migrator run --only customers,internet_services --writers 16
  migrator run --profile core --max-error-rate 0.02"""


def add_tuning_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that tune reading and writing; each overrides its setting."""
    tune = parser.add_argument_group("tuning (each overrides its setting and the profile)")
    tune.add_argument("--producers", type=int, help="id-range partitions read at once per entity")
    tune.add_argument("--writers", type=int, help="requests in flight to Splynx at once")
    tune.add_argument("--queue-size", type=int, help="records buffered per entity")
    tune.add_argument("--page-size", type=int, help="records per Sonar page")
    tune.add_argument(
        "--nested-page-size",
        type=int,
        help="records per nested page (an account's finance read with it); halved, with the "
        "accounts per page, when Sonar fails a large document (default 100)",
    )
    tune.add_argument("--sonar-rate", type=float, help="Sonar requests per minute (0 = no limit)")
    tune.add_argument("--splynx-rate", type=float, help="Splynx requests per second (0 = no limit)")
    tune.add_argument("--max-errors", type=int, help="stop after more rejected records than this")
    tune.add_argument(
        "--max-error-rate", type=float, help="stop when this share (0-1) of records is rejected"
    )
    tune.add_argument(
        "--connect-timeout",
        type=float,
        metavar="SECONDS",
        help="to connect; a system that has not answered in 3 times that stops the run at once "
        "(default 10)",
    )
    tune.add_argument("--state", type=Path, help="the state file (MIGRATOR_STATE)")


def register(commands: Any) -> None:
    parser = add_command(
        commands,
        "run",
        help="migrate Sonar into Splynx (re-run to resume)",
        description=DESCRIPTION,
        examples=EXAMPLES,
    )
    parser.add_argument(
        "--profile",
        default=None,
        metavar="NAME|PATH",
        help=f"a bundled profile's name or a profile file (default: {DEFAULT_PROFILE})",
    )
    parser.add_argument("--only", metavar="E1,E2", help="migrate only these entities")
    parser.add_argument("--skip", metavar="E1,E2", help="migrate all but these entities")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="read and transform everything, write nothing; report what would be rejected",
    )
    parser.add_argument(
        "--limit",
        type=at_least_one,
        metavar="N",
        help="a sample: at most N records per entity (a record whose parent is not in the "
        "sample is skipped, and migrated by the next run without --limit)",
    )
    parser.add_argument(
        "--since",
        metavar="last|DATETIME",
        help="a delta sync: read only what Sonar changed since the start of the last run "
        "that went through ('last', less a 10-minute overlap) or since DATETIME (with a time "
        "zone, e.g. 2026-05-01T00:00:00+00:00); create what is new, update in Splynx the "
        "fields that differ; money and tickets are only added to",
    )
    parser.add_argument(
        "--summary-json",
        type=Path,
        metavar="PATH",
        help="where to write the JSON summary (default: beside the state file)",
    )
    add_tuning_flags(parser)
    add_env_file_flag(parser)
    parser.set_defaults(handler=handle)


def _names(text: str | None) -> list[str] | None:
    return [n.strip() for n in text.split(",") if n.strip()] if text else None


def migration_settings(args: argparse.Namespace) -> tuple[Profile, Settings]:
    """The profile and the layered settings for a run, logging configured."""
    profile = load_profile(getattr(args, "profile", None))
    flags = (
        "producers",
        "writers",
        "queue_size",
        "page_size",
        "nested_page_size",
        "sonar_rate",
        "splynx_rate",
        "max_errors",
        "max_error_rate",
        "connect_timeout",
        "state",
    )
    return profile, layered_settings(args, flags, profile)


def run_migration(request: MigrationRequest, display: MigrationDisplay) -> MigrationResult:
    async def estimate(sonar_requests: int, writes: int) -> str:
        return await estimate_run(request.settings, sonar_requests=sonar_requests, writes=writes)

    async def main() -> MigrationResult:
        async with display.running():
            return await migrate(request, display.emit, estimate=estimate)

    return run_async(main)


def report(
    result: MigrationResult,
    display: MigrationDisplay,
    settings: Settings,
    target: Path | None,
    *,
    write: bool = True,
    mapping: list[MappingRow] | None = None,
) -> None:
    """The end of a run: the summary table, what to do next, the JSON summary file.

    ``mapping`` (a dry run's): what Sonar's statuses and types become, printed and kept.
    """
    console = Console() if sys.stdout.isatty() else Console(width=120)  # logs: no cut names
    console.print(display.summary())
    if mapping:
        console.print(mapping_table(mapping, "What Sonar's values become (the profile's rules)"))
    data = {
        "status": result.status,
        "exit_code": int(result.exit_code),
        "message": result.message,
        "run_id": result.run_id,
        **display.summary_data(),
    }
    if mapping:
        data["mapping"] = [row.model_dump() for row in mapping]
    if result.balances is not None:
        data["balances"] = result.balances.as_dict()
    if result.rejects:
        data["rejects"] = result.rejects
        _print_dry_rejects(console, result)
    if result.message and result.status in {"completed", "rejects"}:
        console.print(result.message, highlight=False, markup=False)
    elif result.message:
        console.print(f"[bold]{result.status}[/]: {result.message}", highlight=False)
    if result.balances is not None and not result.balances.mismatches:
        console.print(
            f"balances: all {result.balances.checked:,} customers' equal Sonar's to the cent",
            highlight=False,
        )
    rejected = sum(e["rejected"] for name, e in data["entities"].items() if name != BALANCES)
    if rejected and not result.rejects:
        console.print(f"{rejected:,} records rejected: `migrator rejects` lists them with reasons")
    if not write:
        return
    path = target or settings.state.with_name(settings.state.name + ".summary.json")
    with private_file(path).open("w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, ensure_ascii=False)
    console.print(f"summary written to {path}", highlight=False)


def _print_dry_rejects(console: Console, result: MigrationResult, shown: int = 20) -> None:
    table = Table(title=f"would be rejected: {len(result.rejects):,}", title_justify="left")
    for column in ("entity", "sonar id", "field", "reason"):
        table.add_column(column)
    for row in result.rejects[:shown]:
        table.add_row(row["entity"], str(row["sonar_id"]), row["field"], row["reason"])
    console.print(table)
    if len(result.rejects) > shown:
        console.print(f"... and {len(result.rejects) - shown:,} more in the summary file")


def mapping_rows(result: MigrationResult, profile: Profile) -> list[MappingRow]:
    """What Sonar's account statuses, types and taxes became in this run (none if not read)."""
    if result.lookups is None:
        return []
    lookups = result.lookups
    return [
        *customer_mapping(lookups.statuses.values(), lookups.types.values(), profile.customers),
        *tax_rows(lookups.taxes, lookups.service_taxes, profile.taxes, profile.services),
    ]


def handle(args: argparse.Namespace) -> int:
    profile, settings = migration_settings(args)
    entities = select(_names(args.only), _names(args.skip), profile)
    request = MigrationRequest(
        settings, profile, entities, command="run", dry_run=args.dry_run, limit=args.limit,
        since=args.since,
    )  # fmt: skip
    title = "dry run" if args.dry_run else "sync" if args.since else "migrate"
    display = MigrationDisplay(title)
    result = run_migration(request, display)
    mapping = mapping_rows(result, profile) if args.dry_run else []
    report(result, display, settings, args.summary_json, mapping=mapping)
    return result.exit_code
