"""Equipment: the radio or modem at each served address, and the tower gear.

Sonar tracks customer premises equipment as inventory items at the account's
service address (``inventoryitemable_type = Address``), tied to the data
account service it delivers; each item is of a model (of a manufacturer)
whose fields (MAC address, serial number) have one value per item. Most
live accounts with a data plan have one device (95%), a few a router behind
it too (its ``parent_inventory_item_id``). Access points at the tower sites
come first (ids 1, 2, ...): the management IPs on tower gear are theirs;
``addressing`` puts some customers' static IPs on their radio.

This step draws from its own random stream, so adding it left every other
table of a seed as it was.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from migrator.sim.sonar.generate.common import Columns, IdSequence, Salt, World, common_fields
from migrator.sim.sonar.generate.reference import ORIGIN, reference_table, shaped
from migrator.sim.sonar.generate.service_catalog import ServiceCatalog
from migrator.sim.sonar.instance_time import NOW, SECOND, instant_to_iso
from migrator.sim.sonar.table import NULL, CodeColumn, IntColumn, Table

__all__ = ["customer_devices", "equipment_tables"]

HOLDERS = ("NetworkSite", "Address")  # inventoryitemable_type codes
_MAKERS = ("Ubiquiti", "Cambium Networks", "MikroTik", "Calix", "ARRIS")
# (name, maker, device type, model number, price in cents, at a tower)
_MODELS = (
    ("LiteBeam 5AC Gen2", 1, "OTHER", "LBE-5AC-Gen2", 8900, False),
    ("Rocket Prism 5AC", 1, "OTHER", "RP-5AC-Gen2", 49900, True),
    ("ePMP Force 300-25", 2, "OTHER", "C050900C073A", 11900, False),
    ("ePMP 3000 Access Point", 2, "OTHER", "C050900A033A", 119900, True),
    ("hAP ac²", 3, "OTHER", "RBD52G-5HacD2HnD", 6900, False),
    ("GigaSpire BLAST u4", 4, "OTHER", "GS4220E", 24900, False),
    ("SURFboard SB8200", 5, "CABLE_MODEM", "SB8200", 17900, False),
)
_RADIOS = (1, 3, 6, 7)  # the models a served address gets first
_ROUTER = 5
_TOWER_GEAR = (2, 4)
# (name, type, primary, unique): every model has both fields, in this order
_FIELDS = (
    ("MAC Address", "MAC_ADDRESS", True, "GLOBAL"),
    ("Serial Number", "TEXT", False, "LOCAL"),
)


def _reference(world: World) -> dict[str, Table]:
    makers = [
        shaped("manufacturers", world, Salt.MANUFACTURER, i, name=name)
        for i, name in enumerate(_MAKERS, start=1)
    ]
    models = [
        shaped("inventory_models", world, Salt.MODEL, i, default_vendor_id=None,
               device_type=kind, enabled=True, generic=False, icon="AIRPLAY759822",
               inventory_model_category_id="1", is_segmentable=False, lte_sim_type=None,
               manufacturer_id=str(maker), model_name=number, name=name,
               network_monitoring_template_id=None, port=443 if tower else None,
               protocol="HTTPS" if tower else None, quantity=None, unit_of_measurement="EACH")
        for i, (name, maker, kind, number, _price, tower) in enumerate(_MODELS, start=1)
    ]  # fmt: skip
    fields = [
        shaped("inventory_model_fields", world, Salt.MODEL_FIELD, _field_id(model, kind),
               inventory_model_id=str(model), name=name, primary=primary,
               regexp=None, required=primary, secondary_type=None, type=type_, unique=unique)
        for model in range(1, len(_MODELS) + 1)
        for kind, (name, type_, primary, unique) in enumerate(_FIELDS)
    ]  # fmt: skip
    built = {"manufacturers": makers, "inventory_models": models, "inventory_model_fields": fields}
    return {query: reference_table(query, records) for query, records in built.items()}


def _field_id(model: int, kind: int) -> int:
    return (model - 1) * len(_FIELDS) + kind + 1


def _service_addresses(addresses: Table) -> dict[int, int]:
    """Account id → id of its first physical address (its service address)."""
    first: dict[int, int] = {}
    owners, kinds = addresses.columns["addressable_id"], addresses.columns["addressable_type"]
    for row in range(len(addresses)):
        if kinds[row] == "Account" and owners[row] not in first:
            if addresses.record(row)["type"] == "PHYSICAL":
                first[owners[row]] = addresses.ids[row]
            else:
                first[owners[row]] = 0  # mailing first: no service address
    return {account: address for account, address in first.items() if address}


class _Items:
    """The inventory item columns under construction."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.ids, self.cols = rng, IdSequence(rng, gap_rate=0.0), Columns()
        for name in ("model", "holder", "holder_type", "service", "parent"):
            self.cols.column(name, "b" if name == "holder_type" else "q")

    def add(self, model: int, holder: tuple[int, int], service: int, parent: int, when: int) -> int:
        item_id = self.ids.next()
        extra = self.cols.extra
        self.cols.ids.append(item_id)
        self.cols.created.append(when)
        changed = when + int(self.rng.random() * (NOW - when)) if self.rng.random() < 0.2 else when
        self.cols.updated.append(changed // SECOND * SECOND)
        extra["model"].append(model)
        extra["holder_type"].append(holder[0])
        extra["holder"].append(holder[1])
        extra["service"].append(service)
        extra["parent"].append(parent)
        return item_id


def _place_items(world: World, tables: dict[str, Table], rng: random.Random) -> _Items:
    items = _Items(rng)
    for site in range(1, 3 + world.scale // 150):
        model = _TOWER_GEAR[site % len(_TOWER_GEAR)]
        items.add(model, (0, site), NULL, NULL, ORIGIN + site * 3_600 * SECOND)
    tower_gear, items.ids = items.ids.last, IdSequence(rng)  # customer gear has id gaps
    items.ids.last = tower_gear
    catalog: ServiceCatalog = world.facts["catalog"]
    at = _service_addresses(tables["addresses"])
    services = tables["account_services"]
    owners, plans = services.columns["account_id"], services.columns["service_id"]
    for row in range(len(services)):
        address = at.get(owners[row])
        if catalog.by_id[plans[row]].type != "DATA" or address is None or rng.random() < 0.05:
            continue
        model = _RADIOS[int(rng.random() * len(_RADIOS))]
        when = services.columns["created_at"][row]
        radio = items.add(model, (1, address), services.ids[row], NULL, when)
        if rng.random() < 0.03:
            items.add(_ROUTER, (1, address), services.ids[row], radio, when)
    return items


def _item(world: World, cols: Columns, row: int) -> dict[str, Any]:
    item_id, extra = cols.ids[row], cols.extra
    draw = world.draw(Salt.ITEM, item_id)
    model = extra["model"][row]
    status = draw.pick(("FUNCTIONAL",) * 30 + ("FAILED", "LOST"))
    health = None if status != "FUNCTIONAL" else draw.pick(("GOOD",) * 8 + ("WARNING", "DOWN"))
    changed = instant_to_iso(cols.updated[row]) if health not in (None, "GOOD") else None
    service, parent = extra["service"][row], extra["parent"][row]

    def key(value: int) -> str | None:
        return None if value == NULL else str(value)

    record = common_fields(draw, item_id, cols.created[row], cols.updated[row])
    record.update(
        account_service_id=key(service), claimed_user_id=None, deployment_type_id=None,
        flapping=health == "WARNING" and draw.chance(0.5), icmp_device_status=health,
        icmp_status_flap_count=draw.below(4) if health == "WARNING" else 0,
        icmp_status_last_change=changed, icmp_threshold_violation=None,
        inventory_model_id=str(model), inventoryitemable_id=str(extra["holder"][row]),
        inventoryitemable_type=HOLDERS[extra["holder_type"][row]], latitude=None,
        longitude=None, metadata=None, overall_status=health, override_status=None,
        override_status_last_change=None, parent_inventory_item_id=key(parent),
        preseem_status=None, purchase_order_item_id=None, purchase_price=_MODELS[model - 1][4],
        quantity=1, segment_parent_id=None, snmp_device_status=None, snmp_status_flap_count=0,
        snmp_status_last_change=None, snmp_status_message=None, status=status, um_price=None,
    )  # fmt: skip
    return record


def _items_table(world: World, items: _Items) -> Table:
    cols = items.cols
    table = cols.table("inventory_items", lambda row: _item(world, cols, row))
    for field, name in (
        ("inventory_model_id", "model"),
        ("inventoryitemable_id", "holder"),
        ("account_service_id", "service"),
        ("parent_inventory_item_id", "parent"),
    ):
        table.columns[field] = IntColumn(cols.extra[name])  # fmt: skip
    table.columns["inventoryitemable_type"] = CodeColumn(cols.extra["holder_type"], HOLDERS)
    return table


def _field_data_table(world: World, items: _Items) -> Table:
    """One value per field of each item's model, in item order."""
    cols, source = Columns(), items.cols
    item, field = cols.column("inventory_item_id"), cols.column("inventory_model_field_id")
    for row, item_id in enumerate(source.ids):
        for kind in range(len(_FIELDS)):
            cols.ids.append(len(cols.ids) + 1)
            cols.created.append(source.created[row])
            cols.updated.append(source.created[row])
            item.append(item_id)
            field.append(_field_id(source.extra["model"][row], kind))
    exposed = ("inventory_item_id", "inventory_model_field_id")
    return cols.table("inventory_model_field_data", _value_builder(world, cols), exposed)


def _value_builder(world: World, cols: Columns) -> Callable[[int], dict[str, Any]]:
    def build(row: int) -> dict[str, Any]:
        record_id, item_id = cols.ids[row], cols.extra["inventory_item_id"][row]
        field_id = cols.extra["inventory_model_field_id"][row]
        draw = world.draw(Salt.ITEM_FIELD, record_id)
        if (field_id - 1) % len(_FIELDS) == 0:
            value = "F0:9F:C2:" + ":".join(f"{b:02X}" for b in item_id.to_bytes(3, "big"))
        else:
            value = f"{draw.pick(('SN', 'S', 'G'))}{draw.between(10**9, 10**10 - 1)}"
        record = common_fields(draw, record_id, cols.created[row], cols.updated[row])
        record.update(
            inventory_item_id=str(item_id), inventory_model_field_id=str(field_id), value=value
        )
        return record

    return build


def equipment_tables(world: World, tables: dict[str, Table]) -> dict[str, Table]:
    """The five equipment tables, after addresses and account services exist."""
    rng = random.Random(f"equipment-{world.seed}")
    built = _reference(world)
    items = _place_items(world, tables, rng)
    built["inventory_items"] = _items_table(world, items)
    built["inventory_model_field_data"] = _field_data_table(world, items)
    return built


def customer_devices(tables: dict[str, Table]) -> dict[int, int]:
    """Account id → its first radio (the item delivering one of its data services)."""
    items, held = tables["inventory_items"], tables["account_services"]
    services, parents = (
        items.columns["account_service_id"],
        items.columns["parent_inventory_item_id"],
    )
    found: dict[int, int] = {}
    for row in range(len(items)):
        service = services[row]
        if service is None or parents[row] is not None:
            continue
        service_row = held.row_of(service)
        assert service_row is not None
        found.setdefault(held.columns["account_id"][service_row], items.ids[row])
    return found
