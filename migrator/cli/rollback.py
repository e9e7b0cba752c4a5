"""``migrator rollback``: delete from Splynx what this state file's runs created.
Wiring only: flags in, ``rollback`` under the live display, the report and exit code out."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from migrator.cli.common import add_command, add_env_file_flag, run_async
from migrator.cli.run import migration_settings
from migrator.display.migration_view import MigrationDisplay
from migrator.exitcodes import ExitCode
from migrator.rollback.render import render
from migrator.rollback.rollback import RollbackRequest, RollbackResult, rollback

__all__ = ["register"]

DESCRIPTION = """\
Undo a rehearsal: delete from Splynx what migrator runs created, children
before parents (payments, transactions and invoices, then comments and
services, then customers, then networks, tariffs, the location and partners).

What it deletes: only records the state file says a run of ours created,
of one run (--run ID, see `migrator status`) or of every run (--all).
Records a run adopted (found by our marker instead of created: after a crash
of that run, or made by a run with another state file) are listed and kept
unless --adopted. A customer is set `disabled`
before it is deleted. With SPLYNX_DB_DSN set, invoices, payments,
transactions and customer comments are deleted in the database, each
customer's balance moved back as Splynx does when they are deleted through
its API; otherwise all goes through the API (Splynx's API cannot delete
customer comments: they are then listed as kept).

What it never deletes: anything that was in Splynx before (a partner, a
location or a tariff matched by its name is the ISP's own), anything another
state file created, and - unless --force - a record changed in Splynx since
the run: each of our records is compared field by field with what the run
would write now (as `migrator verify --all` does, so Sonar is read), and one
that differs is listed with the changed fields and kept, with what it names
(its customer, its tariff, the customer's partner and location).

Without --yes it only shows what it would delete, per entity, and writes
nothing. With --yes the plan is kept in the state file before the first
delete: an interrupted rollback resumes where it stopped (re-run the same
command; the kept plan is carried out as decided, whatever --run, --force or
--adopted say), and once done a second one has nothing to roll back. A record
Splynx answers 404 for is already gone and counts as rolled back; one it
refuses to delete stays in the plan, is listed with Splynx's answer (exit 3)
and is tried again by the next rollback. Records it deleted are forgotten by
the state file, so a later `migrator run` migrates them again."""

EXAMPLES = """\
  migrator rollback --all                 # what would be deleted (writes nothing)
  migrator rollback --all --yes           # delete it
  migrator rollback --run 3 --yes         # only what run 3 created
  migrator rollback --all --yes --force   # also records changed in Splynx since

  exit 0: everything planned is deleted (or there was nothing);
  exit 3: done, but some records were kept (changed) or refused (listed)"""


def register(commands: object) -> None:
    parser = add_command(
        commands,
        "rollback",
        help="delete from Splynx what our runs created (children first; --yes to do it)",
        description=DESCRIPTION,
        examples=EXAMPLES,
    )
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument("--run", type=int, metavar="ID", help="undo this run only")
    scope.add_argument("--all", action="store_true", help="undo every run of the state file")
    parser.add_argument("--yes", action="store_true", help="delete (without it: only show)")
    parser.add_argument(
        "--force", action="store_true", help="delete records changed in Splynx since, too"
    )
    parser.add_argument(
        "--adopted", action="store_true", help="delete records our runs adopted, too"
    )
    parser.add_argument("--profile", metavar="NAME|PATH", help="the profile the runs used")
    tune = parser.add_argument_group("budgets and the state file")
    tune.add_argument("--writers", type=int, help="deletes in flight to Splynx at once")
    tune.add_argument("--splynx-rate", type=float, help="Splynx requests per second (0 = no limit)")
    tune.add_argument("--sonar-rate", type=float, help="Sonar requests per minute (0 = no limit)")
    tune.add_argument("--state", type=Path, help="the runs' state file (MIGRATOR_STATE)")
    add_env_file_flag(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    profile, settings = migration_settings(args)
    request = RollbackRequest(
        settings, profile, None if args.all else args.run, apply=args.yes, force=args.force,
        adopted=args.adopted,
    )  # fmt: skip
    display = MigrationDisplay("rollback")

    async def main() -> RollbackResult:
        async with display.running():
            return await rollback(request, display.emit)

    result = run_async(main)
    Console().print(render(result, applied=args.yes))
    unfinished = result.plan.kept or (result.outcome and result.outcome.refused)
    return ExitCode.REJECTS if unfinished else ExitCode.OK
