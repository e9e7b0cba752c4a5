"""What the customers-online list does beyond the generic rules.

- A record carries, beside its columns, what the live OPTIONS answer lists
  (reference ``splynx_options.json``): the session's internet service as
  ``services_internet_*`` (router, sector, login, IPs, MAC, price, dates,
  description), and the list's own columns ``kill``, ``fup``, ``signal``
  (ASSUMPTION: empty, the simulator has no NAS to ask).
- ``PUT admin/customers/customers-online/{id}--kill`` "Disconnect[s] online
  customer and remove[s] customer from online list" (blueprint L2185-L2200):
  ``{id}`` is the customer, the body's ``service_id`` (if any) the service whose
  sessions end; answered 202. ASSUMPTION: a customer with no session online
  answers 404, as a missing record does.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.splynx.errors import SplynxError
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import Behaviour, Context
from migrator.sim.splynx.store import Row
from migrator.sim.splynx.tables import catalog

__all__ = ["OnlineBehaviour"]

SERVICE_FIELDS = (
    "router_id",
    "sector_id",
    "login",
    "ipv4",
    "ipv4_route",
    "mac",
    "unit_price",
    "start_date",
    "end_date",
    "description",
)
LIST_COLUMNS = ("kill", "fup", "signal")


class OnlineBehaviour(Behaviour):
    output_keys = (*LIST_COLUMNS, *(f"services_internet_{name}" for name in SERVICE_FIELDS))

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        services = await self._services(ctx, {row["service_id"] for row in rows})
        columns = catalog()["services_internet"].by_name
        for row, record in zip(rows, records, strict=True):
            service = services.get(row["service_id"])
            for name in LIST_COLUMNS:
                record[name] = ""
            for name in SERVICE_FIELDS:
                value = None if service is None else columns[name].render(service[name])
                record[f"services_internet_{name}"] = value

    async def _services(self, ctx: Context, ids: set[Any]) -> dict[Any, Row]:
        wanted = tuple(str(i) for i in ids if i)
        if not wanted:
            return {}
        rows = await ctx.session.select(
            "services_internet", Query((Condition("id", "IN", wanted),))
        )
        return {row["id"]: row for row in rows}

    async def act(self, ctx: Context, item: int, action: str, body: dict[str, Any]) -> None:
        conditions = [Condition("customer_id", "=", (str(item),))]
        service = body.get("service_id")
        if service not in (None, "", 0, "0"):
            conditions.append(Condition("service_id", "=", (str(service),)))
        online = await ctx.session.select("customers_online", Query(tuple(conditions)))
        if not online:
            raise SplynxError(404, "Online customer not found.", "NOT_FOUND")
        for row in online:
            await ctx.session.delete_where("customers_online", "id", row["id"])
