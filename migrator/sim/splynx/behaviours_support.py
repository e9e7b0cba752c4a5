"""What tickets, ticket messages and administrators do beyond the generic rules.

- A ticket may be created with its first message nested under ``message``
  (blueprint ``Ticket Base Create``); ``watchers`` must name administrators;
  ``moduleLabels`` and ``lead_id`` must be empty (a fresh Splynx has no labels
  or leads). These create-only keys are ignored on update.
- A ticket message takes its customer from its ticket when not given, is a
  note when hidden from the customer, and touches the ticket's ``updated_at``
  (rules shared with the database path: ``migrator/splynx/support_rules``).
  File uploads are not simulated: a message with ``files`` is refused with a
  422 that says so.
- A ticket deleted takes its messages with it (each soft-deleted as the ticket
  is). ASSUMPTION: the blueprint says only ``DELETE /{id}`` → 204; Splynx shows
  no message of a deleted ticket anywhere, and a live message whose ticket is
  gone would be listed by ``GET ticket-messages`` with nowhere to open it.
- An administrator's password is stored hashed (``passwords.py``), never answered.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.splynx.clock import sql_datetime
from migrator.sim.splynx.columns import Invalid
from migrator.sim.splynx.errors import FieldProblem, ValidationFailed
from migrator.sim.splynx.passwords import hashed
from migrator.sim.splynx.query import Condition, Query, php_list
from migrator.sim.splynx.resources import Behaviour, Context, Payload, humanize
from migrator.sim.splynx.store import Row
from migrator.sim.splynx.tables import catalog
from migrator.splynx.support_rules import (
    NESTED_MESSAGE_KEYS,
    first_message,
    message_customer,
    message_type,
)

__all__ = ["AdminBehaviour", "TicketBehaviour", "TicketMessageBehaviour"]


class TicketBehaviour(Behaviour):
    input_keys = frozenset({"message", "watchers", "moduleLabels", "lead_id"})
    output_keys = ("reporter", "watching")

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        payload.values.setdefault("updated_at", sql_datetime(ctx.now))
        if current is not None:
            payload.extra.clear()
            return
        problems: list[FieldProblem] = []
        extra = payload.extra
        labels = php_list(extra.get("moduleLabels", []))
        if labels is None or labels:
            problems.append(FieldProblem("moduleLabels", "Module labels is invalid."))
        if str(extra.get("lead_id") or "0") != "0":
            problems.append(FieldProblem("lead_id", "Lead ID is invalid."))
        if not await self._admins_exist(ctx, extra.get("watchers", [])):
            problems.append(FieldProblem("watchers", "Watchers is invalid."))
        if "message" in extra:
            extra["message"] = _check_message(extra["message"], problems)
        if problems:
            raise ValidationFailed(problems)

    async def _admins_exist(self, ctx: Context, value: Any) -> bool:
        ids = php_list(value)
        if ids is None:
            return False
        for admin_id in ids:
            live = (Condition("id", "=", (str(admin_id),)), Condition("deleted", "=", ("0",)))
            if not await ctx.session.exists("admins", Query(live)):
                return False
        return True

    async def created(self, ctx: Context, key: int, payload: Payload) -> None:
        message = payload.extra.get("message")
        if not message:
            return
        customer = payload.values.get("customer_id")
        row = first_message(key, customer, ctx.api_key_id, sql_datetime(ctx.now), message)
        await ctx.session.insert("ticket_messages", row)

    async def deleting(self, ctx: Context, row: Row) -> None:
        ticket = Condition("ticket_id", "=", (str(row["id"]),))
        live = Condition("deleted", "=", ("0",))
        for message in await ctx.session.select("ticket_messages", Query((ticket, live))):
            await ctx.session.update("ticket_messages", message["id"], {"deleted": "1"})

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        for record in records:
            record["reporter"] = ""
            record["watching"] = "0"


def _check_message(raw: Any, problems: list[FieldProblem]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        problems.append(FieldProblem("message", "Message is invalid."))
        return {}
    columns = catalog()["ticket_messages"].by_name
    checked: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in NESTED_MESSAGE_KEYS:
            problems.append(FieldProblem("message", f'Message: unknown attribute "{key}".'))
            continue
        try:
            checked[key] = columns[key].check(value)
        except Invalid as error:
            text = str(error).replace("{label}", humanize(key))
            problems.append(FieldProblem("message", f"Message: {text}"))
    if not str(checked.get("message", "")).strip():
        problems.append(FieldProblem("message", "Message: Message cannot be blank."))
    return checked


class TicketMessageBehaviour(Behaviour):
    input_keys = frozenset({"files", "smsTo", "rawMessage"})
    output_keys = ("files", "can_be_deleted")

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        files = php_list(payload.extra.get("files", []))
        if files is None or files:
            message = "File uploads are not supported by the simulator."
            raise ValidationFailed([FieldProblem("files", message)])
        payload.values["updated_at"] = sql_datetime(ctx.now)
        if current is not None:
            return
        payload.values["message_type"] = message_type(payload.values)
        ticket_id = payload.values.get("ticket_id")
        if not payload.values.get("customer_id") and ticket_id:
            ticket = await ctx.session.fetch("ticket", ticket_id)
            if ticket is not None:
                customer = message_customer(None, ticket["customer_id"])
                payload.values["customer_id"] = customer

    async def created(self, ctx: Context, key: int, payload: Payload) -> None:
        ticket_id = payload.values["ticket_id"]
        await ctx.session.update("ticket", ticket_id, {"updated_at": sql_datetime(ctx.now)})

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        for record in records:
            record["files"] = []
            record["can_be_deleted"] = True


class AdminBehaviour(Behaviour):
    output_keys = ("filter_partner_id",)

    async def prepare(self, ctx: Context, payload: Payload, current: Row | None) -> None:
        password = payload.values.get("password")
        if password:
            payload.values["password"] = hashed(password)
        payload.values["updated_at"] = sql_datetime(ctx.now)

    async def decorate(self, ctx: Context, rows: list[Row], records: list[dict[str, Any]]) -> None:
        for record in records:
            record["filter_partner_id"] = None
