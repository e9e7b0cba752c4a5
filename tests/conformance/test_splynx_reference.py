"""Our Splynx payloads, endpoint registry and table allow-list agree with the reference.

Field names must exist in the blueprint's data structures, required fields of
the live OPTIONS answers must be required (or defaulted) in our payloads, and
string sizes and enum values must match the real MySQL columns.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from migrator.splynx import payloads as p
from migrator.splynx.endpoints import ENDPOINTS
from migrator.splynx.payloads import field_limits
from migrator.splynx.tables import LAYOUTS_PATH, REFERENCE_TABLES, extract, table

BLUEPRINT_STRUCTURES: dict[type[BaseModel], tuple[str, ...]] = {
    p.Partner: ("Partner Base",),
    p.Location: ("Location Base",),
    p.Administrator: ("Administrator Request",),
    p.InternetTariff: ("Internet tariff Base",),
    p.RecurringTariff: ("Recurring tariff Base",),
    p.Customer: ("Customer Base", "Customer Response"),
    p.CustomerInfo: ("Customer info Response",),
    p.CustomerBilling: ("Customer Billing",),
    p.CustomerNote: ("Customer comment Base",),
    p.InternetService: ("Customer Internet service Base",),
    p.RecurringService: ("Customer Recurring service Base",),
    p.Invoice: ("Invoice Base",),
    p.InvoiceItem: ("Invoice item",),
    p.Payment: ("Payment Base",),
    p.Transaction: ("Transaction Base",),
    p.Ticket: ("Ticket Base Create",),
    p.TicketMessage: ("Ticket Message Base",),
    p.Ipv4Network: ("IPv4 network Base",),
    p.Ipv6Network: ("IPv6 network Base",),
    p.Ipv4IpAssignment: ("IPv4 IP Base",),
}
# Attributes the live OPTIONS answer lists beyond the blueprint's data structure
# (reference §10.1: allow_use_network_and_broadcast, needCreateIps...) count as documented.
LIVE_OPTIONS: dict[type[BaseModel], str] = {p.Ipv4Network: "admin/networking/ipv4"}
# Writable through the API although the data structures leave them out (reference §2.6:
# additional fields are written as "additional_attributes" on the records that have them).
API_EXTRAS = {"additional_attributes"}
# OPTIONS and DB type billing_type/gps on customers; the blueprint has gps only in responses.
HEADER = re.compile(r"^## `?(?P<name>[^`(]+?)`? ?\((?P<parent>[^)]*)\)\s*$")
FIELD = re.compile(r"^\+ `?(?P<field>[A-Za-z_0-9]+)`?")


@pytest.fixture(scope="module")
def structures(reference_dir: Path) -> dict[str, set[str]]:
    """Data structure name → its field names, inheritance resolved."""
    own: dict[str, set[str]] = {}
    parents: dict[str, str] = {}
    current = None
    text = (reference_dir / "splynx_api_v2.apib").read_text(encoding="utf-8")
    for line in text.splitlines():
        header = HEADER.match(line)
        if header:
            current = header["name"].strip()
            own[current] = set()
            parent = header["parent"].strip()
            if parent != "object" and not parent.startswith("array"):
                parents[current] = parent
        elif line.startswith("#"):
            current = None
        elif current and (found := FIELD.match(line)):
            own[current].add(found["field"])

    def resolved(name: str) -> set[str]:
        return own.get(name, set()) | (resolved(parents[name]) if name in parents else set())

    return {name: resolved(name) for name in own}


@pytest.fixture(scope="module")
def options(reference_dir: Path) -> dict[str, object]:
    return json.loads((reference_dir / "splynx_options.json").read_text(encoding="utf-8"))


def test_shipped_layouts_are_the_reference_copy(reference_dir: Path) -> None:
    reference = json.loads((reference_dir / "splynx_tables.json").read_text(encoding="utf-8"))
    shipped = json.loads(LAYOUTS_PATH.read_text(encoding="utf-8"))
    assert shipped == extract(reference), "run python -m migrator.splynx.tables"
    assert set(shipped) == set(REFERENCE_TABLES)


@pytest.mark.parametrize("model", list(BLUEPRINT_STRUCTURES), ids=lambda m: m.__name__)
def test_payload_fields_exist_in_the_blueprint(
    model: type[BaseModel], structures: dict[str, set[str]], options: dict[str, Any]
) -> None:
    documented = set().union(*(structures[name] for name in BLUEPRINT_STRUCTURES[model]))
    assert documented, f"no blueprint structure found for {model.__name__}"
    if model in LIVE_OPTIONS:
        documented |= {a["name"] for a in options[LIVE_OPTIONS[model]]["attributes"]}
    ours = {info.alias or name for name, info in model.model_fields.items()}
    assert ours - documented - API_EXTRAS == set()


def test_every_writable_endpoint_is_in_the_registry_with_a_payload() -> None:
    for endpoint in ENDPOINTS.values():
        if "POST" not in endpoint.verbs:
            continue  # read-only (ticket statuses, groups, types): no create in the blueprint
        assert endpoint.payload in BLUEPRINT_STRUCTURES
        assert endpoint.permission and endpoint.verbs


def test_options_required_fields_are_required_or_defaulted(options: dict[str, object]) -> None:
    checked = []
    for endpoint in ENDPOINTS.values():
        answer = options.get(endpoint.path)
        if not isinstance(answer, dict) or endpoint.payload is None:
            continue  # the reference has no live OPTIONS answer for it
        fields = endpoint.payload.model_fields
        for attribute in answer["attributes"]:
            if not attribute["required"] or attribute["name"] == "id":
                continue
            info = fields.get(attribute["name"])
            assert info is not None, f"{endpoint.name}: required {attribute['name']} missing"
            default = info.get_default(call_default_factory=True)
            assert info.is_required() or default is not None, f"{endpoint.name}.{info}"
        checked.append(endpoint.name)
    assert len(checked) >= 9, checked


def _literal_values(annotation: object) -> set[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return {str(v) for v in typing.get_args(annotation)}
    found: set[str] = set()
    for arg in typing.get_args(annotation):
        found |= _literal_values(arg)
    return found


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS.values() if e.table in REFERENCE_TABLES and e.payload],
    ids=lambda e: e.name,
)
def test_sizes_and_enums_match_the_real_columns(endpoint: object) -> None:
    from migrator.splynx.endpoints import Endpoint

    assert isinstance(endpoint, Endpoint) and endpoint.payload and endpoint.table
    layout = table(endpoint.table)
    limits = field_limits(endpoint.payload)
    checked = 0
    for name, info in endpoint.payload.model_fields.items():
        wire = info.alias or name
        if wire not in layout.names:
            continue
        column = layout.column(wire)
        literal = _literal_values(info.annotation)
        if column.max_length is not None and literal:
            assert max(map(len, literal)) <= column.max_length, f"{endpoint.name}.{wire}"
        elif column.max_length is not None:
            assert limits.get(wire) == column.max_length, f"{endpoint.name}.{wire}"
            checked += 1
        if column.enum_values and literal and column.enum_values != ("0", "1"):
            assert literal <= set(column.enum_values), f"{endpoint.name}.{wire}"
            checked += 1
    assert checked, f"nothing of {endpoint.name} could be checked against {layout.name}"


def test_invoice_items_follow_the_dumped_proforma_items() -> None:
    items = table("requests_items")
    limits = field_limits(p.InvoiceItem)
    assert limits["description"] == items.column("description").max_length
    assert limits["unit"] == items.column("unit").max_length
