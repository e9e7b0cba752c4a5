"""``migrator check``: the pre-flight, before a migration touches anything.

Wiring only: settings and flags in, the ``--fix`` step if asked (``check_fix``),
``migrator.preflight.preflight`` run, the report printed (table or ``--json``)
and its exit code returned.
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from migrator.cli.check_fix import FixOutcome, fix_markers
from migrator.cli.common import add_command, add_env_file_flag, layered_settings, run_async
from migrator.exitcodes import ExitCode
from migrator.preflight import DEFAULT_PLAN, preflight, print_report, report_json
from migrator.profile import load_profile
from migrator.settings import Settings

__all__ = ["register"]

DESCRIPTION = """\
Check, before a migration, everything that would stop it or make it unsafe,
and say how to fix each problem. Nothing is written anywhere.

  Sonar     reachable at SONAR_URL, SONAR_TOKEN accepted, and the records of
            every list query counted (one small request each, within the
            request budget --sonar-rate).
  Splynx    reachable at SPLYNX_URL (admin/api/check, timed: the round trip
            feeds the estimate), the key accepted with SPLYNX_AUTH; for every
            endpoint the migration writes, whether the key may use it
            (OPTIONS: a refusal names the permission to grant), whether the
            `sonar_id` additional field that marks migrated customers and
            services exists (if not: how to create it), and whether Splynx
            already holds data (a warning: a rehearsal normally starts empty).
  database  if SPLYNX_DB_DSN is set: reachable, credentials accepted, a Splynx
            database.

Then what each Sonar account status and type will become in Splynx with the
profile's rules (--profile, default full), and why.

Then the duration estimate: Sonar requests ÷ the request budget, and Splynx
writes ÷ the Splynx rate (or × the measured round trip ÷ --writers); reading
and writing overlap, so the larger bound is the estimate. The arithmetic is
printed so you can check it, and redo it with other --writers or rates.

What the check cannot prove: that the key may *add* and *update* (only a
write proves that); OPTIONS proves the *view* right of each endpoint, and
each row names the write right the run also needs.

Refused credentials, a missing permission or field, an unreachable system:
each is a blocker (exit 5) with its fix, not a fatal error, so one run lists
every problem there is to fix (once the credentials work, the next run checks
the endpoints behind them). Missing or malformed settings exit 2. A request
that fails is retried for at most 10 s (or MIGRATOR_RETRY_BUDGET if lower):
a pre-flight reports an outage rather than waiting it out.

--fix creates what the migration needs and can make itself: the `sonar_id`
additional field (string, unique, searchable, read-only) on each module whose
records carry it (customers, services_internet, services_custom), through
POST admin/config/additional-fields/{module}. It first lists what it will
create and asks on a terminal; --yes answers for you. Without a terminal and
without --yes it creates nothing and exits 5 (it never waits for an answer).
The check then runs as usual, so its report shows the result.

For this command: 0 = nothing blocks (warnings allowed), 5 = blockers found
(or --fix declined), 2 = settings missing or malformed, 1 = the check itself
could not run."""

EXAMPLES = """\
  migrator check
  migrator check --env-file staging.env
  migrator check --json > preflight.json      # for scripts: findings, counts, estimate
  migrator check --fix                         # create the missing marker fields (asks first)
  migrator check --fix --yes                   # ... without asking (scripts)
  migrator check --writers 16 --splynx-rate 20   # the estimate for other settings
  migrator check && migrator run               # go only when nothing blocks"""

JSON_HELP = """print the report as JSON instead of tables: {"version": 1, "blocked": bool,
"exit_code": int, "findings": [{"check", "status": ok|warning|blocker, "detail",
"fix"}], "counts": {"sonar": {query: n}, "splynx": {endpoint: n}}, "estimate":
{"seconds", "bound", "sonar", "splynx", "summary", "assumptions"} or null,
"mapping": [{"kind", "sonar", "detail", "splynx", "why"}]}"""


def register(commands: Any) -> None:
    parser = add_command(
        commands,
        "check",
        help="pre-flight: what would block a migration, how to fix it, how long it takes",
        description=DESCRIPTION,
        examples=EXAMPLES,
    )
    unset = argparse.SUPPRESS  # "not given": the setting's own precedence decides
    parser.add_argument("--json", action="store_true", help=JSON_HELP)
    parser.add_argument(
        "--fix",
        action="store_true",
        help="first create the marker fields Splynx lacks (says what, asks unless --yes)",
    )
    parser.add_argument(
        "--yes", action="store_true", help="with --fix: create without asking (no terminal needed)"
    )
    parser.add_argument(
        "--profile",
        metavar="P",
        default=unset,
        help="a bundled profile's name or a profile file (default: none for settings; "
        "the mapping table uses full's rules)",
    )
    _tuning_flags(parser, unset)
    add_env_file_flag(parser)
    parser.set_defaults(handler=handle)


def _tuning_flags(parser: argparse.ArgumentParser, unset: Any) -> None:
    """The run's settings the estimate depends on (same names as `migrator run`)."""
    flags = (
        ("--sonar-rate", float, "Sonar requests per minute (MIGRATOR_SONAR_RATE, default 400)"),
        ("--splynx-rate", float, "Splynx requests per second, 0 = none (MIGRATOR_SPLYNX_RATE)"),
        ("--writers", int, "concurrent Splynx writers (MIGRATOR_WRITERS, default 8)"),
        ("--producers", int, "Sonar partitions read at once (MIGRATOR_PRODUCERS, default 4)"),
        ("--page-size", int, "records per Sonar page (MIGRATOR_PAGE_SIZE, default 100)"),
        (
            "--connect-timeout",
            float,
            "seconds to connect; a system that has not answered in 3 times that is reported "
            "(MIGRATOR_CONNECT_TIMEOUT, default 10)",
        ),
    )
    for flag, kind, text in flags:
        parser.add_argument(flag, type=kind, metavar="N", default=unset, help=text)


def settings_for(args: argparse.Namespace) -> Settings:
    name = getattr(args, "profile", None)
    flags = ("sonar_rate", "splynx_rate", "writers", "producers", "page_size", "connect_timeout")
    return layered_settings(args, flags, load_profile(name) if name else None)


def handle(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    fixed = None
    if args.fix:
        # with --json, stdout is the report's alone: the fix talks on stderr
        talk = Console(stderr=True) if args.json else Console()
        fixed = run_async(lambda: fix_markers(settings, talk, yes=args.yes))
    profile = load_profile(getattr(args, "profile", None))  # the mapping's rules
    report = run_async(
        lambda: preflight(
            settings,
            plan=DEFAULT_PLAN,
            rules=profile.customers,
            services=profile.services,
            taxes=profile.taxes,
            support=profile.support,
        )
    )
    if args.json:
        print(report_json(report))
    else:
        print_report(report, Console(), DEFAULT_PLAN)
    if fixed is FixOutcome.DECLINED:
        return int(ExitCode.BLOCKED)
    return int(report.exit_code)
