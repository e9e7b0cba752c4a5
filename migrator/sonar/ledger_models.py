"""An account's ledger as the money entities read it: only the fields they use.

The ledger is 80% of an ISP's rows, and every field asked for costs twice: Sonar
resolves it for each of the ~2,500 records of a page, and we parse and validate
it. The generated models (``entities.py``) carry every scalar of a Sonar type;
these carry the ones the money transforms read (``transform/finance_*``), and
the nested finance read asks Sonar for exactly these (``ledger_fields``), so
its answers are about 60% smaller. A field a transform starts to read must be
added here (mypy does not notice a missing one: pydantic models answer any
attribute to it; the transforms' tests do), and the document then asks for it.

Field names and types are the generated models' (so the reference's).
"""

from __future__ import annotations

from migrator.sonar.entities import CreditableType, PaymentType, ServiceType
from migrator.sonar.scalars import Cents, Date, Datetime, Int64, SonarEntity

__all__ = [
    "LEDGER_MODELS",
    "LedgerCredit",
    "LedgerDebit",
    "LedgerInvoice",
    "LedgerPayment",
    "ledger_fields",
]


class LedgerInvoice(SonarEntity):
    """What the money entities read of a Sonar ``Invoice``."""

    created_at: Datetime
    updated_at: Datetime
    account_id: Int64
    date: Date
    due_date: Date
    message: str | None = None
    remaining_due: Cents
    total_debits: Cents
    total_taxes: Cents
    void: bool


class LedgerDebit(SonarEntity):
    """What the money entities read of a Sonar ``Debit``."""

    created_at: Datetime
    account_id: Int64
    amount: Cents
    description: str | None = None
    invoice_id: Int64 | None = None
    prorated_from: Date | None = None
    prorated_to: Date | None = None
    quantity: int
    reversed: bool
    service_name: str
    type: ServiceType


class LedgerCredit(SonarEntity):
    """What the money entities read of a Sonar ``Credit``."""

    created_at: Datetime
    account_id: Int64
    amount: Cents
    creditable_id: Int64
    creditable_type: CreditableType
    invoice_id: Int64
    void: bool


class LedgerPayment(SonarEntity):
    """What the money entities read of a Sonar ``Payment``."""

    created_at: Datetime
    account_id: Int64
    amount: Cents
    description: str | None = None
    payment_datetime: Datetime
    payment_type: PaymentType
    reference: str | None = None
    successful: bool
    transaction_id: str | None = None


# by the Sonar list query (and account relation) each is read from
LEDGER_MODELS: dict[str, type[SonarEntity]] = {
    "invoices": LedgerInvoice,
    "debits": LedgerDebit,
    "credits": LedgerCredit,
    "payments": LedgerPayment,
}


def ledger_fields(query: str) -> tuple[str, ...]:
    """The GraphQL fields to ask for ``query``'s records: its ledger model's, by alias."""
    model = LEDGER_MODELS[query]
    return tuple(info.alias or name for name, info in model.model_fields.items())
