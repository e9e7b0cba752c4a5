"""The ``--fix`` step of ``migrator check``: say what will be created, ask, create.

Asking: with ``--yes`` nothing is asked; on a terminal the operator answers
y/N; with standard input not a terminal (a script, CI) and no ``--yes``,
nothing is created and the step says to add ``--yes``: it never waits for an
answer nobody can give.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum

from rich.console import Console

from migrator.errors import MigratorError
from migrator.preflight.fix import create_markers, missing_markers
from migrator.settings import Settings
from migrator.splynx.markers import MarkerField

__all__ = ["FixOutcome", "fix_markers"]

Ask = Callable[[str], str]


class FixOutcome(Enum):
    NOTHING = "nothing to create"
    CREATED = "created"
    DECLINED = "declined"
    FAILED = "failed"


def _confirmed(console: Console, yes: bool, ask: Ask, interactive: bool) -> bool:
    if yes:
        return True
    if not interactive:
        console.print(
            "Nothing created: standard input is not a terminal, so nobody can confirm. "
            "Re-run with `migrator check --fix --yes` to create them.",
            highlight=False,
        )
        return False
    answer = ask("Create them now? [y/N] ").strip().lower()
    if answer in {"y", "yes"}:
        return True
    console.print("Nothing created.", highlight=False)
    return False


async def fix_markers(
    settings: Settings,
    console: Console,
    *,
    yes: bool,
    ask: Ask = input,
    interactive: bool | None = None,
) -> FixOutcome:
    """Create the marker fields Splynx lacks, after listing them and asking (unless ``yes``)."""
    try:
        missing = await missing_markers(settings)
    except MigratorError as exc:
        console.print(f"--fix: could not look at Splynx ({exc}); see the check below.")
        return FixOutcome.FAILED
    if not missing:
        console.print("--fix: nothing to create, every marker field exists in Splynx.")
        return FixOutcome.NOTHING
    console.print(f"--fix will create in Splynx ({settings.splynx_url}):", highlight=False)
    for field in missing:
        console.print(f"  - {field.describe()}", highlight=False)
    tty = sys.stdin.isatty() if interactive is None else interactive
    if not _confirmed(console, yes, ask, tty):
        return FixOutcome.DECLINED

    def done(field: MarkerField) -> None:
        console.print(f"  created {field.module}.{field.name}", highlight=False)

    try:
        await create_markers(settings, missing, done)
    except MigratorError as exc:
        console.print(f"--fix: Splynx refused: {exc}", highlight=False)
        return FixOutcome.FAILED
    return FixOutcome.CREATED
