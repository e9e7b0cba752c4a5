"""What tariffs do beyond the generic rules.

``service_name`` defaults to the title (blueprint); ``services`` counts the live
services on the tariff; ``billing_days_count`` 1..365 (``billing_rules``).
Invoices are in ``behaviours_invoices``, payments and transactions in
``behaviours_payments``.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.splynx.additional import is_blank
from migrator.sim.splynx.billing_rules import period_problems
from migrator.sim.splynx.errors import ValidationFailed
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import Behaviour, Context, Payload
from migrator.sim.splynx.store import Row
from migrator.sim.splynx.tables import catalog

__all__ = ["TariffBehaviour", "VoiceTariffBehaviour"]


class TariffBehaviour(Behaviour):
    output_keys: tuple[str, ...] = ("services",)

    def __init__(self, service_table: str | None) -> None:
        self.service_table = service_table

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        values = payload.values
        problems = period_problems({**(current or {}), **values})
        if problems:
            raise ValidationFailed(problems)
        values["updated_at"] = ctx.now.strftime("%Y-%m-%d %H:%M:%S")
        if (
            current is None
            and is_blank(values.get("service_name"))
            and "service_name" in (catalog()[ctx.resource.table].by_name)
        ):
            values["service_name"] = values.get("title") or ""

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        for row, record in zip(rows, records, strict=True):
            count = 0
            if self.service_table is not None:
                on_tariff = Condition("tariff_id", "=", (str(row["id"]),))
                live = Condition("deleted", "=", ("0",))
                count = await ctx.session.count(self.service_table, Query((on_tariff, live)))
            record["services"] = count


class VoiceTariffBehaviour(TariffBehaviour):
    """A voice tariff: the live OPTIONS lists ``custom_period``, the dumped ``tariffs_voice``
    has no such column. ASSUMPTION: it is accepted, not kept, and answered as 0."""

    input_keys = frozenset({"custom_period"})
    output_keys = ("services", "custom_period")

    def __init__(self) -> None:
        super().__init__(None)  # the simulator serves no voice services: services is 0

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        await super().decorate(ctx, rows, records)
        for record in records:
            record["custom_period"] = 0
