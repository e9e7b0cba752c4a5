"""The entity map (DESIGN.md §4): every entity the migration knows, parents first.

One row per entity says where its records come from in Sonar, which entities
must be in Splynx before it, which Splynx endpoints it writes, and how many
requests that costs. It is the one source of both sides that must agree: the
pipeline runs the entities in this order and wires each one's source and sink
from its row (``migrator.pipeline.wiring``); the pre-flight derives from the
same rows the endpoints it probes, the Sonar reads it counts and the writes it
estimates (``migrator.preflight.plan``). Plain data, importing nothing of ours,
so both can use it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ENTITIES", "ENTITY_ORDER", "LOOKUPS", "MappedEntity", "Writes", "mapped"]

# Sonar's small reference tables, read once before the entities run (the transforms
# look them up by id), in the order they are read.
LOOKUPS: tuple[str, ...] = (
    "companies",
    "account_statuses",
    "account_types",
    "custom_fields",
    "services",
    "data_service_details",
    "recurring_service_details",
    "taxes",
    "service_taxes",
    "tax_exemptions",
    "subnets",
    "supernets",
    "ip_pools",
    "ticket_groups",  # their names, matched to Splynx's ticket groups
    # every RADIUS account, kept only as the usernames several accounts share (a clash)
    "radius_accounts",
)


@dataclass(frozen=True)
class Writes:
    """Each record of ``query`` (or ``fixed`` records) costs ``per_record`` Splynx requests.

    Entities with equal ``Writes`` split those records between them (each
    Sonar service becomes an internet or a recurring tariff): one write per
    record in all, counted once.
    """

    label: str
    query: str | None = None
    per_record: int = 1
    fixed: int = 0


@dataclass(frozen=True)
class MappedEntity:
    """One entity: Sonar query → Splynx endpoint, and what it needs and costs.

    ``query`` is the Sonar list query its records are read from (None: they
    come from the profile), ``nested`` whether those are accounts read with
    their relations; ``endpoint`` is where its records are created and
    ``then`` the endpoints written after a record exists (a customer's info).
    """

    name: str
    query: str | None
    endpoint: str
    writes: Writes
    depends_on: tuple[str, ...] = ()
    then: tuple[str, ...] = ()
    nested: bool = False

    @property
    def endpoints(self) -> tuple[str, ...]:
        """Every Splynx endpoint the entity writes (names of ``migrator.splynx.endpoints``)."""
        return (self.endpoint, *self.then)


_TARIFFS = Writes("tariffs", "services")  # internet or recurring, by service type
_NETWORKS = Writes("networks", "subnets")  # IPv4 or IPv6, of the subnets holding customer IPs
_SERVICES = Writes("services", "account_services")  # internet or recurring

ENTITIES: tuple[MappedEntity, ...] = (
    MappedEntity("partners", "companies", "partners", Writes("partners", "companies")),
    # the profile's default location
    MappedEntity("locations", None, "locations", Writes("locations", fixed=1)),
    MappedEntity(
        "internet_tariffs",
        "services",
        "internet_tariffs",
        _TARIFFS,
        depends_on=("partners", "locations"),
    ),
    MappedEntity(
        "recurring_tariffs",
        "services",
        "recurring_tariffs",
        _TARIFFS,
        depends_on=("partners", "locations"),
    ),
    MappedEntity("ipv4_networks", "subnets", "ipv4_networks", _NETWORKS, depends_on=("locations",)),
    MappedEntity("ipv6_networks", "subnets", "ipv6_networks", _NETWORKS, depends_on=("locations",)),
    MappedEntity(
        "customers",
        "accounts",
        "customers",
        # POST, then a PUT each for its info and billing rows
        Writes("customers + info + billing", "accounts", per_record=3),
        depends_on=("partners", "locations"),
        then=("customer_info", "customer_billing"),
        nested=True,
    ),
    MappedEntity(
        "internet_services",
        "accounts",
        "internet_services",
        _SERVICES,
        # then the static IPv4 is marked used by the customer in its network's IPs
        depends_on=("customers", "internet_tariffs", "ipv4_networks", "ipv6_networks"),
        then=("ipv4_ips",),
        nested=True,
    ),
    MappedEntity(
        "recurring_services",
        "accounts",
        "recurring_services",
        _SERVICES,
        depends_on=("customers", "recurring_tariffs"),
        nested=True,
    ),
    # those on accounts
    MappedEntity(
        "customer_notes",
        "notes",
        "customer_notes",
        Writes("comments", "notes"),
        depends_on=("customers",),
    ),
    # Sonar users, matched to existing administrators by login, then e-mail
    MappedEntity(
        "administrators",
        "users",
        "administrators",
        Writes("administrators", "users"),
    ),
    # each with its first message (the Sonar description) nested in the create
    MappedEntity(
        "tickets",
        "tickets",
        "tickets",
        Writes("tickets", "tickets"),
        depends_on=("customers", "administrators"),
    ),
    # replies and internal comments, read nested under their tickets
    MappedEntity(
        "ticket_messages",
        "tickets",
        "ticket_messages",
        Writes("ticket messages", "ticket_replies"),
        depends_on=("tickets", "administrators", "customers"),
    ),
    # Money: each reads accounts with their whole ledger and takes its share
    # (migrator.transform.finance_records); the profile's [finance] mode picks which run.
    MappedEntity(
        "invoices",
        "accounts",
        "invoices",
        Writes("invoices", "invoices"),
        depends_on=("customers",),
        nested=True,
    ),
    MappedEntity(
        "payments",
        "accounts",
        "payments",
        Writes("payments", "payments"),
        depends_on=("customers", "invoices"),
        nested=True,
    ),
    # debits on no invoice, and discounts (their credits on invoices)
    MappedEntity(
        "transactions",
        "accounts",
        "transactions",
        Writes("transactions", "debits"),
        depends_on=("customers",),
        nested=True,
    ),
    # "balance" mode: one per customer whose open invoices do not say what it owes
    MappedEntity(
        "opening_balances",
        "accounts",
        "transactions",
        Writes("opening balances", "accounts"),
        depends_on=("customers",),
        nested=True,
    ),
)

ENTITY_ORDER: tuple[str, ...] = tuple(entity.name for entity in ENTITIES)
_BY_NAME = {entity.name: entity for entity in ENTITIES}


def mapped(name: str) -> MappedEntity:
    """The row of entity ``name`` (a ``KeyError`` for a name not in the map)."""
    return _BY_NAME[name]
