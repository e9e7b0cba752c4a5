"""The small tables every ISP has once: company, statuses, types, staff, groups, catalog.

Sizes follow ``reference/sonar_volumes.md`` (1 company, 13 account statuses,
~30 users, ~10 ticket groups, ~100 services of which 55 data
plans with their details) and do not grow with the number of accounts. These
are held as plain record lists: there are a couple of hundred of them.

Status names are the ISP's own: besides Sonar's usual ones some are custom, of
which some do not activate the account ("Hold", "Disconnected - NonPay") and
some do ("Seasonal", "Staff / Free"). The real instance had 3 account types;
there are 5 here, one of each kind Sonar has (``AccountType.type``), so every
kind reaches the category rule.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.sonar.fields import entity_spec
from migrator.sim.sonar.generate.common import Salt, World, common_fields
from migrator.sim.sonar.generate.service_catalog import ServiceCatalog, build_catalog
from migrator.sim.sonar.generate.words import FIRST_NAMES, LAST_NAMES
from migrator.sim.sonar.instance_time import month_start
from migrator.sim.sonar.table import Table, columns_from_records
from migrator.sonar.schema import entity_fields

__all__ = ["ORIGIN", "STATUSES", "reference_table", "reference_tables", "shaped"]

ORIGIN = month_start(2020, 11)  # when the instance was set up
# (name, activates_account, color, icon)
STATUSES = (
    ("Active", True, "2E7D32", "HOUSE759590"),
    ("Inactive", False, "9E9E9E", "ADDFILE759478"),
    ("Delinquent", True, "F9A825", "ACTIVITY759902"),
    ("Suspended", False, "C62828", "BUS759933"),
    ("Pending Install", False, "1565C0", "ADD759610"),
    ("Cancelled", False, "616161", "BRUSH759464"),
    ("Collections", False, "6A1B9A", "DUSTBIN759783"),
    ("Prospect", False, "00838F", "ADDCART759856"),
    ("Hold", False, "EF6C00", "ADDALARM759611"),
    ("Seasonal", True, "558B2F", "BIRDHOUSE759900"),
    ("Staff / Free", True, "4E342E", "AIRPLANE759930"),
    ("Disconnected - NonPay", False, "B71C1C", "ADDINBOX759799"),
    ("Moved", False, "37474F", "ADDMEETING759787"),
)
# Ids as ``accounts.AccountKind`` numbers them.
_TYPES = (("Residential", "RESIDENTIAL", "1E88E5"), ("Business", "COMMERCIAL", "43A047"),
          ("Government", "GOVERNMENT", "8E24AA"), ("Farm & Ranch", "INDUSTRIAL", "6D4C41"),
          ("Senior", "SENIOR_CITIZEN", "00897B"))  # fmt: skip
_GROUPS = ("Support", "Billing", "Installations", "Network Operations", "Sales", "Collections",
           "Field Techs", "Escalations", "Outages", "Abuse")  # fmt: skip
_CUSTOM_FIELDS = (("Legacy account number", "TEXT", None, True),
                  ("Tower site", "TEXT", ["North Tower", "South Tower", "Mesa Ridge"], False),
                  ("Paperless billing", "BOOLEAN", None, False))  # fmt: skip


def shaped(query: str, world: World, salt: Salt, record_id: int, **values: Any) -> dict[str, Any]:
    """A record with the common fields first and the rest in schema order."""
    created = ORIGIN + record_id * 3_600_000_000
    record = common_fields(world.draw(salt, record_id), record_id, created, created)
    order = entity_fields(query)
    missing = set(order) - set(record) - set(values)
    assert not missing, f"{query} record lacks {sorted(missing)}"
    record.update((name, values[name]) for name in order if name in values)
    return record


def reference_table(query: str, records: list[dict[str, Any]]) -> Table:
    """A small table held as its records."""
    table_records = list(records)
    ids, columns = columns_from_records(entity_spec(query), table_records)
    return Table(query, ids, columns, table_records.__getitem__)


def _company(world: World) -> list[dict[str, Any]]:
    return [
        shaped(
            "companies", world, Salt.COMPANY, 1,
            billing_communication_delay_end_local_time="08:00:00",
            billing_communication_delay_start_local_time="21:00:00",
            checks_payable_to="Hill Country Broadband LLC", country="US",
            customer_portal_url="https://portal.example.net", default=True, enabled=True,
            isp_type="ISP", name="Hill Country Broadband", phone_number="5125550100",
            primary_color="1F6FEB", secondary_color="F5F5F5", show_remittance_slip=True,
            tax_identification="74-1234567", website_address="https://www.example.net/",
        )
    ]  # fmt: skip


def _statuses(world: World) -> list[dict[str, Any]]:
    return [
        shaped("account_statuses", world, Salt.STATUS, i, activates_account=active,
                color=color, icon=icon, name=name)
        for i, (name, active, color, icon) in enumerate(STATUSES, start=1)
    ]  # fmt: skip


def _types(world: World) -> list[dict[str, Any]]:
    return [
        shaped("account_types", world, Salt.TYPE, i, color=color, icon="HOUSE759590",
                invoice_message_id=None, name=name, type=kind)
        for i, (name, kind, color) in enumerate(_TYPES, start=1)
    ]  # fmt: skip


def _user(world: World, user_id: int) -> dict[str, Any]:
    draw = world.draw(Salt.USER, user_id)
    first = FIRST_NAMES[user_id % len(FIRST_NAMES)]
    last = LAST_NAMES[(user_id * 7) % len(LAST_NAMES)]
    username = f"{first[0]}{last}".lower()
    if user_id == 2:  # the same login in other capitals: a trap for case-insensitive targets
        username = f"{FIRST_NAMES[1][0]}{LAST_NAMES[7]}"
    staff = user_id == 30
    return shaped(
        "users", world, Salt.USER, user_id,
        completed_setup=user_id % 11 != 0, email_address=f"{username}@example.net",
        enabled=user_id not in (13, 27), is_sonar_staff=staff,
        language="fr" if user_id == 17 else "en",
        mobile_number=None if draw.chance(0.4) else f"512555{draw.between(1000, 9999)}",
        name="Sonar Support" if staff else f"{first} {last}",
        public_name="Support" if staff else first, role_id=str(1 + user_id % 5),
        super_admin=user_id in (1, 30), username="sonar.support" if staff else username,
    )  # fmt: skip


def _services(world: World, catalog: ServiceCatalog) -> list[dict[str, Any]]:
    return [
        shaped(
            "services", world, Salt.SERVICE, s.id, amount=s.amount,
            application="CREDIT" if s.type == "ADJUSTMENT" else s.application, company_id="1",
            display_if_zero=s.type == "ADJUSTMENT", enabled=s.enabled,
            general_ledger_code_id=str(4000 + s.id % 7), name=s.name,
            reverse_tax_definition_id=None,
            tax_definition_id=None if s.amount == 0 or s.application == "CREDIT" else "1",
            type=s.type,
        )
        for s in catalog.by_id.values()
    ]  # fmt: skip


def _details(world: World, catalog: ServiceCatalog) -> list[dict[str, Any]]:
    return [
        shaped(
            "data_service_details", world, Salt.DETAIL, i, billing_frequency=p.months,
            download_speed_kilobits_per_second=p.download_kbps, service_id=str(p.id),
            technology_code=p.technology, telrad_global_service_profile_name=None,
            upload_speed_kilobits_per_second=p.upload_kbps,
            usage_based_billing_policy_id=None,
        )
        for i, p in enumerate([*catalog.plans, *catalog.long_plans], start=1)
    ]  # fmt: skip


def _recurring_details(world: World, catalog: ServiceCatalog) -> list[dict[str, Any]]:
    """How often each recurring service bills, in months."""
    return [
        shaped("recurring_service_details", world, Salt.RECURRING_DETAIL, i,
               billing_frequency=s.months, service_id=str(s.id))
        for i, s in enumerate(catalog.recurring_details, start=1)
    ]  # fmt: skip


# (name, application, rate, type): the taxes an ISP in one US state charges
_TAXES = (("State sales tax", "PERCENTAGE", 6.25, "GLOBAL"),
          ("City telecom tax", "PERCENTAGE", 2.0, "GEOGRAPHICAL"))  # fmt: skip


def _taxes(world: World) -> list[dict[str, Any]]:
    return [
        shaped("taxes", world, Salt.TAX, i, application=application, name=name, rate=rate,
               type=kind)
        for i, (name, application, rate, kind) in enumerate(_TAXES, start=1)
    ]  # fmt: skip


# Internet access is untaxed (as in the US); equipment, lines and add-ons carry the state
# tax, voice and TV lines the city telecom tax too. Credits are untaxed.
_TELECOM = ("VoIP line", "Second VoIP line", "Fax line", "Streaming TV")


def _service_taxes(world: World, catalog: ServiceCatalog) -> list[dict[str, Any]]:
    links = []
    for service in [*catalog.recurring, *catalog.long_recurring]:
        links.append((service.id, 1))
        if service.name in _TELECOM:
            links.append((service.id, 2))
    return [
        shaped("service_taxes", world, Salt.SERVICE_TAX, i, exemption_amount=0,
               service_id=str(service_id), tax_id=str(tax_id))
        for i, (service_id, tax_id) in enumerate(links, start=1)
    ]  # fmt: skip


def reference_tables(world: World) -> dict[str, Table]:
    """The fixed tables; records facts (catalog, users, groups) for later generators."""
    catalog = build_catalog()
    world.facts["catalog"] = catalog
    users = [_user(world, i) for i in range(1, 31)]
    world.facts["staff"] = tuple(int(u["id"]) for u in users if u["enabled"] and u["id"] != "30")
    # users who left (disabled): their old replies and comments stay theirs
    world.facts["departed"] = tuple(int(u["id"]) for u in users if not u["enabled"])
    groups = [
        shaped("ticket_groups", world, Salt.GROUP, i, enabled=i != 10, name=name,
                private=name in ("Abuse", "Collections"))
        for i, name in enumerate(_GROUPS, start=1)
    ]  # fmt: skip
    world.facts["groups"] = tuple(range(1, 10))
    fields = [
        shaped("custom_fields", world, Salt.CUSTOM_FIELD, i, entity_type="Account",
                enum_options=options, name=name, required=False, type=kind, unique=unique)
        for i, (name, kind, options, unique) in enumerate(_CUSTOM_FIELDS, start=1)
    ]  # fmt: skip
    built = {
        "companies": _company(world),
        "account_statuses": _statuses(world),
        "account_types": _types(world),
        "users": users,
        "ticket_groups": groups,
        "services": _services(world, catalog),
        "data_service_details": _details(world, catalog),
        "recurring_service_details": _recurring_details(world, catalog),
        "taxes": _taxes(world),
        "service_taxes": _service_taxes(world, catalog),
        "custom_fields": fields,
    }
    return {query: reference_table(query, records) for query, records in built.items()}
