"""Whether a state file reads back: checked when it is opened, so damage is named at once.

A torn write (power loss on a disk that lies about flushing), a bad copy or an
edit leaves pages SQLite cannot read. Found later, in the middle of a run, that
is a traceback; found at open, it is one message naming the file and the way
forward. Nothing here claims a state file is intact beyond what SQLite checked.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from migrator.errors import ConfigError

__all__ = ["DAMAGED", "StateDamaged", "check_pages"]

# SQLite's result codes for a file whose pages do not read back as a database.
DAMAGED = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


class StateDamaged(ConfigError):
    """The state file's pages do not read back (a torn disk write, a bad copy, an edit)."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"the state file {path} is damaged ({detail}). Restore it from a copy, or move it "
            "aside and start with a fresh state file (--state or MIGRATOR_STATE): every record "
            "in Splynx carries its Sonar marker, so a fresh run adopts what is there instead "
            "of copying it (each one is looked up first, so it is slower)"
        )
        self.path = path


def check_pages(connection: sqlite3.Connection, path: Path) -> None:
    """``PRAGMA quick_check``: every page and b-tree of the file reads back well-formed (it
    skips what ``integrity_check`` adds, comparing each index with its table); one pass
    over the file, about a second for a state file of a million mappings."""
    problems = [row[0] for row in connection.execute("PRAGMA quick_check(3)").fetchall()]
    if problems != ["ok"]:
        raise StateDamaged(path, "; ".join(str(p) for p in problems))
