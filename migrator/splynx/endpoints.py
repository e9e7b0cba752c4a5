"""The registry of Splynx endpoints the migration uses.

Each ``Endpoint`` knows its paths (Splynx has three item-URL styles:
``customer/{id}``, ``customer/{cid}/internet-services--{id}`` and
``customer-notes/{cid}--{id}``; a network's IPs follow the second,
``ipv4-ip/{network_id}--{id}``), its verbs, its payload model, its idempotency
marker, its MySQL table and the API-key permission a user must grant. The
pre-flight check iterates ``ENDPOINTS``; the client looks endpoints up by name.

Permission names: Splynx's API-key permission screen groups rights by module and
entity with one right per action; the blueprint does not spell them out, so we
name them "<blueprint group> / <entity>: <action>" (a documented choice), which
is how an operator finds them in Administration / API keys / Permissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter
from typing import Any, Literal

from pydantic import ValidationError

from migrator.errors import ConfigError, FieldError, Rejected
from migrator.splynx import payloads as p
from migrator.splynx.query import Scalar, Search

__all__ = ["ACTIONS", "ENDPOINTS", "Endpoint", "Marker", "build_payload", "endpoint"]

Verb = Literal["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]
ACTIONS: Mapping[str, str] = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "update",
    "DELETE": "delete",
}


@dataclass(frozen=True)
class Marker:
    """Where a record carries its Sonar origin: a main attribute or an additional one."""

    field: str
    additional: bool = False

    def value_of(self, body: Mapping[str, object]) -> Scalar | None:
        """The marker value inside a request body (or a record Splynx returned)."""
        source = body.get("additional_attributes") if self.additional else body
        if not isinstance(source, Mapping):
            return None
        value = source.get(self.field)
        return value if isinstance(value, str | int | float) and value != "" else None

    def search(self, value: Scalar) -> Search:
        """Equality search on the marker, oldest first, two at most (to spot duplicates)."""
        criteria = {self.field: value}
        if self.additional:
            return Search(additional=criteria, order={"id": "ASC"}, limit=2)
        return Search(main=criteria, order={"id": "ASC"}, limit=2)

    def __str__(self) -> str:
        return f"additional_attributes[{self.field}]" if self.additional else self.field


@dataclass(frozen=True)
class Endpoint:
    """One Splynx resource as the client and the pre-flight check see it."""

    name: str
    path: str  # collection, may hold "{customer_id}"
    verbs: frozenset[str]
    permission: str  # "<group> / <entity>"; the action comes from the verb
    payload: type[p.SplynxPayload] | None = None
    marker: Marker | None = None
    table: str | None = None
    item: str = "{path}/{id}"  # how an item URL is formed from the collection path
    search_path: str | None = None  # cross-parent search (services: customer/0/...)
    multipart: bool = False  # the blueprint documents multipart/form-data for POST

    def parents(self) -> tuple[str, ...]:
        """Path parameters of the collection besides the id, e.g. ``("customer_id",)``."""
        return _placeholders(self.path)

    def collection_path(self, **params: object) -> str:
        return self.path.format(**_ids(self.name, self.path, params))

    def item_path(self, id: int, **params: object) -> str:
        template = self.item.replace("{path}", self.path)
        return template.format(**_ids(self.name, template, {**params, "id": id}))

    def list_path(self) -> str:
        """Where to search across all parents (or the plain collection)."""
        return self.search_path or self.path

    def permission_for(self, verb: str) -> str:
        return f"{self.permission}: {ACTIONS.get(verb.upper(), verb.lower())}"


def _placeholders(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in Formatter().parse(template) if name)


def _ids(endpoint: str, template: str, params: Mapping[str, object]) -> dict[str, int]:
    """The integer ids a path template needs, or a clear error naming the missing ones."""
    names = _placeholders(template)
    missing = [name for name in names if params.get(name) is None]
    if missing:
        raise ConfigError(f"{endpoint}: the path needs {', '.join(missing)}")
    return {name: int(params[name]) for name in names}  # type: ignore[call-overload]


_ALL = frozenset({"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"})
_CHILD_ITEM = "{path}--{id}"
_READ = frozenset({"GET", "HEAD", "OPTIONS"})

ENDPOINTS: Mapping[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint("partners", "admin/administration/partners", _ALL,
                 "Administration / Partners", p.Partner, Marker("name"), "partners"),
        Endpoint("locations", "admin/administration/locations", _ALL,
                 "Administration / Locations", p.Location, Marker("name"), "locations"),
        Endpoint("administrators", "admin/administration/administrators", _ALL,
                 "Administration / Administrators", p.Administrator, Marker("login"), "admins"),
        Endpoint("internet_tariffs", "admin/tariffs/internet", _ALL,
                 "Tariffs / Internet", p.InternetTariff, Marker("title"), "tariffs_internet"),
        Endpoint("recurring_tariffs", "admin/tariffs/recurring", _ALL,
                 "Tariffs / Recurring", p.RecurringTariff, Marker("title"), "tariffs_custom"),
        Endpoint("customers", "admin/customers/customer", _ALL,
                 "Customers / Customers", p.Customer, Marker("sonar_id", additional=True),
                 "customers"),
        Endpoint("customer_info", "admin/customers/customer-info", frozenset({"GET", "PUT"}),
                 "Customers / Customer information", p.CustomerInfo, None, "customer_info"),
        Endpoint("customer_billing", "admin/customers/customer-billing", frozenset({"GET", "PUT"}),
                 "Customers / Customer billing", p.CustomerBilling, None, "customer_billing"),
        Endpoint("customer_notes", "admin/customers/customer-notes",
                 frozenset({"GET", "POST", "HEAD", "OPTIONS"}), "Customers / Customer comments",
                 p.CustomerNote, Marker("title"), "customer_notes",
                 item="{path}/{customer_id}--{id}"),
        Endpoint("internet_services", "admin/customers/customer/{customer_id}/internet-services",
                 _ALL, "Customers / Internet services", p.InternetService,
                 Marker("sonar_id", additional=True), "services_internet", item=_CHILD_ITEM,
                 search_path="admin/customers/customer/0/internet-services"),
        Endpoint("recurring_services",
                 "admin/customers/customer/{customer_id}/recurring-services", _ALL,
                 "Customers / Recurring services", p.RecurringService,
                 Marker("sonar_id", additional=True), "services_custom", item=_CHILD_ITEM,
                 search_path="admin/customers/customer/0/recurring-services"),
        Endpoint("invoices", "admin/finance/invoices", _ALL, "Finance / Invoices",
                 p.Invoice, Marker("number"), "invoices"),
        Endpoint("payments", "admin/finance/payments", _ALL, "Finance / Payments",
                 p.Payment, Marker("receipt_number"), "payments"),
        Endpoint("transactions", "admin/finance/transactions", _ALL, "Finance / Transactions",
                 p.Transaction, Marker("comment"), "billing_transactions"),
        Endpoint("ipv4_networks", "admin/networking/ipv4", _ALL, "Networking / IPv4 networks",
                 p.Ipv4Network, Marker("network"), "ipv4_networks"),
        Endpoint("ipv6_networks", "admin/networking/ipv6", _ALL, "Networking / IPv6 networks",
                 p.Ipv6Network, Marker("network"), "ipv6_networks"),
        # A network's IPs exist with the network: they are read and assigned (PUT), never
        # created or deleted one by one; searched across networks by main_attributes.
        Endpoint("ipv4_ips", "admin/networking/ipv4-ip/{network_id}",
                 frozenset({"GET", "PUT", "HEAD", "OPTIONS"}), "Networking / IPv4 network IPs",
                 p.Ipv4IpAssignment, None, "ipv4_networks_ip", item=_CHILD_ITEM,
                 search_path="admin/networking/ipv4-ip"),
        Endpoint("tickets", "admin/support/tickets", _ALL, "Support / Tickets", p.Ticket,
                 Marker("sonar_id", additional=True), "ticket", multipart=True),
        Endpoint("ticket_messages", "admin/support/ticket-messages", _ALL,
                 "Support / Ticket messages", p.TicketMessage, None, "ticket_messages",
                 multipart=True),
        # read-only: the blueprint has no POST for them (found by title, see [support])
        Endpoint("ticket_statuses", "admin/support/tickets-statuses", _READ,
                 "Support / Ticket statuses", table="ticket_statuses"),
        Endpoint("ticket_groups", "admin/support/tickets-groups", _READ,
                 "Support / Ticket groups", table="ticket_groups"),
        Endpoint("ticket_types", "admin/support/tickets-types", _READ, "Support / Ticket types",
                 table="ticket_types"),
    )
}  # fmt: skip


def endpoint(name_or_endpoint: str | Endpoint) -> Endpoint:
    """Look an endpoint up by name (``"customers"``); an ``Endpoint`` passes through."""
    if isinstance(name_or_endpoint, Endpoint):
        return name_or_endpoint
    try:
        return ENDPOINTS[name_or_endpoint]
    except KeyError:
        known = ", ".join(sorted(ENDPOINTS))
        raise ConfigError(f"unknown Splynx endpoint {name_or_endpoint!r}; known: {known}") from None


def build_payload(
    ref: str | Endpoint, data: p.SplynxPayload | Mapping[str, Any]
) -> p.SplynxPayload:
    """Validate ``data`` as the endpoint's payload; a bad field is a ``Rejected`` naming it."""
    target = endpoint(ref)
    model = target.payload
    if model is None:
        raise ConfigError(f"{target.name} takes no payload")
    if isinstance(data, p.SplynxPayload):
        if not isinstance(data, model):
            raise ConfigError(f"{target.name} takes {model.__name__}, not {type(data).__name__}")
        return data
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        errors = [
            FieldError(".".join(str(part) for part in e["loc"]) or "(record)", e["msg"])
            for e in exc.errors()
        ]
        raise Rejected(f"invalid {target.name} record", errors) from None
