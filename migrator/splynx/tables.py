"""The Splynx MySQL tables the database gateway may touch: the fixed allow-list.

Layouts of dumped tables are copied verbatim from the reference
(``splynx_tables.json``) into ``tables.json`` by ``python -m migrator.splynx.tables``;
a conformance test keeps the copy honest. Tables the reference names but did not
dump (invoice items, ticket messages, additional-field values) are inferred
below from the blueprint's fields and their dumped siblings, and say so.

SQL identifiers are only ever taken from these layouts, never from input.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any

from migrator.errors import ConfigError

__all__ = [
    "ADDITIONAL_VALUES",
    "LAYOUTS_PATH",
    "REFERENCE_TABLES",
    "Column",
    "RowPlan",
    "Table",
    "quoted",
    "table",
    "tables",
]

LAYOUTS_PATH = Path(__file__).with_name("tables.json")
REFERENCE_TABLES = (
    "admins",
    "billing_transactions",
    "billing_transactions_categories",
    "customer_info",
    "customer_notes",
    "customers",
    "invoice_payers",
    "invoices",
    "payments",
    "requests_items",
    "ticket",
    "ticket_types",
)
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def quoted(identifier: str) -> str:
    """A backquoted identifier; only names from the fixed layouts ever get here."""
    if not _IDENTIFIER.match(identifier):
        raise ConfigError(f"refusing SQL identifier {identifier!r}")
    return f"`{identifier}`"


@dataclass(frozen=True)
class Column:
    """One column as ``SHOW COLUMNS`` reports it."""

    name: str
    type: str
    nullable: bool
    default: str | None
    auto_increment: bool = False

    @property
    def max_length(self) -> int | None:
        found = re.fullmatch(r"(?:var)?char\((\d+)\)", self.type)
        return int(found.group(1)) if found else None

    @property
    def enum_values(self) -> tuple[str, ...]:
        if not self.type.startswith("enum("):
            return ()
        return tuple(re.findall(r"'([^']*)'", self.type))

    @property
    def needs_value(self) -> bool:
        """NOT NULL, no default, not generated: an insert must name it (strict mode)."""
        return not self.nullable and self.default is None and not self.auto_increment

    def zero_value(self) -> object:
        """What Splynx's own code stores when it has nothing: 0, '', a zero date."""
        kind = self.type.split("(")[0].split()[0]
        if kind in {"int", "tinyint", "smallint", "mediumint", "bigint", "decimal", "float"}:
            return 0
        if kind == "date":
            return "0000-00-00"
        if kind in {"datetime", "timestamp"}:
            return "0000-00-00 00:00:00"
        if kind == "enum":
            return self.enum_values[0]
        return ""


@dataclass(frozen=True)
class Table:
    """A table's columns in order, its primary key, and where the layout comes from."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    source: str

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise ConfigError(f"Splynx table {self.name} has no column {name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def soft_deleted(self) -> bool:
        """Splynx marks deleted rows ``deleted='1'`` instead of removing them."""
        return "deleted" in self.names

    def row_plan(self, given: Iterable[str]) -> RowPlan:
        """How to turn rows with exactly these keys into complete INSERT values."""
        keys = frozenset(given)
        plan = self._plans.get(keys)
        if plan is None:
            unknown = sorted(keys - set(self.names))
            if unknown:
                raise ConfigError(f"Splynx table {self.name} has no column(s) {', '.join(unknown)}")
            chosen = tuple(c for c in self.columns if c.name in keys or c.needs_value)
            zeros = {c.name: c.zero_value() for c in chosen if c.name not in keys}
            plan = self._plans[keys] = RowPlan(tuple(c.name for c in chosen), zeros)
        return plan

    def complete(self, row: Mapping[str, object]) -> dict[str, object]:
        """``row`` plus a zero value for every column that needs one, in column order."""
        plan = self.row_plan(row)
        return dict(zip(plan.columns, plan.values(row), strict=True))

    @cached_property
    def _plans(self) -> dict[frozenset[str], RowPlan]:
        return {}


class RowPlan:
    """The columns an INSERT names for one key set, and the zero values it adds.

    ``values(row)`` runs per row of a bulk load, so it is two C-level steps: a
    dict merge and an ``itemgetter``.
    """

    def __init__(self, columns: tuple[str, ...], zeros: dict[str, object]) -> None:
        self.columns = columns
        self._zeros = zeros
        self._get = itemgetter(*columns)
        self._single = len(columns) == 1

    def values(self, row: Mapping[str, object]) -> tuple[object, ...]:
        found = self._get({**self._zeros, **row})
        return (found,) if self._single else found


def _col(name: str, type_: str, nullable: bool = False, default: str | None = None) -> Column:
    return Column(name, type_, nullable, default, auto_increment=(name == "id"))


# Not dumped. customer_billing: the customer's billing settings (blueprint "Customer
# billing"), keyed by customer_id; only the columns the finance path touches are listed,
# the balance ``deposit`` ("Current customer account balance", blueprint L5358) among
# them; every other column has a default. invoices_items: the layout of the dumped
# proforma items (requests_items) keyed by invoice_id. ticket_messages: the blueprint's
# message fields (those the reference's import script writes among them).
# <module>_values: additional-field values, one row per record and field (the
# reference names customers_values). ticket_statuses, ticket_groups: the blueprint's
# fields (reference §9.3), only as far as the database path for tickets checks them.
ADDITIONAL_VALUES = {
    "customers": ("customers_values", "customer_id"),
    "services_internet": ("services_internet_values", "service_id"),
    "services_custom": ("services_custom_values", "service_id"),
    "ticket": ("ticket_values", "ticket_id"),
}
_INFERRED = (
    Table(
        "invoices_items",
        tuple(
            _col(*c)  # type: ignore[arg-type]
            for c in (
                ("id", "int"), ("invoice_id", "int unsigned"),
                ("sub_account_id", "int unsigned", True), ("pos", "smallint unsigned"),
                ("description", "varchar(256)"), ("quantity", "int"), ("unit", "varchar(16)"),
                ("price", "decimal(19,4)"), ("tax", "decimal(6,4)"), ("tax_id", "int unsigned"),
                ("period_from", "date"), ("period_to", "date"),
                ("deleted", "enum('0','1')", False, "0"),
            )
        ),
        ("id",),
        "inferred: requests_items layout keyed by invoice_id",
    ),
    Table(
        "customer_billing",
        (
            Column("customer_id", "int unsigned", False, None),
            Column("deposit", "decimal(19,4)", False, "0.0000"),
        ),
        ("customer_id",),
        "inferred: blueprint Customer billing (balance in deposit), keyed by customer_id",
    ),
    Table(
        "ticket_messages",
        tuple(
            _col(*c)  # type: ignore[arg-type]
            for c in (
                ("id", "int unsigned"), ("ticket_id", "int unsigned"),
                ("customer_id", "int unsigned", False, "0"),
                ("incoming_customer_id", "int unsigned", False, "0"),
                ("admin_id", "int unsigned", False, "0"), ("api_id", "int unsigned", False, "0"),
                ("source", "enum('administration','api','portal','public_form','incoming')",
                 False, "api"),
                ("date", "date"), ("time", "time"), ("message", "mediumtext"),
                ("message_type", "enum('message','note','change_ticket')", False, "message"),
                ("mail_to", "varchar(256)", False, ""), ("mail_cc", "varchar(256)", False, ""),
                ("mail_bcc", "varchar(256)", False, ""),
                ("hide_for_customer", "enum('0','1')", False, "0"),
                ("author_type", "enum('admin','customer','api','system')", False, "api"),
                ("is_merged", "enum('0','1')", False, "0"),
                ("deleted", "enum('0','1')", False, "0"),
                ("updated_at", "datetime", True, "CURRENT_TIMESTAMP"),
            )
        ),
        ("id",),
        "inferred: blueprint Ticket Message fields and the reference's import script",
    ),
    Table(
        "ticket_statuses",
        (_col("id", "int unsigned"), _col("title_for_agent", "varchar(64)")),
        ("id",),
        "inferred: blueprint Ticket Status fields",
    ),
    Table(
        "ticket_groups",
        (_col("id", "int unsigned"), _col("title", "varchar(64)")),
        ("id",),
        "inferred: blueprint Ticket Group fields",
    ),
    *(
        Table(
            name,
            (
                _col("id", "int unsigned"),
                _col(owner, "int unsigned"),
                _col("name", "varchar(64)"),
                _col("value", "text"),
            ),
            ("id",),
            "inferred: <module>_values naming; one row per record and additional field",
        )
        for name, owner in ADDITIONAL_VALUES.values()
    ),
)  # fmt: skip


def _table(name: str, spec: Mapping[str, Any]) -> Table:
    columns = tuple(
        Column(
            c["field"],
            c["type"],
            c["null"] == "YES",
            c["default"],
            auto_increment="auto_increment" in c["extra"],
        )
        for c in spec["schema"]["columns"]
    )
    return Table(name, columns, tuple(spec["primary_keys"]), "splynx_tables.json")


@cache
def tables() -> Mapping[str, Table]:
    """Every table in the allow-list, by name."""
    copied = json.loads(LAYOUTS_PATH.read_text(encoding="utf-8"))
    found = {name: _table(name, spec) for name, spec in copied.items()}
    found.update({t.name: t for t in _INFERRED})
    return found


def table(name: str) -> Table:
    """The layout of an allow-listed table; anything else is refused."""
    try:
        return tables()[name]
    except KeyError:
        raise ConfigError(f"table {name!r} is not one the Splynx gateway may use") from None


def extract(reference: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``splynx_tables.json`` we ship: the layouts of ``REFERENCE_TABLES``."""
    keep = ("schema", "primary_keys", "foreign_keys")
    return {name: {k: reference[name][k] for k in keep} for name in REFERENCE_TABLES}


def main(argv: list[str] | None = None) -> None:
    """Regenerate ``tables.json`` from the reference (sample rows are not copied)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--reference", type=Path, default=Path("../shared/reference"))
    args = parser.parse_args(argv)
    reference = json.loads((args.reference / "splynx_tables.json").read_text(encoding="utf-8"))
    text = json.dumps(extract(reference), indent=1, sort_keys=True) + "\n"
    LAYOUTS_PATH.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
