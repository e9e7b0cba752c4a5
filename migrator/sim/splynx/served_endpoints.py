"""Every endpoint the simulator serves, described as data (see ``resources.py``).

Customers, services, tariffs and administration are here; finance and support
in ``finance_support_endpoints.py``; sessions online, statistics, payment
statements and refill cards in ``dashboard_endpoints.py``; IP networks and
their IPs in ``networking_endpoints.py``; ``resources()`` lists them all.

Paths, field names and enum members are the blueprint's; tables and column
sizes are the real ones where dumped (``tables.py``). Choices not settled by
the reference are marked ASSUMPTION where they are made.
"""

from __future__ import annotations

from functools import cache

from migrator.sim.splynx.behaviours_billing import CustomerBillingBehaviour
from migrator.sim.splynx.behaviours_customers import (
    CustomerBehaviour,
    InternetServiceBehaviour,
    ServiceBehaviour,
    TouchBehaviour,
)
from migrator.sim.splynx.behaviours_finance import TariffBehaviour, VoiceTariffBehaviour
from migrator.sim.splynx.behaviours_support import AdminBehaviour
from migrator.sim.splynx.columns import Column
from migrator.sim.splynx.context_defaults import added_by, key_id, now, today
from migrator.sim.splynx.dashboard_endpoints import dashboard_resources
from migrator.sim.splynx.finance_support_endpoints import finance_resources, support_resources
from migrator.sim.splynx.networking_endpoints import SERVICE_TITLES, networking_resources
from migrator.sim.splynx.resources import ArrayField, Reference, Resource, Shape
from migrator.sim.splynx.tables_inferred import TARIFF_LINKS, link_table_name

__all__ = ["LABELS", "resources"]

LABELS = ArrayField(Column("id", "int unsigned"), always_empty=True)


def _customers() -> list[Resource]:
    """The customer itself."""
    return [
        Resource(
            "admin/customers/customer",
            "customers",
            "Customer",
            options_key="admin/customers/customer",
            af_module="customers",
            # Laxer rule: OPTIONS requires name; the blueprint (L2524) also partner_id,
            # location_id and category, which a create without them leaves 0 / the default.
            required=("name",),
            readonly=frozenset(
                {"id", "added_by", "added_by_id", "last_online", "last_update", "mrr_total"}
            ),
            hidden=frozenset({"password", "deleted"}),
            references={
                "partner_id": Reference("partners", zero_ok=False),
                "location_id": Reference("locations", zero_ok=False),
                "parent_id": Reference("customers"),
            },
            unique=("login",),
            emails=frozenset({"email", "billing_email"}),
            gps=frozenset({"gps"}),
            defaults={
                "added_by": added_by,
                "added_by_id": key_id,
                "date_add": today,
                "last_update": now,
                "subdivision_id": 0,
            },
            arrays={"customer_labels": LABELS},
            behaviour=CustomerBehaviour(),
        ),
    ]


def _customer_parts() -> list[Resource]:
    """A customer's info, billing and comments."""
    customer = Reference("customers", zero_ok=False)
    return [
        Resource(
            "admin/customers/customer-info",
            "customer_info",
            "Customer info",
            shape=Shape.CUSTOMER_KEYED,
            verbs=frozenset({"GET", "PUT"}),
            readonly=frozenset({"customer_id", "updated_at"}),
            rename={"customer_id": "id"},
            behaviour=TouchBehaviour(),
        ),
        Resource(
            "admin/customers/customer-billing",
            "customer_billing",
            "Customer billing",
            shape=Shape.CUSTOMER_KEYED,
            verbs=frozenset({"GET", "PUT"}),
            readonly=frozenset({"customer_id", "deposit"}),
            references={"payment_method": Reference("payments_types", zero_ok=False)},
            behaviour=CustomerBillingBehaviour(),
        ),
        Resource(
            "admin/customers/customer-notes",
            "customer_notes",
            "Customer comment",
            shape=Shape.NOTES,
            verbs=frozenset({"GET", "POST"}),
            required=("customer_id", "comment"),
            readonly=frozenset({"id", "updated_at", "is_edited"}),
            choices={"class": ("default", "primary", "success", "warning", "danger", "info")},
            references={
                "customer_id": customer,
                "administrator_id": Reference("admins"),
                "assigned_to": Reference("admins"),
            },
            defaults={"datetime": now, "class": "default", "updated_at": now},
        ),
    ]


def _services() -> list[Resource]:
    """A customer's internet and recurring services."""
    customer = Reference("customers", zero_ok=False)
    service_status = ("active", "stopped", "disabled", "hidden", "pending")
    taking = ("0", "1", "2")
    service_required = ("tariff_id", "status", "description", "quantity", "start_date", "end_date")
    return [
        Resource(
            "admin/customers/customer/internet-services",
            "services_internet",
            "Internet service",
            shape=Shape.CUSTOMER_CHILD,
            segment="internet-services",
            af_module="services_internet",
            required=(*service_required, "login", "taking_ipv4"),
            titles=SERVICE_TITLES,
            choices={"status": service_status, "taking_ipv4": taking, "taking_ipv6": taking},
            references={
                "customer_id": customer,
                "tariff_id": Reference("tariffs_internet", zero_ok=False),
                "parent_id": Reference("services_internet"),
                "router_id": Reference("routers"),
            },
            unique=("login",),
            accepts_numbers=frozenset({"unit"}),
            behaviour=InternetServiceBehaviour(),
        ),
        Resource(
            "admin/customers/customer/recurring-services",
            "services_custom",
            "Recurring service",
            shape=Shape.CUSTOMER_CHILD,
            segment="recurring-services",
            af_module="services_custom",
            required=service_required,
            choices={"status": service_status},
            references={
                "customer_id": customer,
                "tariff_id": Reference("tariffs_custom", zero_ok=False),
                "parent_id": Reference("services_custom"),
            },
            accepts_numbers=frozenset({"unit"}),
            behaviour=ServiceBehaviour("tariffs_custom", "custom", geo=False),
        ),
    ]


def _tariff_arrays(table: str) -> dict[str, ArrayField]:
    refs = {"partners_ids": "partners", "available_for_locations": "locations"}
    arrays = {
        attribute: ArrayField(
            Column("value", sql_type),
            link_table=link_table_name(table, attribute),
            owner_column="tariff_id",
            value_column=column,
            references=Reference(refs[attribute], zero_ok=False) if attribute in refs else None,
        )
        for attribute, (_, column, sql_type) in TARIFF_LINKS.items()
        if not (table == "tariffs_one_time" and attribute == "billing_types")
    }
    arrays["customer_labels"] = LABELS
    if table != "tariffs_one_time":
        ids = Column("value", "int unsigned")
        arrays["tariffs_for_change"] = ArrayField(
            ids, csv_column="tariffs_for_change", writable=False
        )
    return arrays


def _tariff_resources() -> list[Resource]:
    common = ("title", "partners_ids")
    readonly = frozenset({"id", "updated_at", "services", "tariffs_for_change"})
    internet_arrays = _tariff_arrays("tariffs_internet")
    internet_arrays["exclude_traffic_classes"] = ArrayField(
        Column("value", "int unsigned"), csv_column="exclude_traffic_classes"
    )
    return [
        Resource(
            "admin/tariffs/internet",
            "tariffs_internet",
            "Internet tariff",
            options_key="admin/tariffs/internet",
            af_module="tariffs_internet",
            # Laxer rule: OPTIONS also requires billing_types, available_for_locations and
            # customer_categories, the blueprint (L1290) with_vat, hide_on_admin_portal and
            # show_on_customer_portal; both require title, partners_ids and the speeds.
            required=("speed_download", "speed_upload", *common),
            readonly=readonly,
            choices={"custom_period": ("0", "1")},
            unique=("title",),
            arrays=internet_arrays,
            behaviour=TariffBehaviour("services_internet"),
        ),
        Resource(
            "admin/tariffs/recurring",
            "tariffs_custom",
            "Recurring tariff",
            af_module="tariffs_custom",
            # No live OPTIONS: the blueprint's ``Recurring tariff Base`` (L1381-L1401) requires
            # title, partners_ids, with_vat and hide_on_admin_portal, the last with "Default:
            # false", so (laxer reading) it may be left out and takes that default.
            required=(*common, "with_vat"),
            readonly=readonly,
            choices={"custom_period": ("0", "1")},
            unique=("title",),
            arrays=_tariff_arrays("tariffs_custom"),
            behaviour=TariffBehaviour("services_custom"),
        ),
        Resource(
            "admin/tariffs/one-time",
            "tariffs_one_time",
            "One-time tariff",
            options_key="admin/tariffs/one-time",
            af_module="tariffs_one_time",
            # Laxer rule: OPTIONS also requires available_for_locations and
            # customer_categories, the blueprint (L1452) hide_on_admin_portal ("Default: false").
            required=common,
            readonly=readonly,
            unique=("title",),
            arrays=_tariff_arrays("tariffs_one_time"),
            behaviour=TariffBehaviour(None),
        ),
        Resource(
            "admin/tariffs/voice",
            "tariffs_voice",
            "Voice tariff",
            options_key="admin/tariffs/voice",
            af_module="tariffs_voice",
            # Laxer rule: OPTIONS also requires type, billing_types, available_for_locations
            # and customer_categories, the blueprint (L1341) with_vat and type ("Default").
            required=common,
            readonly=readonly,
            unique=("title",),
            arrays=_tariff_arrays("tariffs_voice"),
            behaviour=VoiceTariffBehaviour(),
        ),
    ]


def _administration_resources() -> list[Resource]:
    return [
        Resource(
            "admin/administration/locations",
            "locations",
            "Location",
            options_key="admin/administration/locations",
            af_module="locations",
            required=("name",),
        ),
        Resource(
            "admin/administration/partners",
            "partners",
            "Partner",
            options_key="admin/administration/partners",
            af_module="partners",
            # OPTIONS requires name, the blueprint's ``Partner Base`` nothing; the live
            # observation settles it: POST {} was 422 (reference §2.3).
            required=("name",),
        ),
        Resource(
            "admin/administration/administrators",
            "admins",
            "Administrator",
            options_key="admin/administration/administrators",
            af_module="admins",
            # Laxer rule: the blueprint's request (L8420) also requires password, OPTIONS not.
            required=("login", "name", "email"),
            readonly=frozenset({"id", "last_ip", "last_dt", "updated_at", "otp_secret"}),
            hidden=frozenset(
                {"password", "otp_secret", "deleted", "photo_version", "default_photo"}
            ),
            references={
                "partner_id": Reference("partners"),
                "role_name": Reference("roles", column="name", zero_ok=False),
            },
            unique=("login",),
            emails=frozenset({"email"}),
            defaults={"role_name": "administrator"},
            behaviour=AdminBehaviour(),
        ),
    ]


@cache
def resources() -> tuple[Resource, ...]:
    """All endpoints, customers first (the order ``--help`` lists them in)."""
    return (
        *_customers(),
        *_customer_parts(),
        *_services(),
        *_tariff_resources(),
        *_administration_resources(),
        *finance_resources(),
        *support_resources(),
        *dashboard_resources(),
        *networking_resources(),
    )
