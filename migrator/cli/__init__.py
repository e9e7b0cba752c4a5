"""The ``migrator`` command line: argument parsing and wiring only.

Each subcommand lives in its own module with a ``register(subparsers)``
function that adds its parser and sets ``handler`` (a function of the parsed
arguments returning an exit code). This module turns our exceptions into the
documented exit codes and keeps tracebacks for ``--log-level DEBUG``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from migrator import __version__, gc_tuning
from migrator.cli.common import HelpFormatter, report_error
from migrator.errors import ConfigError, MigratorError
from migrator.exitcodes import EXIT_CODES_HELP, ExitCode

__all__ = ["COMMANDS", "build_parser", "main"]

log = logging.getLogger(__name__)

# Each command's module, in the order `migrator --help` lists them. Only the module of
# the command asked for is imported (the others would cost a fraction of a second each).
COMMANDS: dict[str, str] = {
    "demo": "migrator.cli.demo",
    "check": "migrator.cli.check",
    "run": "migrator.cli.run",
    "status": "migrator.cli.state_views",
    "rejects": "migrator.cli.state_views",
    "verify": "migrator.cli.verify",
    "rollback": "migrator.cli.rollback",
    "export": "migrator.cli.export",
    "sim": "migrator.cli.sim",
}

DESCRIPTION = """\
Move an ISP from Sonar (billing, GraphQL API) to Splynx (REST API v2.0 + MySQL):
customers, services, tariffs, invoices, payments and tickets, streamed as fast
as the two APIs allow, never duplicated, resumable after any crash.

Start with `migrator demo` (no set-up needed). Against real systems: put the
connection settings in the environment or a .env file (see .env.example), run
`migrator check`, then `migrator run`."""


def _modules_for(argv: Sequence[str] | None) -> list[str]:
    """The modules to register: the named command's alone, or all (for help and errors)."""
    given = sys.argv[1:] if argv is None else list(argv)
    first = given[0] if given else None  # the command comes first: `migrator` has no options
    if first in COMMANDS:
        return [COMMANDS[first]]
    if first == "--version":
        return []
    return list(dict.fromkeys(COMMANDS.values()))


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: every command when none (or an unknown one) is named."""
    parser = argparse.ArgumentParser(
        prog="migrator",
        description=DESCRIPTION,
        epilog=EXIT_CODES_HELP,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"migrator {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in _modules_for(argv):
        importlib.import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    gc_tuning.tune()  # start-up is done; what follows streams records
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        report_error("interrupted; re-run the same command to resume")
        return ExitCode.INTERRUPTED
    except ConfigError as exc:
        report_error(str(exc))
        return ExitCode.USAGE
    except MigratorError as exc:
        log.debug("fatal", exc_info=True)
        report_error(str(exc))
        return ExitCode.FATAL
    except Exception as exc:  # a bug of ours: say so plainly, keep the traceback in the log
        log.error("internal error", exc_info=True)
        report_error(
            f"internal error: {type(exc).__name__}: {exc} (this is a bug in migrator; "
            "MIGRATOR_LOG_FILE keeps the details; re-running resumes from what the state "
            "file holds)"
        )
        return ExitCode.FATAL


if __name__ == "__main__":
    sys.exit(main())
