"""Invoices (with items), payments and transactions (``admin/finance/...``).

Sizes from splynx_tables.json: ``invoices``, ``payments``, ``billing_transactions``;
invoice items from the dumped proforma ``requests_items`` (``invoices_items`` was
not dumped; same layout inferred).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator

from migrator.splynx.payloads.base import (
    AdditionalAttributes,
    Date,
    Flag,
    Id,
    Money,
    Percent,
    SplynxPayload,
    Str16,
    Str32,
    Str64,
    Str255,
    Str256,
    Str512,
)

__all__ = ["Invoice", "InvoiceItem", "Payment", "Transaction"]


class InvoiceItem(SplynxPayload):
    """``Invoice item``: the blueprint requires description, quantity and unit."""

    description: Str256
    quantity: int = 1
    unit: Str16 = "1"  # blueprint: number; column varchar(16)
    price: Money | None = None
    tax: Percent | None = None  # VAT %
    period_from: Date | None = None
    period_to: Date | None = None
    categoryIdForTransaction: Id | None = None
    sub_account_id: Id | None = None


class Invoice(SplynxPayload):
    """``POST admin/finance/invoices``; ``number`` is our idempotency marker."""

    customer_id: Id
    number: Str64 = Field(min_length=1)
    status: Literal["not_paid", "paid", "pending", "deleted"]
    items: list[InvoiceItem] = Field(min_length=1)
    date_created: Date | None = None
    date_updated: Date | None = None
    date_till: Date | None = None
    date_payment: Date | None = None
    use_transactions: Flag | None = None
    note: str | None = None
    memo: str | None = None
    payment_id: Id | None = None
    type: Literal["one_time", "recurring"] | None = None
    payd_from_deposit: Literal[0, 1] | None = None  # (sic)
    is_sent: Flag | None = None
    additional_attributes: AdditionalAttributes | None = None


class Payment(SplynxPayload):
    """``POST admin/finance/payments``; the server refuses a zero amount."""

    customer_id: Id
    amount: Money
    date: Date
    payment_type: Id = 1  # payment method id ("Config / Finance / Payment methods")
    receipt_number: Str32 | None = None
    invoice_id: Id | None = None
    credit_note_id: Id | None = None
    request_id: Id | None = None
    transaction_id: Id | None = None
    payment_statement_id: Id | None = None
    comment: Str256 | None = None
    is_sent: Flag | None = None
    field_1: Str512 | None = None
    field_2: Str512 | None = None
    field_3: Str512 | None = None
    field_4: Str512 | None = None
    field_5: Str512 | None = None
    note: str | None = None
    memo: str | None = None
    additional_attributes: AdditionalAttributes | None = None

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, amount: object) -> object:
        if amount == 0:
            raise ValueError("Invalid sum, only a value greater or less than 0 is allowed")
        return amount


class Transaction(SplynxPayload):
    """``POST admin/finance/transactions``: ``debit`` is "+ Income", ``credit`` "- Charge"."""

    type: Literal["debit", "credit"]
    customer_id: Id
    date: Date
    category: Id  # transaction category id
    description: Str255 = Field(min_length=1)
    tax_percent: Percent = Decimal(0)  # required by the blueprint
    quantity: int | None = None
    unit: Str32 | None = None
    price: Money | None = None
    remind_amount: Money | None = None
    comment: Str512 | None = None
    period_from: Date | None = None
    period_to: Date | None = None
    service_id: Id | None = None
    payment_id: Id | None = None
    credit_note_id: Id | None = None
    invoice_id: Id | None = None
    invoiced_by_id: Id | None = None
    to_invoice: bool | None = None
    service_type: Literal["internet", "voice", "custom", "bundle", "one_time"] | None = None
    source: Literal["manual", "auto", "cdr", "config"] | None = None
    tax_id: Id | None = None
    sub_account_id: Id | None = None
    additional_attributes: AdditionalAttributes | None = None
