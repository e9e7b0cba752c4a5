"""``migrator sim sonar|splynx``: run a simulator in the foreground.

Each simulator describes its own command (a ``SimCommand``); this module adds
them under ``migrator sim``, so the simulators need nothing of the command line.
"""

from __future__ import annotations

from typing import Any

from migrator.cli.common import add_command
from migrator.sim.command_spec import SimCommand
from migrator.sim.sonar.command import COMMAND as SONAR
from migrator.sim.splynx.command import COMMAND as SPLYNX

__all__ = ["register"]

SIMULATORS: tuple[SimCommand, ...] = (SONAR, SPLYNX)


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
    for simulator in SIMULATORS:
        sub = add_command(
            simulators,
            simulator.name,
            help=simulator.help,
            description=simulator.description,
            examples=simulator.examples,
        )
        simulator.add_arguments(sub)
        sub.set_defaults(handler=simulator.run)
