"""A customer's ledger and balance: the transactions Splynx books and the ``deposit`` it keeps.

What Splynx's documentation settles (``splynx_docs_facts.md``, "Money"):

- A customer who owes money has a negative balance (finance/credit_notes).
- A debit is an amount the customer must pay and lowers the balance; a credit
  follows a payment and raises it (customer_management/customer_billing).
- Invoices create debits, payments credits (finance/credit_notes).
- The balance is a stored field, ``customer_billing.deposit`` ("Current
  customer account balance", blueprint L5358), updated by the application when
  it saves a transaction. No "recalculate balance" command is documented, and
  nothing says direct MySQL inserts move it.

So this module is the only place the simulator moves ``deposit``: each time
the API books, changes or voids a ``billing_transactions`` row, in the same
write session (one MariaDB transaction), by the row's signed total. Reading
never recomputes the balance from the ledger: rows a bulk writer inserts
straight into the tables leave ``deposit`` as it was, as a real Splynx would
most likely do (INFERENCE from the fact above). A DB path must therefore write
``deposit`` itself; ``tests/support/splynx_ledger.py`` shows the difference.

Concurrency: every request that moves money claims its customer's ledger
(``customer_billing#<id>``) in ``Behaviour.prepare``, before any write, and
takes no claim after it; so the read-modify-write of ``deposit`` never
interleaves with another request's, and no claim cycle can form (``claims.py``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import Context
from migrator.sim.splynx.store import Row, Session
from migrator.splynx import finance_rules as rules
from migrator.splynx.finance_rules import money

__all__ = [
    "TRANSACTIONS",
    "book",
    "hold_ledgers",
    "ledger_claim",
    "linked",
    "money",
    "move_deposit",
    "signed_total",
    "void",
]

TRANSACTIONS = "billing_transactions"
_LIVE = Condition("deleted", "=", ("0",))


def ledger_claim(customer_id: Any) -> str:
    return f"customer_billing#{customer_id}"


async def hold_ledgers(ctx: Context, *customer_ids: Any) -> None:
    """Claim the named customers' ledgers (one sorted batch; none of them may be None)."""
    await ctx.session.claim(*(ledger_claim(c) for c in customer_ids if c is not None))


def signed_total(row: Row) -> Decimal:
    """What a transaction does to the balance: a debit lowers it, a credit raises it."""
    return rules.signed_total(row.get("type"), row.get("total"))


async def move_deposit(session: Session, customer_id: Any, delta: Decimal) -> None:
    """Add ``delta`` to the customer's stored balance (the caller holds its ledger claim).

    ASSUMPTION: a customer without a ``customer_billing`` row (inserted by a bulk
    writer without its sibling rows) gets one, as every customer created through
    the API has one (reference §2.7: sibling rows are created with the customer).
    """
    if not delta:
        return
    billing = await session.fetch("customer_billing", customer_id)
    if billing is None:
        await session.insert(
            "customer_billing", {"customer_id": customer_id, "deposit": money(delta)}
        )
        return
    deposit = Decimal(str(billing["deposit"])) + delta
    await session.update("customer_billing", customer_id, {"deposit": money(deposit)})


async def book(session: Session, row: Row) -> int:
    """Insert a transaction and move its customer's balance; its id."""
    key = await session.insert(TRANSACTIONS, row)
    assert key is not None
    await move_deposit(session, row["customer_id"], signed_total(row))
    return key


async def linked(session: Session, column: str, key: Any) -> list[Row]:
    """The live transactions whose ``column`` (``invoice_id``, ``payment_id``) names ``key``."""
    query = Query((Condition(column, "=", (str(key),)), _LIVE), order=(("id", False),))
    return await session.select(TRANSACTIONS, query)


async def void(session: Session, row: Row) -> None:
    """Take a transaction back out: marked deleted, its amount returned to the balance."""
    await session.update(TRANSACTIONS, row["id"], {"deleted": "1"})
    await move_deposit(session, row["customer_id"], -signed_total(row))
