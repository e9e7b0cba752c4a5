"""The monthly billing run: invoices, their debits, and what pays them.

On the 1st, each billable account gets an invoice: its plan (prorated extra
on the first invoice, free for staff accounts), its recurring extras, an
installation fee now and then on the first, a late fee after an unpaid
one. Then about 62% are paid in full, some in two parts, some after a failed
autopay, some late, the rest stay open; ~21% get a discount credit; 0.4%
are voided (their debits reversed). Ad-hoc debits not on any invoice appear
in ~20% of account-months. The rarer mess (a waived fee's invoice of 0, a
refund, a returned check, a credit on top of a paid invoice) is
``billing_mess``'s, at the hooks below. Money is integer cents throughout; an
invoice's ``total_debits`` is the sum of its debits and ``remaining_due`` is
that less its credits, never below 0.
"""

from __future__ import annotations

from migrator.sim.sonar.generate.accounts import Status, plan_for
from migrator.sim.sonar.generate.billing_mess import BillingMess
from migrator.sim.sonar.generate.common import World
from migrator.sim.sonar.generate.ledger_codes import DebitKind, PaymentFlag
from migrator.sim.sonar.generate.service_catalog import CatalogService, ServiceCatalog
from migrator.sim.sonar.generate.timeline import History, Month, Sequences
from migrator.sim.sonar.instance_time import DAY, NOW, SECOND
from migrator.sim.sonar.table import NULL

__all__ = ["BillingRun", "DebitKind", "PaymentFlag"]

HOUR = 3600 * SECOND
LATE_FEE = 1000
DUE_AFTER = 14 * DAY


class BillingRun:
    """Appends to the ledger columns of ``history``; one call per account-month."""

    def __init__(self, world: World, history: History, sequences: Sequences) -> None:
        self.rng, self.world, self.seq, self.history = world.rng, world, sequences, history
        self.catalog: ServiceCatalog = world.facts["catalog"]
        self.unpaid: set[int] = set()
        self._charges: dict[int, list[CatalogService]] = {}
        self.batch = 0
        self.mess = BillingMess(world, history, sequences)
        for name in ("account_id", "total_debits", "remaining_due", "flags"):
            history.invoices.column(name, "b" if name == "flags" else "q")
        for name in ("account_id", "invoice_id", "service_id", "amount", "kind"):
            history.debits.column(name, "b" if name == "kind" else "q")
        for name in ("account_id", "invoice_id", "creditable_id", "creditable_type", "amount"):
            history.credits.column(name, "b" if name == "creditable_type" else "q")
        for name in ("account_id", "amount", "amount_remaining", "flags"):
            history.payments.column(name, "b" if name == "flags" else "q")

    def begin_month(self) -> None:
        self.batch = 0

    def charges(self, account_id: int, created: int, status: int) -> list[CatalogService]:
        found = self._charges.get(account_id)
        if found is None:
            plan = plan_for(self.world, account_id, created)
            if status == Status.STAFF:
                plan = CatalogService(plan.id, plan.name, plan.type, 0)
            found = [plan, *self.world.facts["extras"].get(account_id, ())]
            self._charges[account_id] = found
        return found

    def bill(self, account_id: int, created: int, status: int, month: Month) -> None:
        """The invoice of one account for one month, its debits, credits and payments."""
        self.batch += 1
        issued = month.start + 2 * HOUR + self.batch * SECOND
        invoice_id = self.seq.invoice.next()
        share = (month.start - created) / (31 * DAY)
        prorated = min(1.0, max(0.03, share)) if share < 1 else None
        total, late = self._invoice_debits(
            account_id, invoice_id, issued, prorated, created, status
        )
        void = self.rng.random() < 0.004
        if void:
            remaining, touched = 0, issued + 2 * DAY
            self._reverse_debits_of(invoice_id)
        else:
            remaining, touched = self._settle(account_id, invoice_id, issued, total)
            if remaining == 0 and total > 0:
                touched = self.mess.goodwill(account_id, invoice_id, touched)
        (self.unpaid.add if remaining > 0 else self.unpaid.discard)(account_id)
        inv = self.history.invoices
        inv.ids.append(invoice_id)
        inv.created.append(issued)
        inv.updated.append(min(max(issued, touched), NOW))
        inv.extra["account_id"].append(account_id)
        inv.extra["total_debits"].append(total)
        inv.extra["remaining_due"].append(remaining)
        inv.extra["flags"].append(int(void) | (2 if late else 0))
        if not void:
            self.mess.after_invoice(account_id, invoice_id, issued, first=prorated is not None)
        if self.rng.random() < 0.2:
            self._ad_hoc(account_id, month.at(self.rng.random(), issued))

    def _invoice_debits(
        self,
        account_id: int,
        invoice_id: int,
        issued: int,
        prorated: float | None,
        created: int,
        status: int,
    ) -> tuple[int, bool]:
        """Debits of one invoice; ``prorated`` is the share of the sign-up month (first only)."""
        total, plan, *extras = 0, *self.charges(account_id, created, status)
        first = prorated is not None
        if prorated is not None:
            part = int(plan.amount * prorated)
            total += self._debit(account_id, invoice_id, plan.id, part, DebitKind.PRORATED, issued)
        total += self._debit(account_id, invoice_id, plan.id, plan.amount, DebitKind.PLAN, issued)
        for extra in extras:
            total += self._debit(
                account_id, invoice_id, extra.id, extra.amount, DebitKind.EXTRA, issued
            )
        if first and self.rng.random() < 0.4:
            fee = self.catalog.one_time["Installation fee"]
            total += self._debit(
                account_id, invoice_id, fee.id, fee.amount, DebitKind.INSTALL, issued
            )
        late = account_id in self.unpaid and self.rng.random() < 0.8
        if late:
            fee = self.catalog.one_time["Late fee"]
            total += self._debit(
                account_id, invoice_id, fee.id, LATE_FEE, DebitKind.LATE_FEE, issued
            )
        return total, late

    def _debit(
        self, account_id: int, invoice_id: int, service_id: int, amount: int, kind: int, at: int
    ) -> int:
        debits = self.history.debits
        debits.ids.append(self.seq.debit.next())
        debits.created.append(at)
        debits.updated.append(at)
        debits.extra["account_id"].append(account_id)
        debits.extra["invoice_id"].append(invoice_id)
        debits.extra["service_id"].append(service_id)
        debits.extra["amount"].append(amount)
        debits.extra["kind"].append(kind)
        return amount

    def _ad_hoc(self, account_id: int, at: int) -> None:
        if at > NOW:
            return
        names = ("Service call", "Router purchase", "Equipment not returned", "Relocation fee")
        service = self.catalog.one_time[names[int(self.rng.random() * len(names))]]
        self._debit(account_id, NULL, service.id, service.amount, DebitKind.AD_HOC, at)

    def _reverse_debits_of(self, invoice_id: int) -> None:
        debits = self.history.debits
        invoices, kinds = debits.extra["invoice_id"], debits.extra["kind"]
        row = len(kinds) - 1
        while row >= 0 and invoices[row] == invoice_id:
            kinds[row] |= DebitKind.REVERSED
            debits.updated[row] = debits.created[row] + 2 * DAY
            row -= 1

    def _settle(self, account_id: int, invoice_id: int, issued: int, total: int) -> tuple[int, int]:
        """Discounts and payments against the invoice: (remaining due, last change)."""
        rng, left, touched = self.rng, total, issued
        if left > 0 and rng.random() < 0.21:
            self.seq.discount += 1
            discount = max(1, left * int(1 + rng.random() * 10) // 10)
            left -= self._credit(
                account_id, invoice_id, self.seq.discount, 1, discount, issued + HOUR
            )
            touched = issued + HOUR
        if left <= 0:
            return 0, touched
        due, roll = issued + DUE_AFTER, rng.random()
        autopay = rng.random() < 0.6
        plan: list[tuple[int, int, bool]] = []  # (amount, when, successful)
        if roll < 0.62:
            plan = [(left, due - int(rng.random() * 10 * DAY), True)]
        elif roll < 0.66:
            plan = [(left // 2, due - 5 * DAY, True), (left - left // 2, due + 9 * DAY, True)]
        elif roll < 0.71:
            plan = [(left, due, False), (left, due + 3 * DAY, True)]
        elif roll < 0.76:
            plan = [(left, due + int((20 + rng.random() * 20) * DAY), True)]
        for amount, when, successful in plan:
            when = when // SECOND * SECOND
            if when > NOW:
                break
            returned = not successful and self.mess.returned_check()
            paid = self._payment(account_id, amount, when, successful, autopay and not returned)
            if returned:
                self.history.payments.extra["flags"][-1] |= PaymentFlag.RETURNED_CHECK
            if successful:
                left -= self._credit(account_id, invoice_id, paid, 0, amount, when)
            touched = when
        return left, touched

    def _payment(
        self, account_id: int, amount: int, at: int, successful: bool, autopay: bool
    ) -> int:
        payments, payment_id = self.history.payments, self.seq.payment.next()
        extra = (
            500 * int(1 + self.rng.random() * 10) if successful and self.rng.random() < 0.01 else 0
        )
        payments.ids.append(payment_id)
        payments.created.append(at)
        payments.updated.append(at)
        payments.extra["account_id"].append(account_id)
        payments.extra["amount"].append(amount + extra)
        payments.extra["amount_remaining"].append(extra)
        flags = (PaymentFlag.SUCCESSFUL if successful else 0) | (
            PaymentFlag.AUTOPAY if autopay else 0
        )
        payments.extra["flags"].append(flags)
        if extra:
            self.mess.refund(account_id, extra, at)
        return payment_id

    def _credit(
        self, account_id: int, invoice_id: int, source: int, kind: int, amount: int, at: int
    ) -> int:
        credits = self.history.credits
        credits.ids.append(self.seq.credit.next())
        credits.created.append(at)
        credits.updated.append(at)
        credits.extra["account_id"].append(account_id)
        credits.extra["invoice_id"].append(invoice_id)
        credits.extra["creditable_id"].append(source)
        credits.extra["creditable_type"].append(kind)
        credits.extra["amount"].append(amount)
        return amount
