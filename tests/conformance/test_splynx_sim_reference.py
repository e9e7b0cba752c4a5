"""The Splynx simulator against ../shared/reference: tables, OPTIONS, paths and enum values."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from migrator.sim.splynx.behaviours_networks import NETWORK_FORM
from migrator.sim.splynx.dashboard_endpoints import STATEMENT_FORM
from migrator.sim.splynx.prune_reference import OPTIONS_ENDPOINTS, OUTPUT, prune, render
from migrator.sim.splynx.resources import Shape
from migrator.sim.splynx.served_endpoints import resources
from migrator.sim.splynx.tables import DUMPED, catalog
from tests.support.splynx_records import internet_tariff
from tests.support.splynx_sim import running


def test_the_packaged_reference_is_what_the_script_generates(reference_dir: Path) -> None:
    stale = "reference.json is stale: run python3 -m migrator.sim.splynx.prune_reference"
    assert OUTPUT.read_text() == render(prune(reference_dir)), stale


def test_dumped_tables_keep_the_real_layout(reference_dir: Path) -> None:
    real = json.loads((reference_dir / "splynx_tables.json").read_text())
    for name in DUMPED:
        ours = catalog()[name]
        columns = real[name]["schema"]["columns"]
        assert [c.name for c in ours.columns] == [c["field"] for c in columns], name
        for column, spec in zip(ours.columns, columns, strict=True):
            assert column.sql_type == spec["type"], (name, column.name)
            assert column.nullable == (spec["null"] == "YES"), (name, column.name)
            assert column.default == spec["default"], (name, column.name)
        assert list(ours.primary_key) == real[name]["primary_keys"], name


def test_every_endpoint_is_in_the_blueprint(reference_dir: Path) -> None:
    blueprint = (reference_dir / "splynx_api_v2.apib").read_text(encoding="utf-8")
    for resource in resources():
        if resource.shape is Shape.CUSTOMER_CHILD:
            path = f"/admin/customers/customer/{{customer_id}}/{resource.segment}"
        else:
            path = "/" + resource.name
        assert f"[{path}" in blueprint, path


def test_enum_choices_are_the_blueprints(reference_dir: Path) -> None:
    blueprint = (reference_dir / "splynx_api_v2.apib").read_text(encoding="utf-8")
    for resource in resources():
        for field, values in resource.choices.items():
            for value in values:
                assert re.search(rf"['`]{re.escape(value)}['`]", blueprint), (
                    resource.name,
                    field,
                    value,
                )


# Attributes OPTIONS lists that steer an upload or import rather than being kept
# (dashboard_endpoints.STATEMENT_FORM, an assumption); the blueprint's Payment Statements
# Response (L5293) has none of them.
FORM_ONLY = {
    "admin/finance/bank-statements": set(STATEMENT_FORM),
    # splitting and merging networks (behaviours_networks.NETWORK_FORM, an assumption)
    "admin/networking/ipv4": set(NETWORK_FORM["ipv4"]),
    "admin/networking/ipv6": set(NETWORK_FORM["ipv6"]),
}


async def test_records_carry_every_attribute_the_live_options_list(reference_dir: Path) -> None:
    live: dict[str, Any] = json.loads((reference_dir / "splynx_options.json").read_text())
    async with running() as sim:
        customer = await sim.customer()
        await sim.create("admin/tariffs/internet", internet_tariff("Fibre"))
        one_time = {k: v for k, v in internet_tariff("Install").items()
                    if k in {"title", "price", "partners_ids", "available_for_locations",
                             "customer_categories"}}  # fmt: skip
        await sim.create("admin/tariffs/one-time", one_time)
        await sim.create("admin/tariffs/voice", {**one_time, "title": "Phone"})
        await sim.create(
            "admin/finance/invoices",
            {"customer_id": customer, "status": "not_paid", "items": [{"description": "x"}]},
        )
        await sim.create("admin/finance/payments", {"customer_id": customer, "amount": 1})
        await sim.create(
            "admin/finance/transactions",
            {"customer_id": customer, "type": "debit", "description": "x", "category": 1},
        )
        await sim.create("admin/support/tickets", {"subject": "s", "priority": "low", "type_id": 1})
        await sim.create("admin/customers/customers-online", {"customer_id": customer})
        await sim.create("admin/finance/bank-statements", {})
        await sim.create("admin/networking/ipv4", {"network": "10.0.0.0", "mask": 30, "title": "A"})
        await sim.create(
            "admin/networking/ipv6", {"network": "2001:db8::", "prefix": 48, "title": "B"}
        )
        async with sim.store.session(write=True) as session:  # statistics are read-only
            await session.insert("customers_statistics", {"customer_id": customer})
        for path in OPTIONS_ENDPOINTS:
            [record, *_] = (await sim.client.get(path)).json()
            expected = {a["name"] for a in live[path]["attributes"]} - FORM_ONLY.get(path, set())
            assert expected <= set(record), (path, expected - set(record))
            assert ("additional_attributes" in record) == ("additional_attributes" in live[path])
