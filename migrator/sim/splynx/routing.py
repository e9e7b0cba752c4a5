"""Which endpoint a path under ``/api/2.0/`` names, with the ids it carries.

Splynx's URL shapes (blueprint): ``admin/finance/invoices`` and
``admin/finance/invoices/7``; a customer's services
``admin/customers/customer/5/internet-services`` and ``...--12``
(``customer/0/...`` searches across customers); comments
``admin/customers/customer-notes`` and ``.../5--3`` (customer id, comment id);
a network's IPs ``admin/networking/ipv4-ip`` (search), ``.../ipv4-ip/1`` (network
1's) and ``.../ipv4-ip/1--7`` (network id, IP id); an action on a record
``admin/customers/customers-online/5--kill``.

Some modules answer 405 ``METHOD_DISABLED`` to every verb, OPTIONS and HEAD
included, as the live instance's did (reference §2.1): ``DISABLED_MODULES``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from migrator.sim.splynx.resources import Resource, Shape

__all__ = ["DISABLED_MODULES", "Route", "Router"]

_CHILD = re.compile(r"^admin/customers/customer/(\d+)/([a-z-]+?)(?:--(\d+))?$")
_NOTE = re.compile(r"^(admin/customers/customer-notes)(?:/(\d+)--(\d+))?$")
_ACTION = re.compile(r"^(\d+)--([a-z]+)$")
_OWNED = re.compile(r"^(\d+)(?:--(\d+))?$")
DISABLED_MODULES = (
    "admin/networking/cpe",
    "admin/networking/cpe-ap",
    "admin/networking/cpe-qos",
    "admin/fup/cap-tariff",
    "admin/fup/capped-data",
)


@dataclass(frozen=True)
class Route:
    resource: Resource
    item: int | None = None  # the record's id (customer id for customer-keyed endpoints)
    parent: int | None = None  # the customer (network) id in a service's, comment's (IP's) URL
    action: str | None = None  # PUT path/{id}--{action}

    @property
    def collection(self) -> bool:
        return self.item is None


class Router:
    def __init__(self, resources: Iterable[Resource]) -> None:
        self._plain: dict[str, Resource] = {}
        self._children: dict[str, Resource] = {}
        self._notes: dict[str, Resource] = {}
        self._owned: dict[str, Resource] = {}
        for resource in resources:
            if resource.shape is Shape.CUSTOMER_CHILD:
                self._children[resource.segment] = resource
            elif resource.shape is Shape.NOTES:
                self._notes[resource.name] = resource
            elif resource.shape is Shape.NETWORK_CHILD:
                self._owned[resource.name] = resource
            else:
                self._plain[resource.name] = resource

    def resolve(self, path: str) -> Route | None:
        """The route for a path relative to ``/api/2.0/``, or None (answered 404)."""
        path = path.strip("/")
        child = _CHILD.match(path)
        if child is not None:
            resource = self._children.get(child.group(2))
            if resource is None:
                return None
            item = int(child.group(3)) if child.group(3) else None
            return Route(resource, item=item, parent=int(child.group(1)))
        note = _NOTE.match(path)
        if note is not None and note.group(1) in self._notes:
            resource = self._notes[note.group(1)]
            if note.group(2) is None:
                return Route(resource)
            return Route(resource, item=int(note.group(3)), parent=int(note.group(2)))
        if path in self._plain:
            return Route(self._plain[path])
        if path in self._owned:
            return Route(self._owned[path])
        head, _, tail = path.rpartition("/")
        owned = _OWNED.match(tail)
        if head in self._owned and owned is not None:
            item = int(owned.group(2)) if owned.group(2) else None
            return Route(self._owned[head], item=item, parent=int(owned.group(1)))
        if head in self._plain and tail.isdigit():
            return Route(self._plain[head], item=int(tail))
        action = _ACTION.match(tail)
        if head in self._plain and action and action.group(2) in self._plain[head].actions:
            return Route(self._plain[head], item=int(action.group(1)), action=action.group(2))
        return None

    @staticmethod
    def disabled(path: str) -> bool:
        """Whether the path is in a module the live instance had switched off."""
        return any(path == m or path.startswith(m + "/") for m in DISABLED_MODULES)
