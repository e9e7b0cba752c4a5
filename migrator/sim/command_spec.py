"""What ``migrator sim NAME`` needs from a simulator to run it standalone.

Each simulator describes its command (``sim/sonar/command.py``,
``sim/splynx/command.py``) and the command line wires it
(``migrator.cli.sim``): the simulators never import the command line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["SimCommand"]


@dataclass(frozen=True)
class SimCommand:
    """A simulator's subcommand: its name, help texts, flags and what runs it.

    ``run`` serves until Ctrl-C or SIGTERM and returns the exit code.
    """

    name: str
    help: str
    description: str
    examples: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
