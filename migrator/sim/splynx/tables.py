"""The MySQL tables the simulator keeps, under Splynx's real names.

Three sources, in order of trust:

1. Dumped from a live Splynx (``splynx_tables.json`` via the packaged
   ``reference.json``): customers, customer_info, customer_notes, customer_cap,
   invoices, payments, billing_transactions(_categories), ticket, ticket_types,
   admins, roles. Used as they are.
2. Derived from a dumped sibling (assumption, reference §5.1 / §8.1):
   ``invoices_items`` has the layout of the proforma ``requests_items``;
   ``services_internet`` / ``services_custom`` share the service columns of
   ``services_voice``; tariff tables share the plan columns of ``tariffs_voice``.
3. Named but never dumped: laid out from the blueprint's fields in
   ``tables_inferred.py`` (assumption: column types and sizes are ours).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from migrator.sim.splynx.columns import Column, quote_identifier

__all__ = ["DUMPED", "SOURCES", "Table", "catalog", "reference_data"]

REFERENCE_FILE = Path(__file__).with_name("reference.json")

DUMPED = (
    "admins",
    "billing_transactions",
    "billing_transactions_categories",
    "customer_cap",
    "customer_info",
    "customer_notes",
    "customers",
    "invoices",
    "payments",
    "roles",
    "ticket",
    "ticket_types",
)
# Dumped tables whose layout the inferred ones are derived from (requests_items ->
# invoices_items, services_voice -> services_*, tariffs_voice -> tariffs_*).
SOURCES = ("requests_items", "services_voice", "tariffs_voice")


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


@cache
def reference_data() -> dict[str, dict[str, object]]:
    """The packaged copy of the reference (tables and OPTIONS answers)."""
    return json.loads(REFERENCE_FILE.read_text())  # type: ignore[no-any-return]


def _dumped(name: str, indexes: tuple[tuple[str, ...], ...] = ()) -> Table:
    spec = reference_data()["tables"][name]
    assert isinstance(spec, dict)
    columns = tuple(Column.from_reference(row) for row in spec["columns"])
    return Table(name, columns, tuple(spec["primary_key"]), indexes)


_INDEXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "customers": (("login",), ("partner_id",), ("status",)),
    "customer_notes": (("customer_id",),),
    "invoices": (("customer_id",), ("number",)),
    "payments": (("customer_id",), ("receipt_number",)),
    "billing_transactions": (("customer_id",),),
    "ticket": (("customer_id",),),
    "admins": (("login",),),
}


@cache
def catalog() -> dict[str, Table]:
    """Every table the simulator creates and serves, by name."""
    from migrator.sim.splynx.tables_inferred import inferred_tables

    tables = {name: _dumped(name, _INDEXES.get(name, ())) for name in DUMPED}
    derived_from = {name: _dumped(name) for name in SOURCES}
    for table in inferred_tables(derived_from):
        tables[table.name] = table
    return tables
