"""The marks that tie each money record in Splynx to its Sonar origin.

A re-run looks a record up by its mark before creating it (effectively once),
so each mark is derived from the Sonar id alone and fits its Splynx column:
an invoice's ``number`` (varchar 64), a payment's ``receipt_number`` (varchar
32), a transaction's ``comment`` (varchar 512).
"""

from __future__ import annotations

from migrator.profile_rules import FinanceRules

__all__ = [
    "credit_marker",
    "debit_marker",
    "invoice_number",
    "opening_marker",
    "payment_marker",
]


def invoice_number(invoice_id: int, rules: FinanceRules) -> str:
    """The Splynx invoice number: Sonar's id, or ``invoice_prefix`` + id."""
    return (
        f"{rules.invoice_prefix}{invoice_id}"
        if rules.invoice_number == "prefixed"
        else str(invoice_id)
    )


def payment_marker(payment_id: int) -> str:
    """``receipt_number``: at most 10 + 19 digits, inside its 32 characters."""
    return f"sonar:pay:{payment_id}"


def debit_marker(debit_id: int) -> str:
    return f"sonar:debit:{debit_id}"


def credit_marker(credit_id: int) -> str:
    return f"sonar:credit:{credit_id}"


def opening_marker(account_id: int) -> str:
    """The one opening-balance transaction of an account ("balance" mode)."""
    return f"sonar:opening:{account_id}"
