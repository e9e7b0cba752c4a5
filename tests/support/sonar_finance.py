"""Sonar money records for the finance transform tests, written field by field.

Every field of the full Sonar type is written, and each record is the ledger
model the migration reads (``ledger_models``): a transform that reads a field
the ledger read does not ask Sonar for fails here.
"""

from __future__ import annotations

from typing import Any

from migrator.sonar.ledger_models import LedgerCredit, LedgerDebit, LedgerInvoice, LedgerPayment

__all__ = ["STAMP", "credit", "debit", "invoice", "payment"]

STAMP = "2024-03-01T23:30:00-06:00"  # 2024-03-02 05:30 UTC
_COMMON = {"sonar_unique_id": "u", "created_at": STAMP, "updated_at": STAMP, "_version": "1"}


def invoice(iid: int = 7, **fields: Any) -> LedgerInvoice:
    record = {
        **_COMMON,
        "id": str(iid),
        "account_id": "42",
        "auto_pay_attempts": 0,
        "child_invoice_remaining_due": 0,
        "company_id": "1",
        "date": "2024-03-01",
        "delinquent": False,
        "due_date": "2024-03-15",
        "end_date": "2024-03-31",
        "frozen": False,
        "late_fee_applied": False,
        "late_fee_only": False,
        "number_of_months": 1,
        "pending_email": False,
        "remaining_due": 5999,
        "status": "COMPLETE",
        "tax_committed": True,
        "total_debits": 5999,
        "total_taxes": 0,
        "void": False,
    }
    return LedgerInvoice.model_validate({**record, **fields})


def debit(did: int, amount: int, **fields: Any) -> LedgerDebit:
    record = {
        **_COMMON,
        "id": str(did),
        "account_id": "42",
        "amount": amount,
        "company_id": "1",
        "description": "Fiber 50",
        "invoice_id": "7",
        "number_of_months": 1,
        "quantity": 1,
        "reversed": False,
        "service_id": "10",
        "service_name": "Fiber 50",
        "type": "DATA",
    }
    return LedgerDebit.model_validate({**record, **fields})


def credit(
    cid: int, amount: int, kind: str = "Payment", source: int = 900, **fields: Any
) -> LedgerCredit:
    record = {
        **_COMMON,
        "id": str(cid),
        "account_id": "42",
        "amount": amount,
        "creditable_id": str(source),
        "creditable_type": kind,
        "invoice_id": "7",
        "void": False,
    }
    return LedgerCredit.model_validate({**record, **fields})


def payment(pid: int = 900, amount: int = 5999, **fields: Any) -> LedgerPayment:
    record = {
        **_COMMON,
        "id": str(pid),
        "account_id": "42",
        "amount": amount,
        "amount_remaining": 0,
        "company_id": "1",
        "payment_datetime": STAMP,
        "payment_type": "CREDITCARD",
        "successful": True,
    }
    return LedgerPayment.model_validate({**record, **fields})
