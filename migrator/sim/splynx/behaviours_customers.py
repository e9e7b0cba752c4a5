"""What customers and their services do beyond the generic rules.

- A new customer gets its sibling rows (``customer_info``, ``customer_billing``,
  ``customer_cap``), as the live instance showed (reference §2.7), and a
  generated portal login when none was sent (``000001``-style; a freed number
  is reused after a soft delete, as observed).
- A customer can be deleted in any status (blueprint L2127-L2137 answers 204
  unconditionally; the live instance deleted an ``active`` customer, reference
  §2.3/§4.1 [OBS]). Deleting only marks it deleted (``deleted = '1'``, reference
  §2.7): it is gone from lists and ``GET`` answers 404, its login is free again
  (the live server reused ``000001`` after soft deletes, §4.1) and its services
  stay as they were.
- A service belongs to the customer in its URL; without ``unit_price`` it costs
  its tariff's price (assumption: the Splynx form's behaviour). Discount values
  are checked by ``billing_rules`` (a negative unit price is accepted).
- An internet service's login, MACs and addresses are checked by
  ``service_access`` (IPs inside IPAM networks, locked IPs, pools).
"""

from __future__ import annotations

from typing import Any

from migrator.sim.splynx.additional import is_blank
from migrator.sim.splynx.billing_rules import discount_problems
from migrator.sim.splynx.clock import sql_datetime
from migrator.sim.splynx.errors import FieldProblem, ValidationFailed
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import Behaviour, Context, Payload
from migrator.sim.splynx.service_access import access_problems
from migrator.sim.splynx.store import Row

__all__ = ["CustomerBehaviour", "InternetServiceBehaviour", "ServiceBehaviour", "TouchBehaviour"]

_LIVE = Condition("deleted", "=", ("0",))


class CustomerBehaviour(Behaviour):
    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        if current is not None:
            payload.values["last_update"] = sql_datetime(ctx.now)
        elif is_blank(payload.values.get("login")):
            payload.values["login"] = await self._free_login(ctx)

    async def _free_login(self, ctx: Context) -> str:
        """The first free six-digit login counting up from (live customers + 1)."""
        number = await ctx.session.count("customers", Query((_LIVE,))) + 1
        while True:
            login = f"{number:06d}"
            await ctx.session.claim(f"customers.login={login}")  # as validation claims it
            taken = Query((Condition("login", "=", (login,)), _LIVE), limit=1)
            if not await ctx.session.exists("customers", taken):
                return login
            number += 1

    async def created(self, ctx: Context, key: int, payload: Payload) -> None:
        session = ctx.session
        await session.insert(
            "customer_info", {"customer_id": key, "updated_at": sql_datetime(ctx.now)}
        )
        await session.insert("customer_billing", {"customer_id": key})
        await session.insert("customer_cap", {"customer_id": key})


class TouchBehaviour(Behaviour):
    """Sets ``updated_at`` on every change (customer info, notes)."""

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        payload.values["updated_at"] = sql_datetime(ctx.now)


class ServiceBehaviour(Behaviour):
    """An internet (``type: internet``) or recurring (``type: custom``) service."""

    def __init__(self, tariff_table: str, type_name: str, geo: bool) -> None:
        self.tariff_table = tariff_table
        self.type_name = type_name
        self.output_keys = ("geo", "type") if geo else ("type",)

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        values = payload.values
        problems = discount_problems({**(current or {}), **values})
        if problems:
            raise ValidationFailed(problems)
        owner = ctx.parent_id if current is None else current["customer_id"]
        given = values.get("customer_id")
        if given is not None and given != owner:
            raise ValidationFailed([FieldProblem("customer_id", "Customer ID is invalid.")])
        values["customer_id"] = owner
        values["updated_at"] = sql_datetime(ctx.now)
        if current is None and values.get("unit_price") is None and values.get("tariff_id"):
            tariff = await ctx.session.fetch(self.tariff_table, values["tariff_id"])
            if tariff is not None:
                values["unit_price"] = tariff["price"]

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        for record in records:
            if "geo" in self.output_keys:
                record["geo"] = {"address": "", "marker": ""}
            record["type"] = self.type_name


class InternetServiceBehaviour(ServiceBehaviour):
    """An internet service: a service whose network access is checked too."""

    def __init__(self) -> None:
        super().__init__("tariffs_internet", "internet", geo=True)

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        await super().prepare(ctx, payload, current)
        problems = await access_problems(ctx, {**(current or {}), **payload.values}, current)
        if problems:
            raise ValidationFailed(problems)
