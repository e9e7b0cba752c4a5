"""Balances on both sides, so a run can prove each customer's to the cent. Pure.

Sonar keeps no balance field on an account: its balance is its ledger. What a
customer owes (``sonar_owed_cents``) is what was charged less what was paid
and discounted:

- debits, but a reversed one (ASSUMPTION, as the generator does: voiding an
  invoice reverses its debits, so a void invoice owes nothing), and the taxes
  of every invoice that stands;
- less payments that succeeded, in full (an overpayment's ``amount_remaining``
  is the customer's credit);
- less discounts, through their credits on invoices (not voided ones);
  a payment's credits only apply money already counted.

Splynx's balance has the other sign (splynx_docs_facts.md: owing is negative):
an invoice adds a debit of its total (a deleted one nothing), a payment a
credit, a transaction its own sign. ``splynx_effect`` is what one payload does
to it, ``splynx_balance`` the balance Sonar's ledger must become.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from migrator.sonar.entities import CreditableType
from migrator.sonar.ledger_models import LedgerCredit, LedgerDebit, LedgerInvoice, LedgerPayment
from migrator.splynx.payloads import Invoice, Transaction
from migrator.splynx.payloads import Payment as SplynxPayment

__all__ = ["invoice_total", "sonar_owed_cents", "splynx_balance", "splynx_effect"]

_HUNDRED = Decimal(100)


def sonar_owed_cents(
    debits: Iterable[LedgerDebit],
    credits: Iterable[LedgerCredit],
    payments: Iterable[LedgerPayment],
    invoices: Iterable[LedgerInvoice] = (),
) -> int:
    """What one account owes in Sonar, in cents (negative: it is in credit).

    Sonar keeps taxes per invoice (``total_taxes``), not as debits: an invoice that
    stands charges them too, as its Splynx copy does with its tax item.
    """
    taxed = sum(i.total_taxes for i in invoices if not i.void)
    charged = sum(d.amount for d in debits if not d.reversed) + taxed
    paid = sum(p.amount for p in payments if p.successful)
    discounted = sum(
        c.amount for c in credits if c.creditable_type == CreditableType.Discount and not c.void
    )
    return charged - paid - discounted


def splynx_balance(owed_cents: int) -> Decimal:
    """The Splynx balance of a customer who owes ``owed_cents`` in Sonar."""
    return -Decimal(owed_cents).scaleb(-2)


def _line(quantity: int | None, price: Decimal | None, tax: Decimal | None) -> Decimal:
    gross = Decimal(1 if quantity is None else quantity) * (price or Decimal(0))
    return gross * (1 + (tax or Decimal(0)) / _HUNDRED)


def invoice_total(invoice: Invoice) -> Decimal:
    """Splynx's ``total``: each item's quantity x price, with its VAT percent on top."""
    return sum((_line(i.quantity, i.price, i.tax) for i in invoice.items), Decimal(0))


def splynx_effect(payload: Invoice | SplynxPayment | Transaction) -> Decimal:
    """What creating ``payload`` does to its customer's Splynx balance."""
    if isinstance(payload, Invoice):
        return Decimal(0) if payload.status == "deleted" else -invoice_total(payload)
    if isinstance(payload, SplynxPayment):
        return payload.amount
    total = _line(payload.quantity, payload.price, payload.tax_percent)
    return total if payload.type == "credit" else -total
