"""The money mess a real Sonar holds beyond the routine of the billing run, at small rates.

The billing run (``billing.BillingRun``) already voids an invoice now and
then and bills staff a zero plan. A real ledger has more that a migration
must decide about, so each rule of the money transforms meets a generated
record:

- a duplicate: the billing run now and then issues a month's invoice twice,
  and the copy is voided (its debits reversed) two days later;
- a waived installation: a sign-up without an installation fee now and then
  gets it as a one-time service at 0, billed on an invoice of its own (an
  invoice of 0.00, paid as issued);
- a refund: an overpayment is now and then handed back, recorded as a
  *negative* payment of the amount over;
- a returned check: a failed payment is now and then a paper check that
  bounced, not a declined card or bank draft;
- a goodwill credit: an invoice already paid in full now and then gets a
  service credit (a discount) on top, so its credits exceed it.

Everything here draws from a stream of its own and takes ids without the
shared stream's gaps (``_quiet_id``), so the shared stream is never touched:
every other table is byte-identical for a seed with or without this mess,
and only the money tables gain rows.

ASSUMPTION: Sonar records a refund the ISP pays back by hand as a payment of
negative ``amount`` (``Int!``; its ``refundPayment`` mutation is for the
processors' own refunds) with nothing remaining to use, not tied to the
payment it returns: that one keeps its ``amount_remaining``.
ASSUMPTION: a credit applied beyond what an invoice owes leaves its
``remaining_due`` ("the amount remaining to be paid") at 0, never below.
"""

from __future__ import annotations

import random

from migrator.sim.sonar.generate.common import Columns, IdSequence, World
from migrator.sim.sonar.generate.ledger_codes import DebitKind, PaymentFlag
from migrator.sim.sonar.generate.service_catalog import ServiceCatalog
from migrator.sim.sonar.generate.timeline import History, Sequences
from migrator.sim.sonar.instance_time import DAY, NOW, SECOND

__all__ = ["BillingMess"]

DUPLICATED = 0.003  # of invoices
WAIVED_INSTALL = 0.2  # of first invoices that charged no installation fee
REFUNDED = 0.6  # of overpayments
RETURNED_CHECK = 0.12  # of failed payments
GOODWILL = 0.006  # of invoices paid in full


def _quiet_id(sequence: IdSequence) -> int:
    """The next id of ``sequence`` without a draw from the shared stream."""
    sequence.last += 1
    return sequence.last


def _append(columns: Columns, record_id: int, at: int, updated: int, **values: int) -> None:
    columns.ids.append(record_id)
    columns.created.append(at)
    columns.updated.append(updated)
    for name, value in values.items():
        columns.extra[name].append(value)


class BillingMess:
    """Adds the mess to ``history`` at the billing run's hooks; one per dataset."""

    def __init__(self, world: World, history: History, sequences: Sequences) -> None:
        self.rng = random.Random(f"{world.seed}:billing mess")
        self.history, self.seq = history, sequences
        self.catalog: ServiceCatalog = world.facts["catalog"]

    def after_invoice(self, account_id: int, invoice_id: int, issued: int, first: bool) -> None:
        """After an invoice stands: maybe a voided duplicate of it, maybe (after a first
        invoice that charged no installation fee) an invoice of 0 for the fee waived."""
        debits = self.history.debits
        rows = []
        row = len(debits.ids) - 1
        while row >= 0 and debits.extra["invoice_id"][row] == invoice_id:
            rows.append(row)
            row -= 1
        kinds = debits.extra["kind"]
        if self.rng.random() < DUPLICATED and issued + 3 * DAY <= NOW:
            self._voided_copy(account_id, sorted(rows), issued)
        installed = any(kinds[r] & DebitKind.KIND == DebitKind.INSTALL for r in rows)
        if first and not installed and self.rng.random() < WAIVED_INSTALL:
            self._waived_install(account_id, issued + 60 * SECOND)

    def _voided_copy(self, account_id: int, rows: list[int], issued: int) -> None:
        debits, copy_id = self.history.debits, _quiet_id(self.seq.invoice)
        at = issued + SECOND
        voided = at + 2 * DAY  # as the ledger dates a void invoice's voided_at
        total = 0
        for row in rows:
            amount = debits.extra["amount"][row]
            total += amount
            _append(debits, _quiet_id(self.seq.debit), at, voided, account_id=account_id,
                    invoice_id=copy_id, service_id=debits.extra["service_id"][row],
                    amount=amount, kind=debits.extra["kind"][row] | DebitKind.REVERSED)  # fmt: skip
        _append(self.history.invoices, copy_id, at, voided, account_id=account_id,
                total_debits=total, remaining_due=0, flags=1)  # fmt: skip

    def _waived_install(self, account_id: int, at: int) -> None:
        if at > NOW:
            return
        fee = self.catalog.one_time["Installation fee"]
        waived_id = _quiet_id(self.seq.invoice)
        kind = DebitKind.INSTALL | DebitKind.WAIVED
        _append(self.history.debits, _quiet_id(self.seq.debit), at, at, account_id=account_id,
                invoice_id=waived_id, service_id=fee.id, amount=0, kind=kind)  # fmt: skip
        _append(self.history.invoices, waived_id, at, at, account_id=account_id,
                total_debits=0, remaining_due=0, flags=0)  # fmt: skip

    def refund(self, account_id: int, overpaid: int, at: int) -> None:
        """After an overpayment of ``overpaid`` cents: maybe a negative payment handing it back."""
        if self.rng.random() >= REFUNDED:
            return
        when = (at + int((5 + self.rng.random() * 15) * DAY)) // SECOND * SECOND
        if when <= NOW:
            _append(self.history.payments, _quiet_id(self.seq.payment), when, when,
                    account_id=account_id, amount=-overpaid, amount_remaining=0,
                    flags=PaymentFlag.SUCCESSFUL | PaymentFlag.REFUND)  # fmt: skip

    def returned_check(self) -> bool:
        """Whether a failed payment is a paper check that bounced."""
        return self.rng.random() < RETURNED_CHECK

    def goodwill(self, account_id: int, invoice_id: int, touched: int) -> int:
        """After an invoice was paid in full: maybe a service credit on top of it.
        The invoice's last change, moved to the credit when there is one."""
        if self.rng.random() >= GOODWILL:
            return touched
        at = (touched + int((1 + self.rng.random() * 9) * DAY)) // SECOND * SECOND
        if at > NOW:
            return touched
        self.seq.discount += 1
        amount = 500 * (1 + int(self.rng.random() * 6))
        discount = {"creditable_id": self.seq.discount, "creditable_type": 1}  # a Discount
        _append(self.history.credits, _quiet_id(self.seq.credit), at, at, account_id=account_id,
                invoice_id=invoice_id, amount=amount, **discount)  # fmt: skip
        return at
