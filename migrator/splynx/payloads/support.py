"""Tickets and ticket messages (``admin/support/...``).

The blueprint documents both creates as ``multipart/form-data`` (so files can be
attached); ``ticket`` sizes come from splynx_tables.json, ``ticket_messages`` was
not dumped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from migrator.splynx.payloads.base import (
    AdditionalAttributes,
    Date,
    DateTime,
    Id,
    SplynxPayload,
    Str256,
)

__all__ = ["Ticket", "TicketMessage"]

MessageSource = Literal["administration", "api", "portal", "public_form", "incoming"]
AuthorType = Literal["admin", "customer", "api", "system"]


class TicketMessage(SplynxPayload):
    """``Ticket Message Base``: no field is marked required; a message needs a ticket and text."""

    ticket_id: Id | None = None  # None only when nested in a ticket create
    message: str = Field(min_length=1)
    customer_id: Id | None = None
    incoming_customer_id: Id | None = None
    admin_id: Id | None = None
    api_id: Id | None = None
    source: MessageSource | None = None
    date: Date | None = None
    time: str | None = Field(None, pattern=r"^\d{2}:\d{2}:\d{2}$")
    hide_for_customer: bool | None = None
    mail_to: str | None = None
    mail_cc: str | None = None
    mail_bcc: str | None = None
    author_type: AuthorType | None = None


class Ticket(SplynxPayload):
    """``Ticket Base Create``: subject, priority and type are required."""

    subject: Str256 = Field(min_length=1)
    priority: Literal["low", "medium", "high", "urgent"]
    type_id: Id
    customer_id: Id | None = None
    incoming_customer_id: Id | None = None
    reporter_id: Id | None = None
    reporter_type: Literal["admin", "customer", "api", "incoming", "none"] | None = None
    hidden: bool | None = None
    assign_to: Id | None = None
    status_id: Id | None = None
    group_id: Id | None = None
    task_id: Id | None = None
    star: bool | None = None
    unread_by_customer: bool | None = None
    unread_by_admin: bool | None = None
    closed: bool | None = None
    created_at: DateTime | None = None
    updated_at: DateTime | None = None
    source: Literal["administration", "api", "portal", "widget", "incoming"] | None = None
    trash: Literal[0, 1] | None = None
    shareable: Literal[0, 1] | None = None
    note: str | None = None
    watching: Literal[0, 1] | None = None
    related_account_id: Id | None = None
    related_account_type: Literal["none", "main", "sub"] | None = None
    hidden_from_related_account: Literal[0, 1] | None = None
    unread_by_related_account: Literal[0, 1] | None = None
    lead_id: Id | None = None
    message: TicketMessage | None = None
    watchers: list[Id] | None = None
    moduleLabels: list[Id] | None = None
    additional_attributes: AdditionalAttributes | None = None
