"""A generated Sonar ledger with one account made unmigratable, and where its money mess is.

The generator provides the money mess itself (``sim/sonar/generate/billing_mess.py``):
void and zero invoices, credits beyond an invoice, refunds as negative payments,
failed payments some of which are returned checks. What it cannot provide is
an account the migration rejects, so ``money_fixture`` exports a generated
dataset and empties one account's name (a customer needs one); every invoice,
payment and transaction of that account then has no customer to go to.
``money_cases`` finds each case among the records, for the bad-input test to
follow each one to its fate.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from migrator.sim.sonar.app import SonarSimConfig, export_fixture
from migrator.sim.sonar.fixture_load import load_fixture
from migrator.sonar.entities import PaymentType
from migrator.sonar.models import AccountWithFinance
from migrator.transform import finance_records as shares
from tests.support.finance_checks import ledgers_of
from tests.support.nasty_sonar_fixture import patch

__all__ = ["MoneyCases", "money_cases", "money_fixture"]

SCALE, SEED = 20, 4  # a small ISP whose generated ledger holds every case (asserted)


@dataclass
class MoneyCases:
    """Sonar ids of each kind of bad money record, by kind."""

    void: set[int] = field(default_factory=set)
    zero: set[int] = field(default_factory=set)
    credits_over: set[int] = field(default_factory=set)  # invoices credited beyond their total
    negative: set[int] = field(default_factory=set)  # payments
    failed: set[int] = field(default_factory=set)  # payments
    checks: set[int] = field(default_factory=set)  # successful payments of type CHECK
    owner: dict[tuple[str, int], int] = field(default_factory=dict)  # (kind, id) -> account


def money_cases(ledgers: list[AccountWithFinance]) -> MoneyCases:
    cases = MoneyCases()
    for account in ledgers:
        applied: Counter[int] = Counter()
        for credit in account.credits:
            applied[credit.invoice_id] += 0 if credit.void else credit.amount
        for invoice in account.invoices:
            cases.owner[("invoice", invoice.id)] = account.id
            owed = invoice.total_debits + invoice.total_taxes
            if invoice.void:
                cases.void.add(invoice.id)
            elif owed == 0:
                cases.zero.add(invoice.id)
            elif applied[invoice.id] > owed:
                cases.credits_over.add(invoice.id)
        for payment in account.payments:
            cases.owner[("payment", payment.id)] = account.id
            if not payment.successful:
                cases.failed.add(payment.id)
            elif payment.amount < 0:
                cases.negative.add(payment.id)
            if payment.successful and payment.payment_type == PaymentType.CHECK:
                cases.checks.add(payment.id)
    return cases


def _tame(account: AccountWithFinance, cases: MoneyCases) -> bool:
    """An account none of whose money is a case of its own, but with some of each kind."""
    mine = {i.id for i in account.invoices} | {p.id for p in account.payments}
    bad = cases.void | cases.zero | cases.credits_over | cases.negative | cases.failed
    has_all = account.invoices and account.payments and shares.transaction_records(account)
    return bool(has_all) and not mine & bad


def money_fixture(directory: Path) -> int:
    """Write the fixture; the id of the account whose customer will be rejected."""
    export_fixture(SonarSimConfig(scale=SCALE, seed=SEED), directory)
    ledgers = ledgers_of(load_fixture(directory))
    cases = money_cases(ledgers)
    doomed = next(a.id for a in ledgers if _tame(a, cases))
    patch(directory, "accounts", {doomed: {"name": ""}})
    return doomed
