"""The MySQL tables the simulator keeps, under Splynx's real names.

Three sources, in order of trust:

1. Dumped from a live Splynx (``splynx_tables.json`` via the packaged
   ``reference.json``): customers, customer_info, customer_notes, customer_cap,
   invoices, invoice_payers, payments, billing_transactions(_categories), ticket, ticket_types,
   admins, roles, routers, tariffs_voice. Used as they are.
2. Derived from a dumped sibling (assumption, reference §5.1 / §8.1):
   ``invoices_items`` has the layout of the proforma ``requests_items``;
   ``services_internet`` / ``services_custom`` share the service columns of
   ``services_voice``; tariff tables share the plan columns of ``tariffs_voice``.
3. Named but never dumped: laid out from the blueprint's fields in
   ``tables_inferred.py`` (assumption: column types and sizes are ours).

Each is a ``Table`` (``table_layout.py``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from migrator.sim.splynx.columns import Column
from migrator.sim.splynx.table_layout import Table
from migrator.sim.splynx.tables_inferred import inferred_tables

__all__ = ["DUMPED", "SOURCES", "catalog", "reference_data"]

REFERENCE_FILE = Path(__file__).with_name("reference.json")

DUMPED = (
    "admins",
    "billing_transactions",
    "billing_transactions_categories",
    "customer_cap",
    "customer_info",
    "customer_notes",
    "customers",
    "invoice_payers",
    "invoices",
    "payments",
    "roles",
    "routers",
    "tariffs_voice",
    "ticket",
    "ticket_types",
)
# Dumped tables whose layout the inferred ones are derived from (requests_items ->
# invoices_items, services_voice -> services_*, tariffs_voice -> tariffs_*).
SOURCES = ("requests_items", "services_voice", "tariffs_voice")


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
    "billing_transactions": (("customer_id",), ("invoice_id",), ("payment_id",)),
    "invoice_payers": (("invoice_id",), ("payer_id",)),
    "ticket": (("customer_id",),),
    "admins": (("login",),),
    "tariffs_voice": (("title",),),
}


@cache
def catalog() -> dict[str, Table]:
    """Every table the simulator creates and serves, by name."""
    tables = {name: _dumped(name, _INDEXES.get(name, ())) for name in DUMPED}
    derived_from = {name: _dumped(name) for name in SOURCES}
    for table in inferred_tables(derived_from):
        tables[table.name] = table
    return tables
