"""Customers, their info row and their comments (``admin/customers/...``).

Sizes from splynx_tables.json: ``customers``, ``customer_info``, ``customer_notes``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from migrator.splynx.payloads.base import (
    AdditionalAttributes,
    Date,
    DateTime,
    Flag,
    Id,
    Secret512,
    SplynxPayload,
    Str32,
    Str50,
    Str64,
    Str128,
    Str255,
    Str256,
)

__all__ = ["Customer", "CustomerInfo", "CustomerNote"]

CustomerStatus = Literal["new", "active", "blocked", "disabled"]


class Customer(SplynxPayload):
    """``POST admin/customers/customer``.

    The blueprint requires partner, location, name and category; live OPTIONS
    only ``name``. We require what the blueprint does: it is never wrong to send.
    """

    name: Str256
    partner_id: Id
    location_id: Id
    category: Literal["person", "company"] = "person"
    status: CustomerStatus | None = None
    login: Str128 | None = None
    password: Secret512 | None = None  # the portal password: a secret
    parent_id: Id | None = None
    email: Str256 | None = None
    billing_email: Str256 | None = None
    phone: Str256 | None = None
    street_1: Str255 | None = None
    zip_code: Str32 | None = None
    city: Str32 | None = None
    gps: Str256 | None = None  # "lat,lng"
    subdivision_id: Id | None = None
    date_add: Date | None = None
    conversion_date: DateTime | None = None
    billing_type: Literal["recurring", "prepaid", "prepaid_monthly"] | None = None
    daily_prepaid_cost: Decimal | None = None
    customer_labels: list[Id] | None = None
    additional_attributes: AdditionalAttributes | None = None


class CustomerInfo(SplynxPayload):
    """``PUT admin/customers/customer-info/{customer_id}`` (the row exists per customer)."""

    birthday: Str64 | None = None
    passport: Str32 | None = None
    company_id: Str32 | None = None
    vat_id: Str32 | None = None
    contact_person: Str256 | None = None


class CustomerNote(SplynxPayload):
    """``POST admin/customers/customer-notes``: a comment on a customer (no PUT/DELETE)."""

    customer_id: Id
    comment: str = Field(min_length=1)
    datetime: DateTime | None = None
    administrator_id: Id | None = None
    type: (
        Literal["comment", "customer", "finance", "service", "message", "support", "call"] | None
    ) = None
    css_class: Literal["default", "primary", "success", "warning", "danger", "info"] | None = Field(
        None, alias="class"
    )
    title: Str50 | None = None
    name: Str255 | None = None
    values: str | None = None
    scheduled_send_time: DateTime | None = None
    assigned_to: Id | None = None
    is_done: Flag | None = None
    is_send: Flag | None = None
    is_pinned: Flag | None = None
    pinned_date: DateTime | None = None
