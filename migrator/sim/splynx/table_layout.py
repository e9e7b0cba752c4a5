"""A MySQL table as the Splynx simulator lays it out: columns, primary key, indexes.

The tables themselves are listed in ``tables.py`` (dumped from a live Splynx
or derived from a dumped sibling) and ``tables_inferred.py`` (laid out from
the blueprint); both build this ``Table``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from migrator.sim.splynx.columns import Column, quote_identifier

__all__ = ["Table"]


@dataclass(frozen=True)
class Table:
    """A table: its columns in order, primary key, and secondary indexes.

    An index is a tuple of column names, a name may carry a prefix length
    (``"value(100)"``) for MySQL; the in-memory store keeps a hash index on the
    first column of each.
    """

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ("id",)
    indexes: tuple[tuple[str, ...], ...] = ()
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        quote_identifier(self.name)
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})
        for name in (*self.primary_key, *(_bare(c) for ix in self.indexes for c in ix)):
            if name not in self.by_name:
                raise ValueError(f"{self.name}: no column {name}")

    @property
    def auto_id(self) -> bool:
        """Whether the primary key is one AUTO_INCREMENT column."""
        return len(self.primary_key) == 1 and self.by_name[self.primary_key[0]].auto_increment

    @property
    def soft_delete(self) -> bool:
        return "deleted" in self.by_name

    def hash_indexed(self) -> tuple[str, ...]:
        """Columns the in-memory store indexes for equality lookups."""
        firsts = [_bare(ix[0]) for ix in self.indexes]
        live = ["deleted"] if self.soft_delete else []
        return tuple(dict.fromkeys([*self.primary_key[:1], *firsts, *live]))

    def create_statement(self) -> str:
        """CREATE TABLE IF NOT EXISTS from the static catalog (never from request data)."""
        lines = [column.ddl() for column in self.columns]
        lines.append("PRIMARY KEY (" + ", ".join(map(quote_identifier, self.primary_key)) + ")")
        for index in self.indexes:
            lines.append("KEY (" + ", ".join(_index_part(part) for part in index) + ")")
        body = ",\n  ".join(lines)
        return (
            f"CREATE TABLE IF NOT EXISTS {quote_identifier(self.name)} (\n  {body}\n)"
            " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        )

    def derive(
        self,
        name: str,
        *,
        drop: Iterable[str] = (),
        rename: dict[str, str] | None = None,
        add: Iterable[Column] = (),
        indexes: tuple[tuple[str, ...], ...] = (),
    ) -> Table:
        """A sibling table with the same layout, some columns dropped, renamed or added."""
        renames = rename or {}
        dropped = set(drop)
        kept = [
            Column(renames.get(c.name, c.name), c.sql_type, c.nullable, c.default, c.auto_increment)
            for c in self.columns
            if c.name not in dropped
        ]
        return Table(name, (*kept, *add), self.primary_key, indexes)


def _bare(part: str) -> str:
    return part.split("(", 1)[0]


def _index_part(part: str) -> str:
    bare = _bare(part)
    return quote_identifier(bare) + part[len(bare) :]
