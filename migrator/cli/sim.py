"""``migrator sim sonar|splynx``: run a simulator in the foreground."""

from __future__ import annotations

import importlib
from typing import Any

from migrator.cli.common import add_command

__all__ = ["register"]

# Each module has register(subparsers) adding one simulator's command.
SIMULATORS: tuple[str, ...] = ("migrator.sim.sonar.cli", "migrator.sim.splynx.command")


def register(commands: Any) -> None:
    parser = add_command(
        commands,
        "sim",
        help="run a Sonar or Splynx simulator on this machine",
        description=(
            "Run a simulator of Sonar's GraphQL API or Splynx's REST API v2.0 until\n"
            "Ctrl-C. Each prints its URL on the first line of standard output. They\n"
            "follow the real systems' paths, fields, auth, limits and error bodies, so\n"
            "a rehearsal against them exercises what the real cut-over will."
        ),
    )
    simulators = parser.add_subparsers(title="simulators", metavar="SIMULATOR", required=True)
    for name in SIMULATORS:
        importlib.import_module(name).register(simulators)
