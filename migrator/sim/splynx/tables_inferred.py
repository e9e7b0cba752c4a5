"""Layouts of Splynx tables the reference names but never dumped (assumptions, documented).

Column names are the blueprint's field names; types and sizes are our choice,
following the dumped siblings' conventions (ids ``int unsigned``, money
``decimal(19,4)``, flags ``enum('0','1')``, soft delete ``deleted``). Array
attributes of tariffs live in link tables named as Splynx names them
(``tariffs_internet_to_partners`` ...); additional-field values live in
``<module>_values`` tables with one row per (record, field).
"""

from __future__ import annotations

from collections.abc import Iterator

from migrator.sim.splynx.columns import CURRENT_TIMESTAMP, Column
from migrator.sim.splynx.table_layout import Table
from migrator.sim.splynx.tables_dashboard import dashboard_tables
from migrator.sim.splynx.tables_networking import networking_tables

__all__ = ["AF_MODULES", "TARIFF_LINKS", "af_table_name", "inferred_tables", "link_table_name"]

# Additional-field module -> column of its ``<module>_values`` table naming the owner record.
AF_MODULES: dict[str, str] = {
    "customers": "customer_id",
    "services_internet": "service_id",
    "services_custom": "service_id",
    "tariffs_internet": "tariff_id",
    "tariffs_custom": "tariff_id",
    "tariffs_one_time": "tariff_id",
    "tariffs_voice": "tariff_id",
    "invoices": "invoice_id",
    "payments": "payment_id",
    "billing_transactions": "transaction_id",
    "ticket": "ticket_id",
    "locations": "location_id",
    "partners": "partner_id",
    "admins": "admin_id",
    # the live instance has cards_refill_fields / cards_refill_values (405_error_investigation);
    # ASSUMPTION: the owner column is card_id
    "cards_refill": "card_id",
    # reference §2.6 lists ipv4_networks; the live OPTIONS of both network endpoints carry
    # "additional_attributes" (ASSUMPTION: the owner columns are named so)
    "ipv4_networks": "network_id",
    "ipv6_networks": "network_id",
}

# Tariff array attribute -> (link table suffix, value column, value column type).
TARIFF_LINKS: dict[str, tuple[str, str, str]] = {
    "partners_ids": ("to_partners", "partner_id", "int unsigned"),
    "available_for_locations": ("to_locations", "location_id", "int unsigned"),
    "billing_types": (
        "to_billing_types",
        "billing_type",
        "enum('recurring','prepaid','prepaid_monthly')",
    ),
    "customer_categories": (
        "to_customer_categories",
        "customer_category",
        "enum('person','company','lead')",
    ),
}

FLAG = "enum('0','1')"
MONEY = "decimal(19,4)"
ID = "int unsigned"


def C(name: str, sql_type: str, default: str | None = None, *, null: bool = False) -> Column:
    return Column(name, sql_type, null, default)


def _key(name: str = "id") -> Column:
    return Column(name, ID, False, None, True)


def af_table_name(module: str) -> str:
    return f"{module}_values"


def link_table_name(tariff_table: str, attribute: str) -> str:
    return f"{tariff_table}_{TARIFF_LINKS[attribute][0]}"


def inferred_tables(base: dict[str, Table]) -> Iterator[Table]:
    """Every table not dumped from the live instance; ``base`` holds the dumped templates."""
    yield from _services(base["services_voice"])
    yield base["requests_items"].derive(
        "invoices_items", rename={"request_id": "invoice_id"}, indexes=(("invoice_id",),)
    )
    yield from _tariffs(base["tariffs_voice"])
    yield from _administration()
    yield from _support()
    yield _customer_billing()
    yield from dashboard_tables()
    yield from networking_tables()
    for module, owner in AF_MODULES.items():
        yield Table(
            af_table_name(module),
            (_key(), C(owner, ID), C("name", "varchar(64)"), C("value", "text")),
            indexes=((owner,), ("value(100)",)),
        )


def _services(voice: Table) -> Iterator[Table]:
    voice_only = ("voice_device_id", "direction")
    network = (
        C("router_id", ID, "0"),
        C("sector_id", ID, "0"),
        C("login", "varchar(128)"),
        C("password", "varchar(128)", ""),
        C("taking_ipv4", "tinyint unsigned", "0"),
        C("ipv4", "varchar(15)", ""),
        C("ipv4_route", "varchar(255)", ""),
        C("ipv4_pool_id", ID, "0"),
        C("taking_ipv6", "tinyint unsigned", "0"),
        C("ipv6", "varchar(64)", ""),
        C("ipv6_delegated", "varchar(64)", ""),
        C("ipv6_pool_id", ID, "0"),
        C("mac", "varchar(255)", ""),
        C("port_id", ID, "0"),
        C("access_device", ID, "0"),
        C("top_up_tariff_id", ID, "0"),
    )
    keys = (("customer_id",), ("tariff_id",))
    yield voice.derive(
        "services_internet", drop=voice_only, add=network, indexes=(*keys, ("login",), ("ipv4",))
    )
    yield voice.derive("services_custom", drop=voice_only, indexes=keys)


def _tariffs(voice: Table) -> Iterator[Table]:
    voice_only = (
        "customer_rate_table_id",
        "buy_price_increase",
        "type",
        "connection_cost_included",
        "transaction_category_id_for_calls",
        "transaction_category_id_for_messages",
        "transaction_category_id_for_data",
    )
    plan = (C("custom_period", "tinyint unsigned", "0"),)
    numbers = tuple(
        C(name, ID, default)
        for name, default in (
            ("speed_download", None),
            ("speed_upload", None),
            ("speed_limit_at", "10"),
            ("speed_limit_fixed_down", "0"),
            ("speed_limit_fixed_up", "0"),
            ("aggregation", "1"),
            ("burst_limit", "0"),
            ("burst_limit_fixed_down", "0"),
            ("burst_limit_fixed_up", "0"),
            ("burst_threshold", "0"),
            ("burst_threshold_fixed_down", "0"),
            ("burst_threshold_fixed_up", "0"),
            ("burst_time", "0"),
        )
    )
    speeds = (
        *numbers,
        C("speed_limit_type", "enum('none','percent','fixed')", "none"),
        C("burst_type", "enum('none','percent','fixed')", "none"),
        C("priority", "enum('low','normal','high')", "normal"),
        C("exclude_traffic_classes", "varchar(512)", ""),
    )
    titled = (("title",),)
    yield voice.derive("tariffs_internet", drop=voice_only, add=plan + speeds, indexes=titled)
    yield voice.derive("tariffs_custom", drop=voice_only, add=plan, indexes=titled)
    yield Table(
        "tariffs_one_time",
        (
            _key(),
            C("title", "varchar(64)"),
            C("service_description", "varchar(64)", ""),
            C("price", MONEY, "0.0000"),
            C("with_vat", FLAG, "1"),
            C("vat_percent", "decimal(6,4)", "0.0000"),
            C("enabled", FLAG, "1"),
            C("show_on_customer_portal", FLAG, "0"),
            C("hide_on_admin_portal", FLAG, "0"),
            C("tax_id", ID, "0"),
            C("transaction_category_id", ID, "0"),
            C("deleted", FLAG, "0"),
            C("updated_at", "datetime", CURRENT_TIMESTAMP, null=True),
        ),
        indexes=titled,
    )
    for tariff in ("tariffs_internet", "tariffs_custom", "tariffs_one_time", "tariffs_voice"):
        for attribute, (_, column, sql_type) in TARIFF_LINKS.items():
            if tariff == "tariffs_one_time" and attribute == "billing_types":
                continue
            yield Table(
                link_table_name(tariff, attribute),
                (C("tariff_id", ID), C(column, sql_type)),
                primary_key=("tariff_id", column),
            )


def _administration() -> Iterator[Table]:
    taxes = tuple(
        C(f"tax_for_{what}", ID, "0")
        for what in (
            "tariff_bundle",
            "tariff_internet",
            "tariff_voice",
            "tariff_recurring",
            "tariff_onetime",
            "inventory_items",
        )
    )
    deleted = C("deleted", FLAG, "0")
    yield Table("locations", (_key(), C("name", "varchar(64)"), *taxes, deleted))
    yield Table("partners", (_key(), C("name", "varchar(64)"), deleted))
    labels = tuple(C(f"name_{n}", "varchar(64)", "") for n in range(1, 6))
    mapped = (
        C("accounting_bank_accounts_id", ID, null=True),
        C("einvoicing_payment_methods_id", ID, null=True),
    )
    active = C("is_active", FLAG, "1")
    yield Table(
        "payments_types", (_key(), C("name", "varchar(64)"), active, *labels, *mapped, deleted)
    )


def _support() -> Iterator[Table]:
    yield Table(
        "ticket_statuses",
        (
            _key(),
            C("title_for_agent", "varchar(64)"),
            C("title_for_customer", "varchar(64)"),
            C("label", "varchar(32)", "default"),
            C("mark", "varchar(64)", ""),
            C("icon", "varchar(64)", ""),
            C("view_on_dashboard", FLAG, "1"),
        ),
    )
    yield Table(
        "ticket_groups", (_key(), C("title", "varchar(64)"), C("description", "varchar(256)", ""))
    )
    yield Table(
        "ticket_agent_to_group",
        (C("group_id", ID), C("admin_id", ID)),
        primary_key=("group_id", "admin_id"),
    )
    sources = "enum('administration','api','portal','public_form','incoming')"
    yield Table(
        "ticket_messages",
        (
            _key(),
            C("ticket_id", ID),
            C("customer_id", ID, "0"),
            C("incoming_customer_id", ID, "0"),
            C("admin_id", ID, "0"),
            C("api_id", ID, "0"),
            C("source", sources, "api"),
            C("date", "date"),
            C("time", "time"),
            C("message", "mediumtext"),
            C("message_type", "enum('message','note','change_ticket')", "message"),
            C("mail_to", "varchar(256)", ""),
            C("mail_cc", "varchar(256)", ""),
            C("mail_bcc", "varchar(256)", ""),
            C("hide_for_customer", FLAG, "0"),
            C("author_type", "enum('admin','customer','api','system')", "api"),
            C("is_merged", FLAG, "0"),
            C("deleted", FLAG, "0"),
            C("updated_at", "datetime", CURRENT_TIMESTAMP, null=True),
        ),
        indexes=(("ticket_id",),),
    )


def _customer_billing() -> Table:
    small = "tinyint unsigned"
    return Table(
        "customer_billing",
        (
            C("customer_id", ID),
            C("enabled", FLAG, "1"),
            C("type", small, "1"),
            C("deposit", MONEY, "0.0000"),
            C("billing_date", small, "1"),
            C("billing_due", small, "1"),
            C("blocking_period", small, "0"),
            C("grace_period", small, "3"),
            C("make_invoices", FLAG, "1"),
            C("payment_method", ID, "1"),
            C("min_balance", MONEY, "0.0000"),
            C("request_auto_enable", FLAG, "0"),
            C("request_auto_day", small, "1"),
            C("request_auto_period", small, "0"),
            C("request_auto_type", small, "1"),
            C("request_auto_next", "date", "0000-00-00"),
            C("reminder_enable", FLAG, "0"),
            C("reminder_day_1", small, "2"),
            C("reminder_day_2", small, "8"),
            C("reminder_day_3", small, "20"),
            C("reminder_payment", FLAG, "0"),
            C("reminder_payment_value", MONEY, "0.0000"),
            C("reminder_payment_comment", "varchar(256)", ""),
            C("reminder_type", small, "0"),
            C("billing_person", "varchar(256)", ""),
            C("billing_street_1", "varchar(256)", ""),
            C("billing_zip_code", "varchar(32)", ""),
            C("billing_city", "varchar(64)", ""),
            C("sub_billing_mode", "enum('independent','aggregated')", "independent"),
            C("send_finance_notification", FLAG, "1"),
            C("partner_percent", MONEY, "0.0000"),
        ),
        primary_key=("customer_id",),
    )
