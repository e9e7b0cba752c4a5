"""Pieces every generator module shares: salts, id sequences, the common fields.

Generation happens in two kinds of steps. *Structure* (how many contacts an
account has, which invoice a payment pays) is decided once, in order, by one
``random.Random(seed)`` and stored in columns. *Cosmetics* (a phone number's
digits, a note's words) are re-derived from ``Draw(seed, salt, id)`` each
time a record is built. Both are functions of the seed alone.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from migrator.sim.sonar.draw import Draw
from migrator.sim.sonar.instance_time import SECOND, instant_to_iso
from migrator.sim.sonar.table import IntColumn, Table

__all__ = [
    "Columns",
    "IdSequence",
    "Salt",
    "World",
    "common_fields",
]


class Salt(IntEnum):
    """Separates the random streams of different entities and purposes."""

    COMPANY = 1
    STATUS = 2
    TYPE = 3
    USER = 4
    GROUP = 5
    SERVICE = 6
    DETAIL = 7
    CUSTOM_FIELD = 8
    TAX = 9
    ACCOUNT = 10
    CONTACT = 11
    PHONE = 12
    ADDRESS = 13
    FIELD_DATA = 14
    ACCOUNT_SERVICE = 15
    IP = 16
    NOTE = 17
    BILLING_PARAMETERS = 18
    RECURRING_DETAIL = 19
    SERVICE_TAX = 24
    TAX_EXEMPTION = 25
    PERIODIC_HOLDING = 26
    INVOICE = 20
    DEBIT = 21
    CREDIT = 22
    PAYMENT = 23
    TICKET = 30
    REPLY = 31
    COMMENT = 32
    PLAN = 40
    MANUFACTURER = 50
    MODEL = 51
    MODEL_FIELD = 52
    ITEM = 53
    ITEM_FIELD = 54
    RADIUS = 60
    MAC = 61
    SUPERNET = 62
    SUBNET = 63
    IP_POOL = 64


class IdSequence:
    """Ascending ids from 1 with a few gaps, as deleted rows leave them."""

    def __init__(self, rng: random.Random, gap_rate: float = 0.01) -> None:
        self._rng = rng
        self._gap_rate = gap_rate
        self.last = 0

    def next(self) -> int:
        self.last += 1
        if self.last > 1 and self._rng.random() < self._gap_rate:
            self.last += 1 + int(self._rng.random() * 3)
        return self.last


@dataclass
class Columns:
    """Columns under construction: ids, created/updated instants, and named int columns."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    created: array[int] = field(default_factory=lambda: array("q"))
    updated: array[int] = field(default_factory=lambda: array("q"))
    extra: dict[str, array[int]] = field(default_factory=dict)

    def column(self, name: str, typecode: str = "q") -> array[int]:
        return self.extra.setdefault(name, array(typecode))

    def table(
        self, query: str, build: Callable[[int], dict[str, Any]], exposed: tuple[str, ...] = ()
    ) -> Table:
        """A table whose ``exposed`` extra columns are searchable int64 fields."""
        columns: dict[str, Any] = {
            "created_at": IntColumn(self.created),
            "updated_at": IntColumn(self.updated),
        }
        for name in exposed:
            columns[name] = IntColumn(self.extra[name])
        return Table(query, self.ids, columns, build)


@dataclass
class World:
    """The seed, the scale and the facts later generators and record builders consult."""

    seed: int
    scale: int
    rng: random.Random
    facts: dict[str, Any] = field(default_factory=dict)

    def draw(self, salt: Salt, record_id: int, *more: int) -> Draw:
        return Draw(self.seed, int(salt), record_id, *more)


def common_fields(draw: Draw, record_id: int, created: int, updated: int) -> dict[str, Any]:
    """``id``, ``sonar_unique_id``, ``created_at``, ``updated_at``, ``_version``, in that order.

    ``_version`` counts modifications: 1 for a record never touched since it was created.
    """
    version = 1 if updated == created else 2 + draw.below(4)
    return {
        "id": str(record_id),
        "sonar_unique_id": draw.uuid(),
        "created_at": instant_to_iso(created),
        "updated_at": instant_to_iso(updated),
        "_version": str(version),
    }


def seconds(count: float) -> int:
    return int(count * SECOND)
