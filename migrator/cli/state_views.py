"""``migrator status`` and ``migrator rejects``: what the state store knows, for people and scripts.

Both only read the state file (``MIGRATOR_STATE`` / ``--state``); neither
needs Sonar or Splynx.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from migrator.cli.common import add_command, add_env_file_flag
from migrator.errors import ConfigError
from migrator.exitcodes import ExitCode
from migrator.pipeline.state import StateStore
from migrator.settings import load_settings

__all__ = ["register"]

REJECT_COLUMNS = ("entity", "sonar_id", "field", "reason", "answer")


def register(commands: Any) -> None:
    status = add_command(
        commands,
        "status",
        help="what the last runs did, per entity (from the state file)",
        description=(
            "Show, per entity, how many records runs of this state file created in\n"
            "Splynx, adopted (found already there by their marker), matched to existing\n"
            "records, and rejected, and how many id-range partitions are finished;\n"
            "then the runs themselves. Reads only the state file."
        ),
        examples="  migrator status\n  migrator status --json | jq .entities",
    )
    status.add_argument("--json", action="store_true", help="print JSON instead of tables")
    _state_flags(status)
    status.set_defaults(handler=show_status)

    rejects = add_command(
        commands,
        "rejects",
        help="records that could not be migrated, with the reasons",
        description=(
            "List every rejected record: its entity, its Sonar id, the field at fault\n"
            "and the reason (and Splynx's own answer where it gave one). Fix the data\n"
            "in Sonar (or the mapping in the profile) and run again. With --cleanups,\n"
            "list instead what was cleaned up on the way (cut text, dropped emails)."
        ),
        examples=(
            "  migrator rejects\n  migrator rejects --entity customers --csv > rejects.csv\n"
            "  migrator rejects --json | jq '.[] | select(.field == \"email\")'"
        ),
    )
    shape = rejects.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="a JSON list of objects")
    shape.add_argument("--csv", action="store_true", help="CSV with a header row")
    rejects.add_argument("--entity", help="only this entity's")
    rejects.add_argument("--cleanups", action="store_true", help="list the clean-up notes instead")
    _state_flags(rejects)
    rejects.set_defaults(handler=show_rejects)


def _state_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", type=Path, help="the state file (MIGRATOR_STATE)")
    add_env_file_flag(parser)


def _open(args: argparse.Namespace) -> StateStore:
    settings = load_settings(flags={"state": args.state}, env_file=args.env_file)
    if not settings.state.is_file():
        raise ConfigError(f"no state file at {settings.state}: nothing has run with it yet")
    return StateStore.open(settings.state)


def show_status(args: argparse.Namespace) -> int:
    store = _open(args)
    counts = store.counts()
    runs = store.runs()
    store.close()
    if args.json:
        data = {
            "entities": {
                c.entity: {k: v for k, v in c.__dict__.items() if k != "entity"} for c in counts
            },
            "runs": [r.__dict__ for r in runs],
        }
        print(json.dumps(data, indent=1))
        return ExitCode.OK
    console = Console()
    table = Table(title="entities", title_justify="left")
    for column in ("entity", "created", "adopted", "existing", "rejected", "partitions done"):
        table.add_column(column, justify="left" if column == "entity" else "right")
    for c in counts:
        table.add_row(
            c.entity,
            f"{c.created:,}",
            f"{c.adopted:,}",
            f"{c.existing:,}",
            f"{c.rejected:,}",
            f"{c.partitions_done}/{c.partitions}",
        )
    console.print(table)
    history = Table(title="runs", title_justify="left")
    for column in ("run", "command", "started", "finished", "status", "exit"):
        history.add_column(column)
    for r in runs[-10:]:
        history.add_row(
            str(r.id),
            r.command,
            r.started_at,
            r.finished_at or "-",
            r.status,
            "" if r.exit_code is None else str(r.exit_code),
        )
    console.print(history)
    return ExitCode.OK


def show_rejects(args: argparse.Namespace) -> int:
    store = _open(args)
    if args.cleanups:
        rows: list[dict[str, Any]] = [
            {"entity": e, "sonar_id": s, "note": n} for e, s, n in store.cleanups(args.entity)
        ]
        columns: tuple[str, ...] = ("entity", "sonar_id", "note")
    else:
        rows = [
            {
                "entity": r.entity,
                "sonar_id": r.sonar_id,
                "field": r.field,
                "reason": r.reason,
                "answer": r.answer,
                "record": r.record,
            }
            for r in store.rejects(args.entity)
        ]
        columns = REJECT_COLUMNS
    store.close()
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(
            title=f"{len(rows):,} {'clean-ups' if args.cleanups else 'rejects'}",
            title_justify="left",
        )
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
        Console().print(table)
    return ExitCode.OK
