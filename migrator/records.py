"""A record between Sonar and Splynx: the parents it names, their ids, what it became.

The vocabulary the transforms and the engine share, kept below both so that
neither imports the other for it: a transform names the parents a record needs
(``ParentRef``), is handed their Splynx ids once the engine has them
(``Resolved``), and returns the payload with notes on what it cleaned up
(``Cleaned``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["Cleaned", "ParentRef", "Resolved", "Skipped"]

P = TypeVar("P")


class Skipped(Exception):
    """A transform's answer that a record is not to be written this time, and why (not a
    refusal: nothing is wrong with it; e.g. a delta told to leave archived accounts)."""


@dataclass(frozen=True)
class ParentRef:
    """A record of another entity this one needs in Splynx first.

    ``field`` is the Sonar field that refers to it (named in reject reasons).
    With ``wait`` False (a reference within the same entity, such as a parent
    account, where waiting could deadlock the writers) the record goes ahead
    without it when it is not in Splynx yet, and the link is set after the
    entity is written.

    ``cursor`` is where the parent sits in its entity's partitions when that is
    not its own id: an invoice is read with its account, so its entity's
    checkpoints count account ids, and only the account's id says whether it
    has been dealt with.

    With ``required`` False the record waits for the parent to be settled but goes
    ahead when it was not migrated (the transform sees no id and says so): an
    order to keep (a ticket's previous message) or a reference that can be left
    empty (the administrator who wrote a reply), not a parent it cannot live without.
    """

    entity: str
    sonar_id: int
    field: str
    wait: bool = True
    cursor: int | None = None
    required: bool = True

    @property
    def position(self) -> int:
        """The parent's cursor in its entity's partitions."""
        return self.sonar_id if self.cursor is None else self.cursor


@dataclass(frozen=True)
class Resolved:
    """The Splynx ids of a record's parents, keyed by the Sonar field that named them."""

    parents: Mapping[str, int] = field(default_factory=dict)

    def id_for(self, sonar_field: str) -> int | None:
        return self.parents.get(sonar_field)


@dataclass(frozen=True)
class Cleaned(Generic[P]):
    """A transform's result: the payload, and the notes on what was cleaned up."""

    payload: P
    notes: tuple[str, ...] = ()
