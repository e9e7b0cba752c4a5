"""What Splynx computes when it books money: pure rules shared by the two ways in.

The Splynx simulator's API (``migrator/sim/splynx``: ``behaviours_invoices``,
``behaviours_payments``, ``allocations``, ``ledger``) is our model of what a
real Splynx's application writes when it saves an invoice, a payment or a
transaction; the database path (``finance_db``) must leave exactly the same
rows. So the rules that turn one stored row into another live here, once, and
both import them: a line's total, the balance's sign, the debit an invoice
item books, the credit a payment books, what a payment allocates to an invoice.

Rows are dicts under Splynx's real column names. Values may be MySQL's text
form (``"10.0000"``, as the simulator keeps them) or ``Decimal``/``int`` (as the
database path builds them): every rule reads numbers through ``Decimal(str(x))``.
Where each rule comes from (``splynx_docs_facts.md`` "Money", the blueprint, or
an inference) is said in the simulator module that applies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = [
    "PAYMENT_CATEGORY",
    "SERVICE_CATEGORY",
    "allocation_changes",
    "allocation_share",
    "invoice_due",
    "item_debit",
    "line_total",
    "money",
    "payer_row",
    "payment_credit",
    "signed_total",
]

SERVICE_CATEGORY = 1  # the base transaction category "Service" (reference §8.5 [OBS])
PAYMENT_CATEGORY = 3  # the base transaction category "Payment" (reference §8.5 [OBS])
_FOUR = Decimal("0.0001")


def _number(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(value: Decimal) -> str:
    """A decimal(19,4) as MySQL prints it."""
    return f"{value.quantize(_FOUR)}"


def line_total(quantity: object = 1, price: object = 0, tax: object = 0) -> Decimal:
    """quantity x price x (1 + tax/100), rounded to the four places of a decimal(19,4).

    ASSUMPTION (behaviours_invoices): prices are net of VAT and each line is
    rounded on its own, so an invoice's total is exactly the sum of its debits.
    """
    return (_number(quantity) * _number(price) * (1 + _number(tax) / 100)).quantize(_FOUR)


def signed_total(kind: object, total: object) -> Decimal:
    """What a transaction does to the balance: a debit lowers it, a credit raises it."""
    amount = _number(total or 0)
    return -amount if kind == "debit" else amount


def item_debit(
    invoice: Mapping[str, Any], item: Mapping[str, Any], category: int
) -> dict[str, Any]:
    """The debit transaction one invoice item books (``invoice`` with its id)."""
    return {
        "customer_id": invoice["customer_id"],
        "type": "debit",
        "quantity": item["quantity"],
        "unit": item["unit"],
        "price": item["price"],
        "total": money(line_total(item["quantity"], item["price"], item["tax"])),
        "tax_percent": item["tax"],
        "tax_id": item["tax_id"],
        "date": invoice["date_created"],
        "category": int(category),
        "description": item["description"][:255],
        "period_from": item["period_from"],
        "period_to": item["period_to"],
        "sub_account_id": item["sub_account_id"],
        "invoice_id": invoice["id"],
        "source": "manual",
    }


def payment_credit(payment: Mapping[str, Any], payment_id: int) -> dict[str, Any]:
    """The credit transaction a payment books, in the base category "Payment"."""
    receipt = str(payment["receipt_number"] or "").strip()
    return {
        "customer_id": payment["customer_id"],
        "type": "credit",
        "quantity": 1,
        "price": payment["amount"],
        "total": payment["amount"],
        "date": payment["date"],
        "category": PAYMENT_CATEGORY,
        "description": f"Payment {receipt}".strip(),
        "payment_id": payment_id,
        "source": "manual",
    }


def invoice_due(total: object, allocated: Decimal, status: object) -> Decimal:
    """What is still owed on an invoice: 0 if paid, else its total less what was allocated."""
    if status == "paid":
        return Decimal(0)
    return max(_number(total) - allocated, Decimal(0))


def allocation_share(due: Decimal, amount: object) -> Decimal:
    """How much of an invoice's ``due`` a payment of ``amount`` pays (a refund pays nothing)."""
    paid = _number(amount)
    return min(due, paid) if paid > 0 else Decimal(0)


def payer_row(
    payment: Mapping[str, Any], payment_id: int, invoice_id: int, share: Decimal
) -> dict[str, Any]:
    """The ``invoice_payers`` row that records a payment's share of an invoice."""
    return {"customer_id": payment["customer_id"], "payer_id": payment_id, "type": "payment",
            "invoice_id": invoice_id, "transaction_id": None, "amount": money(share)}  # fmt: skip


def allocation_changes(
    due: Decimal, share: Decimal, payment_id: int, payment_date: object
) -> dict[str, Any]:
    """What an allocation changes on the invoice: its due, and paid once nothing is left."""
    changes: dict[str, Any] = {"due": money(due - share)}
    if due == share:
        changes.update(status="paid", payment_id=payment_id, date_payment=payment_date)
    return changes
