"""A payment taken today on an existing account, shaped like the generator's successful ones.

It pays what the account's latest invoice left open (or, with nothing open,
that invoice's total or the account's next recurring charge: a payment in
advance) and is not applied to any invoice yet: ``amount_remaining`` is the
whole amount and no credit names it. So every ledger rule the generator keeps
still holds (a payment's credits plus what remains is its amount; an
invoice's ``remaining_due`` is its debits less its credits), and the account's
balance, which Sonar derives from the ledger (an account stores none), drops
by the payment.

ASSUMPTION: a payment taken at the counter or on the portal stays unapplied
until the next billing run applies it; the reference does not say when Sonar
applies one, and the migrator must not depend on it.
"""

from __future__ import annotations

from typing import Any

from migrator.sim.sonar.change_batch import Batch

__all__ = ["pay_account"]

_KINDS = ("CREDITCARD",) * 6 + ("BANKACCOUNT",) * 2 + ("CHECK", "CHECK", "CASH")
_DEFAULT_AMOUNT = 5000  # cents, when the account has no invoice and no recurring charge


def _amount(batch: Batch, account_id: int, recurring: int | None) -> int:
    invoices = batch.table("invoices")
    rows = invoices.index("account_id").lookup(account_id)
    if len(rows):
        latest = rows[-1]
        for field in ("remaining_due", "total_debits"):
            owed = invoices.value(latest, field)
            if owed:
                return int(owed)
    return recurring or _DEFAULT_AMOUNT


def pay_account(batch: Batch, row: int) -> bool:
    """A successful, manual, unapplied payment on the account, dated now."""
    account = batch.table("accounts").record(row)
    account_id = int(account["id"])
    amount = _amount(batch, account_id, account["next_recurring_charge_amount"])
    draw = batch.draw()
    kind = draw.pick(_KINDS)
    card, bank, paper = kind == "CREDITCARD", kind == "BANKACCOUNT", kind in ("CHECK", "CASH")
    online = card or bank
    check = draw.between(1000, 9999)
    values: dict[str, Any] = {
        "account_id": account["id"],
        "amount": amount,
        "amount_remaining": amount,
        "bank_account_id": str(draw.between(1, 900)) if bank else None,
        "company_id": account["company_id"],
        "creation_token": None,
        "credit_card_id": str(draw.between(1, 15000)) if card else None,
        "deposit_slip_id": str(draw.between(1, 400)) if paper else None,
        "description": f"Check #{check}" if kind == "CHECK" else None,
        "fee": draw.between(30, 300) if card else None,
        "fractional_fee": None,
        "full_processor_response": '{"response":"1","responsetext":"SUCCESS"}' if card else None,
        "is_autopay": False,
        "passed_3ds_check": None,
        "passed_avs_check": True if card else None,
        "passed_cvv_check": True if card else None,
        "payment_datetime": batch.stamp,
        "payment_tracker_id": draw.uuid() if online else None,
        "payment_type": kind,
        "processor_message": "Approved" if online else None,
        "processor_status": "approved" if online else None,
        "reference": str(draw.between(100000, 999999)) if kind == "CHECK" else None,
        "status": "SUCCEEDED",
        "successful": True,
        "transaction_id": str(draw.bits() % 10**10) if online else None,
        "user_id": batch.staff() if paper else None,
    }
    batch.create("payments", values)
    return True
