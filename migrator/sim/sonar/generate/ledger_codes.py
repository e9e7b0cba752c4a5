"""The small codes the billing columns store: what a debit is, what became of a payment.

Shared by the billing run and its mess (which write them) and the ledger
records (which spell them as Sonar does).
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["DebitKind", "PaymentFlag"]


class DebitKind(IntEnum):
    PLAN = 0
    PRORATED = 1
    EXTRA = 2
    INSTALL = 3
    LATE_FEE = 4
    AD_HOC = 5
    KIND = 7  # the bits of the kind; the rest are added to it:
    REVERSED = 8  # reversed with its void invoice
    WAIVED = 16  # charged at 0 on purpose (a fee waived)


class PaymentFlag(IntEnum):
    SUCCESSFUL = 1
    AUTOPAY = 2
    RETURNED_CHECK = 4  # a failed payment that was a paper check returned unpaid
    REFUND = 8  # money handed back: a negative amount
