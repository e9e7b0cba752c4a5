"""A customer's ledger against its stored balance, read from the Splynx simulator's store.

Splynx keeps the balance in ``customer_billing.deposit`` and moves it when the
application books a transaction; rows inserted straight into MySQL do not move
it (``migrator/sim/splynx/ledger.py``). A DB path that writes invoices,
payments and transactions must therefore write ``deposit`` too. ``balance_of``
puts the two side by side so a test can show a path that forgot it: the
ledger (credits less debits of the live ``billing_transactions``) and the
stored deposit should be equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.store import Store

__all__ = ["LedgerBalance", "balance_of", "unbalanced"]


@dataclass(frozen=True)
class LedgerBalance:
    customer_id: int
    ledger: Decimal  # credits - debits of the customer's live transactions
    deposit: Decimal | None  # customer_billing.deposit as stored (None: no billing row)

    @property
    def consistent(self) -> bool:
        return self.deposit is not None and self.ledger == self.deposit


async def balance_of(store: Store, customer_id: int) -> LedgerBalance:
    """The customer's ledger sum and stored deposit, straight from the store's tables."""
    owner = Condition("customer_id", "=", (str(customer_id),))
    live = Condition("deleted", "=", ("0",))
    async with store.session() as session:
        rows = await session.select("billing_transactions", Query((owner, live)))
        billing = await session.fetch("customer_billing", customer_id)
    ledger = Decimal(0)
    for row in rows:
        total = Decimal(str(row["total"]))
        ledger += -total if row["type"] == "debit" else total
    deposit = None if billing is None else Decimal(str(billing["deposit"]))
    return LedgerBalance(customer_id, ledger, deposit)


async def unbalanced(store: Store, customer_ids: list[int]) -> list[LedgerBalance]:
    """The customers among these whose stored deposit is not their ledger."""
    balances = [await balance_of(store, customer) for customer in customer_ids]
    return [balance for balance in balances if not balance.consistent]
