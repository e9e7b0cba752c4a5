"""``migrator verify``: Sonar, Splynx and the state store held against each other.
Wiring only: flags in, ``verify`` under the live display, the report and exit code out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from migrator.cli.common import add_command, add_env_file_flag, at_least_one, run_async
from migrator.cli.run import migration_settings
from migrator.display.migration_view import MigrationDisplay
from migrator.entity_map import ENTITY_ORDER
from migrator.errors import ConfigError
from migrator.exitcodes import ExitCode
from migrator.pipeline.wiring import select
from migrator.profile import Profile
from migrator.verify.checks import CHECKS
from migrator.verify.reconcile import DEFAULT_SAMPLE, VerifyRequest, verifiable, verify
from migrator.verify.render import render
from migrator.verify.report import VerifyReport

__all__ = ["register"]

DESCRIPTION = f"""\
Check that Splynx holds what Sonar holds, after a run (or a cut-over).

Per entity it counts three sides: the records the profile would migrate from
Sonar now, the records in Splynx carrying their markers (the `sonar_id` field,
a `sonar:note:` title, a name or title for partners, locations and tariffs),
and what the state file says our runs created, adopted, found existing and
rejected. Every record missing from Splynx, and every record of ours in
Splynx that no Sonar record accounts for, is named.

Then, field by field, for a sample of each entity (--sample, default
{DEFAULT_SAMPLE}; --all for every record): each Sonar record is read again,
transformed exactly as `migrator run` would (same profile, same lookups),
and compared with its Splynx record; each difference is listed with both
values (passwords as ***). Where the run moved money, each customer's
balance in Splynx is compared with Sonar's, to the cent.

It only reads: nothing is written to Sonar, Splynx or the state file. It
spends the same request budgets as a run (--sonar-rate, --splynx-rate) and
shows its progress live (on stderr with --json).

Entities it verifies: {", ".join(name for name in ENTITY_ORDER if name in CHECKS)}."""

EXAMPLES = """\
  migrator verify                          # counts, and a sample of 300 per entity
  migrator verify --all --json > v.json    # every record; the full report as JSON
  migrator verify --only customers,internet_services --sample 1000
  migrator verify --skip invoices,payments,transactions  # a run that moved no money
  migrator verify --state rehearsal.sqlite3  # the state file of the run to verify

  exit 0: equal everywhere; exit 5: something differs (each record named)"""


def register(commands: object) -> None:
    parser = add_command(
        commands,
        "verify",
        help="check Splynx against Sonar and the state (reads only; exit 5 on a difference)",
        description=DESCRIPTION,
        examples=EXAMPLES,
    )
    parser.add_argument(
        "--profile",
        default=None,
        metavar="NAME|PATH",
        help="the profile the run used (its mapping is what is expected)",
    )
    parser.add_argument("--only", metavar="E1,E2", help="verify only these entities")
    parser.add_argument("--skip", metavar="E1,E2", help="verify all but these entities")
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument(
        "--sample",
        type=at_least_one,
        default=DEFAULT_SAMPLE,
        metavar="N",
        help=f"compare N records per entity field by field (default {DEFAULT_SAMPLE}); "
        "every record is still counted",
    )
    amount.add_argument("--all", action="store_true", help="compare every record")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    tune = parser.add_argument_group("budgets and the state file")
    tune.add_argument("--producers", type=int, help="id-range partitions read at once per entity")
    tune.add_argument("--page-size", type=int, help="records per Sonar page")
    tune.add_argument("--sonar-rate", type=float, help="Sonar requests per minute (0 = no limit)")
    tune.add_argument("--splynx-rate", type=float, help="Splynx requests per second (0 = no limit)")
    tune.add_argument("--state", type=Path, help="the run's state file (MIGRATOR_STATE)")
    add_env_file_flag(parser)
    parser.set_defaults(handler=handle)


def _names(text: str | None) -> list[str] | None:
    return [n.strip() for n in text.split(",") if n.strip()] if text else None


def _entities(only: list[str] | None, skip: list[str] | None, profile: Profile) -> list[str]:
    """The entities to verify; one named in --only that verify does not know is an error."""
    unknown = [name for name in only or () if name in ENTITY_ORDER and name not in CHECKS]
    if unknown:
        known = ", ".join(CHECKS)
        raise ConfigError(f"verify does not check {', '.join(unknown)} yet; it checks: {known}")
    return verifiable(select(only, skip, profile))


def handle(args: argparse.Namespace) -> int:
    profile, settings = migration_settings(args)
    entities = _entities(_names(args.only), _names(args.skip), profile)
    request = VerifyRequest(settings, profile, entities, sample=None if args.all else args.sample)
    console = Console(stderr=True) if args.json else None
    display = MigrationDisplay("verify", console=console)

    async def main() -> VerifyReport:
        async with display.running():
            return await verify(request, display.emit)

    report = run_async(main)
    if args.json:
        json.dump(report.as_dict(), sys.stdout, indent=1, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        out = Console() if sys.stdout.isatty() else Console(width=120)
        out.print(render(report))
    return ExitCode.OK if report.equal else ExitCode.BLOCKED
