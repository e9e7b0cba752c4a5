"""The generic operations every endpoint answers, with Splynx's status codes.

``GET`` list 200 (a JSON array, ``[]`` when empty) / one 200; ``HEAD`` 204 with
``X-total-count``; ``OPTIONS`` 200; ``POST`` 201 ``{"id": N}``; ``PUT`` 202 (no
body); ``DELETE`` 204, a soft delete (``deleted = '1'``) where the table has
that column, after which the record is gone from lists and ``GET`` answers 404;
``PUT path/{id}--{action}`` 202.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from typing import Any

from aiohttp import web

from migrator.sim.splynx.additional import AdditionalField, AdditionalFields, ModuleFields
from migrator.sim.splynx.clock import SimClock, moment
from migrator.sim.splynx.errors import SplynxError, json_response, network_not_found, not_allowed
from migrator.sim.splynx.matching import check_condition
from migrator.sim.splynx.principals import Principal
from migrator.sim.splynx.query import Condition, Query, Search
from migrator.sim.splynx.records import Renderer
from migrator.sim.splynx.related import csv_text, write_additional, write_array
from migrator.sim.splynx.resources import Context, Payload, Resource, Shape
from migrator.sim.splynx.routing import Route
from migrator.sim.splynx.store import Row, Session, Store
from migrator.sim.splynx.table_layout import Table
from migrator.sim.splynx.tables import reference_data
from migrator.sim.splynx.validation import PayloadValidator

__all__ = ["Endpoint", "Operations", "build_endpoints"]

_LIVE = Condition("deleted", "=", ("0",))


@dataclass
class Endpoint:
    """A resource with everything needed to serve it."""

    resource: Resource
    table: Table
    validator: PayloadValidator
    renderer: Renderer
    additional: ModuleFields  # live: a field created through the API shows up at once

    @property
    def searchable(self) -> dict[str, AdditionalField]:
        return {name: spec for name, spec in self.additional.items() if spec.searchable}


def build_endpoints(
    resources: tuple[Resource, ...],
    tables: dict[str, Table],
    additional_fields: AdditionalFields,
    *,
    drop_unknown: bool = False,
) -> dict[str, Endpoint]:
    """Endpoints by resource name; titles come from the live OPTIONS answer where recorded."""
    options: dict[str, Any] = reference_data()["options"]  # type: ignore[assignment]
    endpoints = {}
    for resource in resources:
        table = tables[resource.table]
        live = options.get(resource.options_key or "")
        titles = {a["name"]: a["title"] for a in live["attributes"]} if live else {}
        titles = {**titles, **resource.titles}
        fields = additional_fields.of(resource.af_module)
        validator = PayloadValidator(
            resource, table, titles, fields, tables, drop_unknown=drop_unknown
        )
        renderer = Renderer(resource, table, titles, fields, live)
        endpoints[resource.name] = Endpoint(resource, table, validator, renderer, fields)
    return endpoints


def _not_found(resource: Resource) -> SplynxError:
    return SplynxError(404, f"{resource.label} not found.", "NOT_FOUND")


def _bad_search(message: str) -> SplynxError:
    return SplynxError(400, message, "BAD_REQUEST")


class Operations:
    """CRUD over the store for any endpoint."""

    def __init__(self, store: Store, clock: SimClock) -> None:
        self.store = store
        self.clock = clock

    def _context(
        self, session: Session, endpoint: Endpoint, route: Route, principal: Principal
    ) -> Context:
        return Context(
            session,
            moment(self.clock),
            principal.ident,
            endpoint.resource,
            added_by=principal.added_by,
            parent_id=route.parent,
            additional=tuple(endpoint.additional.values()),
        )

    # --- reading ---------------------------------------------------------------

    def query(self, endpoint: Endpoint, route: Route, search: Search) -> Query:
        """The store query for a search on this route; 400 for attributes it cannot search."""
        resource, table = endpoint.resource, endpoint.table
        column_of = {v: k for k, v in resource.rename.items()}
        conditions = []
        for condition in search.main:
            name = column_of.get(condition.field, condition.field)
            if name not in table.by_name or name in resource.hidden:
                raise _bad_search(f'Attribute "{condition.field}" cannot be searched.')
            readable = _readable(resource, replace(condition, field=name))
            conditions.append(check_condition(readable))
        additional = []
        for condition in search.additional:
            if resource.af_module is None or condition.field not in endpoint.searchable:
                raise _bad_search(f'Additional attribute "{condition.field}" cannot be searched.')
            additional.append((resource.af_module, check_condition(_readable(resource, condition))))
        for name, _ in search.order:
            if column_of.get(name, name) not in table.by_name or name in resource.hidden:
                raise _bad_search(f'Attribute "{name}" cannot be used in order.')
        order = tuple((column_of.get(n, n), desc) for n, desc in search.order)
        if table.soft_delete:
            conditions.append(_LIVE)
        if resource.item_list_by is not None and route.item is not None:
            conditions.append(Condition(resource.item_list_by, "=", (str(route.item),)))
        if resource.shape is Shape.NETWORK_CHILD and route.parent is not None:
            conditions.append(Condition(resource.parent_column, "=", (str(route.parent),)))
        if resource.shape is Shape.CUSTOMER_CHILD:
            if route.parent:
                conditions.append(Condition("customer_id", "=", (str(route.parent),)))
            elif not (search.main or search.additional):
                raise _bad_search("Set at least one search parameter of the service.")
        return Query(tuple(conditions), tuple(additional), order, search.limit, search.offset)

    async def _load(self, session: Session, endpoint: Endpoint, route: Route) -> Row:
        resource, table = endpoint.resource, endpoint.table
        row = await session.fetch(table.name, route.item)
        if row is None or (table.soft_delete and row["deleted"] == "1"):
            raise _not_found(resource)
        children = (Shape.CUSTOMER_CHILD, Shape.NOTES)
        if resource.shape in children and route.parent and row["customer_id"] != route.parent:
            raise _not_found(resource)
        if resource.shape is Shape.CUSTOMER_KEYED:
            customer = await session.fetch("customers", route.item)
            if customer is None or customer["deleted"] == "1":
                raise _not_found(resource)
        if resource.shape is Shape.NETWORK_CHILD and row[resource.parent_column] != route.parent:
            raise _not_found(resource)
        return row

    async def _check_parent(self, session: Session, resource: Resource, route: Route) -> None:
        """A network's IPs need the network: 400 without it, as observed live."""
        if resource.shape is not Shape.NETWORK_CHILD or route.parent is None:
            return
        parent = await session.fetch(resource.parent_table, route.parent)
        if parent is None or parent.get("deleted") == "1":
            raise network_not_found(route.parent)

    async def list(
        self, endpoint: Endpoint, route: Route, search: Search, principal: Principal
    ) -> web.Response:
        query = self.query(endpoint, route, search)
        async with self.store.session() as session:
            await self._check_parent(session, endpoint.resource, route)
            rows = await session.select(endpoint.table.name, query)
            ctx = self._context(session, endpoint, route, principal)
            return json_response(await endpoint.renderer.render(ctx, rows))

    async def count(
        self, endpoint: Endpoint, route: Route, search: Search, principal: Principal
    ) -> web.Response:
        async with self.store.session() as session:
            if route.item is None or endpoint.resource.item_list_by is not None:
                query = self.query(endpoint, route, search)
                await self._check_parent(session, endpoint.resource, route)
                total = await session.count(endpoint.table.name, query)
            else:  # HEAD on one record: 1 if it exists, else 404
                await self._load(session, endpoint, route)
                total = 1
        headers = {"Access-Control-Expose-Headers": "X-total-count", "X-total-count": str(total)}
        return web.Response(status=204, headers=headers)

    async def get(self, endpoint: Endpoint, route: Route, principal: Principal) -> web.Response:
        async with self.store.session() as session:
            row = await self._load(session, endpoint, route)
            ctx = self._context(session, endpoint, route, principal)
            records = await endpoint.renderer.render(ctx, [row])
        return json_response(records[0])

    def options(self, endpoint: Endpoint) -> web.Response:
        return json_response(endpoint.renderer.options())

    # --- writing ---------------------------------------------------------------

    async def create(
        self, endpoint: Endpoint, route: Route, body: dict[str, Any], principal: Principal
    ) -> web.Response:
        table, resource = endpoint.table, endpoint.resource
        if resource.shape is Shape.NETWORK_CHILD and route.parent is None:
            raise not_allowed(resource.path_verbs)  # a prefix is taken in a network's URL
        async with self.store.session(write=True) as session:
            ctx = self._context(session, endpoint, route, principal)
            payload = await endpoint.validator.check(ctx, body, None)
            _fold_csv(endpoint, payload)
            key = await session.insert(table.name, payload.values)
            assert key is not None
            await self._write_related(ctx, endpoint, key, payload, fresh=True)
            await resource.behaviour.created(ctx, key, payload)
        if resource.create_status != 201:
            return web.Response(status=resource.create_status)
        return json_response({"id": key}, status=201)

    async def update(
        self, endpoint: Endpoint, route: Route, body: dict[str, Any], principal: Principal
    ) -> web.Response:
        table = endpoint.table
        async with self.store.session(write=True) as session:
            await session.claim(f"{table.name}#{route.item}")
            row = await self._load(session, endpoint, route)
            ctx = self._context(session, endpoint, route, principal)
            payload = await endpoint.validator.check(ctx, body, row)
            _fold_csv(endpoint, payload)
            key = row[table.primary_key[0]]
            await session.update(table.name, key, payload.values)
            await self._write_related(ctx, endpoint, key, payload, fresh=False)
            await endpoint.resource.behaviour.updated(ctx, key, payload)
        return web.Response(status=202)

    async def delete(self, endpoint: Endpoint, route: Route, principal: Principal) -> web.Response:
        table = endpoint.table
        async with self.store.session(write=True) as session:
            await session.claim(f"{table.name}#{route.item}")
            row = await self._load(session, endpoint, route)
            ctx = self._context(session, endpoint, route, principal)
            await endpoint.resource.behaviour.deleting(ctx, row)
            key = row[table.primary_key[0]]
            if table.soft_delete:
                await session.update(table.name, key, {"deleted": "1"})
            else:
                await session.delete_where(table.name, table.primary_key[0], key)
        return web.Response(status=204)

    async def act(
        self, endpoint: Endpoint, route: Route, body: dict[str, Any], principal: Principal
    ) -> web.Response:
        assert route.item is not None and route.action is not None
        async with self.store.session(write=True) as session:
            ctx = self._context(session, endpoint, route, principal)
            await endpoint.resource.behaviour.act(ctx, route.item, route.action, body)
        return web.Response(status=202)

    async def _write_related(
        self, ctx: Context, endpoint: Endpoint, key: Any, payload: Payload, *, fresh: bool
    ) -> None:
        resource = endpoint.resource
        for name, values in payload.arrays.items():
            await write_array(ctx.session, resource.arrays[name], key, values)
        if payload.additional and resource.af_module is not None:
            module = resource.af_module
            await write_additional(ctx.session, module, key, payload.additional, fresh=fresh)


def _readable(resource: Resource, condition: Condition) -> Condition:
    """Operands as text: a packed address (PHP ``inet_pton``) as its dotted form where the
    endpoint searches by one (blueprint L248-L262), any other non-UTF-8 byte as U+FFFD."""
    read = _address if condition.field in resource.packed_ips else _text
    return replace(condition, operands=tuple(read(o) for o in condition.operands))


def _text(operand: str | None) -> str | None:
    if operand is None:
        return None
    return operand.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _address(operand: str | None) -> str | None:
    if operand is None:
        return None
    try:
        return str(ipaddress.ip_address(operand))
    except ValueError:
        packed = operand.encode("utf-8", "surrogateescape")
        if len(packed) in (4, 16):
            return str(ipaddress.ip_address(packed))
        return _text(operand)


def _fold_csv(endpoint: Endpoint, payload: Payload) -> None:
    """Arrays kept as comma-separated text travel inside the row."""
    for name, values in payload.arrays.items():
        column = endpoint.resource.arrays[name].csv_column
        if column is not None:
            payload.values[column] = csv_text(values)
