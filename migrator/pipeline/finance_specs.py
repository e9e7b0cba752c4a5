"""How the money entities are wired: the nested ledger read, each entity's share, its transform.

Every money entity reads accounts with their whole ledger (``NestedFinance``:
a page of accounts with their invoices, debits, credits and payments in one
request, follow-ups only for an account that overflowed), and takes its own
records out of each account (``transform.finance_records``). Memory, not
Sonar's budget, sizes these reads: a page of 50 accounts' ledgers decodes to
about 26 MB (8,500 records of 3 KB each), so the documents are kept to
``ACCOUNTS_PER_DOCUMENT`` accounts and read ``MONEY_PARTITIONS`` ranges at a
time (at 10,000 accounts that is still only a few hundred requests).

The entities share each page's request (``SharedLedger``): one read of the
ledger for all of them, each decoding only the relations it needs.

Each account's Sonar balance is handed to ``ledger`` as it is read, so the
end-of-run check (``balance_check``) can compare it with Splynx's without
reading the ledger again. The profile's ``[finance] mode`` decides which
entities run at all: "history" has no opening balances, "balance" no payments
nor transactions of their own (``finance_entities``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from migrator.entity_map import MappedEntity
from migrator.pipeline.entities import EntitySpec, Sink
from migrator.pipeline.sources import SonarSource, widening
from migrator.profile_rules import FinanceRules
from migrator.records import Cleaned, ParentRef, Resolved
from migrator.sonar.changed_parents import ACCOUNT_LEDGER, ChangedParents
from migrator.sonar.extract import Extractor
from migrator.sonar.finance import NestedFinance
from migrator.sonar.ledger_models import LedgerCredit, LedgerDebit
from migrator.sonar.models import AccountWithFinance
from migrator.sonar.relations import FINANCE_FIELDS
from migrator.sonar.shared_ledger import SharedLedger
from migrator.sonar.sizing import DocumentSizer
from migrator.splynx.payloads import Transaction
from migrator.transform import finance_records as shares
from migrator.transform.finance_invoices import InvoiceRecord, invoice_parents, splynx_invoice
from migrator.transform.finance_payments import PaymentRecord, payment_parents, splynx_payment
from migrator.transform.finance_transactions import (
    debit_transaction,
    discount_transaction,
    opening_balance,
    transaction_parents,
)

__all__ = [
    "ACCOUNTS_PER_DOCUMENT",
    "FINANCE_ENTITIES",
    "LedgerSink",
    "finance_entities",
    "finance_makers",
]

T = TypeVar("T")
SinkFactory = Callable[..., Sink[Any]]
LedgerSink = Callable[[int, int], None]  # (account id, what it owes in cents)
Maker = Callable[[MappedEntity], EntitySpec[Any, Any]]

ACCOUNTS_PER_DOCUMENT = 25
MONEY_PARTITIONS = 2
# The parts of an account's ledger each entity's records are made of.
# Those reading all four also tell ``ledger`` each account's balance (it needs them all).
RELATIONS: dict[str, tuple[str, ...]] = {
    "invoices": ("invoices", "debits", "credits", "payments"),
    "payments": ("payments", "credits"),
    "transactions": ("debits", "credits"),
    "opening_balances": ("invoices", "debits", "credits", "payments"),
}
FINANCE_ENTITIES: dict[str, frozenset[str]] = {
    "invoices": frozenset({"history", "balance"}),
    "payments": frozenset({"history"}),
    "transactions": frozenset({"history"}),
    "opening_balances": frozenset({"balance"}),
}


def finance_entities(names: Iterable[str], rules: FinanceRules) -> list[str]:
    """``names`` without the money entities the profile's mode does not move."""
    return [n for n in names if n not in FINANCE_ENTITIES or rules.mode in FINANCE_ENTITIES[n]]


def _describe(record: Any) -> dict[str, Any]:
    """The Sonar record of a reject: the invoice, payment, debit or credit itself."""
    if isinstance(record, InvoiceRecord):
        return record.invoice.model_dump(mode="json", by_alias=True)
    if isinstance(record, PaymentRecord):
        return record.payment.model_dump(mode="json", by_alias=True)
    if isinstance(record, shares.OpeningRecord):
        return {"account_id": record.account_id, "owed_cents": record.owed_cents}
    return record.model_dump(mode="json", by_alias=True)  # type: ignore[no-any-return]


def _recording(
    share: Callable[[AccountWithFinance], list[tuple[int, T]]], ledger: LedgerSink | None
) -> Callable[[AccountWithFinance], list[tuple[int, T]]]:
    """``share``, telling ``ledger`` each account's Sonar balance on the way."""

    def explode(account: AccountWithFinance) -> list[tuple[int, T]]:
        if ledger is not None:
            ledger(account.id, shares.account_owed_cents(account))
        return share(account)

    return explode


def _transaction(
    record: LedgerDebit | LedgerCredit, resolved: Resolved, *, rules: FinanceRules, zone: ZoneInfo
) -> Cleaned[Transaction]:
    if isinstance(record, LedgerDebit):
        return debit_transaction(record, resolved, rules=rules, zone=zone)
    return discount_transaction(record, resolved, rules=rules, zone=zone)


def _opening(
    record: shares.OpeningRecord, resolved: Resolved, *, rules: FinanceRules, cutover: dt.date
) -> Cleaned[Transaction]:
    cleaned = opening_balance(
        record.account_id, record.owed_cents, record.open_invoices, resolved,
        rules=rules, cutover=cutover,
    )  # fmt: skip
    assert cleaned is not None, "opening_records keeps only accounts that need one"
    return cleaned


def _account_parent(record: shares.OpeningRecord) -> list[ParentRef]:
    return [ParentRef("customers", record.account_id, "account_id")]


def finance_makers(
    rules: FinanceRules,
    extractor: Extractor,
    sink: SinkFactory,
    zone: ZoneInfo,
    *,
    nested_page_size: int,
    consumers: int,
    ledger: LedgerSink | None = None,
    changed: ChangedParents | None = None,
) -> dict[str, Maker]:
    """The makers of the money entities' specs (see ``wiring.build_specs``); ``consumers``
    is how many of them this run makes, the readers of each shared page. In a delta
    (``changed``) the accounts read are those whose ledger changed."""
    sizer = DocumentSizer(accounts=ACCOUNTS_PER_DOCUMENT, nested=nested_page_size)
    # a page each entity is on in each range, and as many again while one catches up
    shared = SharedLedger(
        NestedFinance(nested_page_size, sizer=sizer), consumers, keep=4 * MONEY_PARTITIONS
    )
    cutover = dt.datetime.now(zone).date()

    def spec(
        row: MappedEntity,
        share: Callable[[AccountWithFinance], list[tuple[int, Any]]],
        transform: Callable[..., Cleaned[Any]],
        parents: Callable[[Any], list[ParentRef]],
    ) -> EntitySpec[Any, Any]:
        relations = RELATIONS[row.name]
        reader = shared.ledger_view(relations)
        whole = set(relations) == set(FINANCE_FIELDS)
        explode = _recording(share, ledger if whole else None)
        return EntitySpec(
            row.name,
            SonarSource(
                extractor,
                "accounts",
                reader,
                explode=explode,
                max_partitions=MONEY_PARTITIONS,
                **widening(changed, ACCOUNT_LEDGER, own=False),
            ),
            sink(row.endpoint),
            transform,
            parents=parents,
            depends_on=row.depends_on,
            describe=_describe,
        )

    money: dict[str, Any] = {"rules": rules, "zone": zone}
    return {
        "invoices": lambda row: spec(
            row, partial(shares.invoice_records, mode=rules.mode),
            partial(splynx_invoice, **money), invoice_parents,
        ),
        "payments": lambda row: spec(
            row, shares.payment_records, partial(splynx_payment, **money), payment_parents
        ),
        "transactions": lambda row: spec(
            row, shares.transaction_records, partial(_transaction, **money), transaction_parents
        ),
        "opening_balances": lambda row: spec(
            row, shares.opening_records, partial(_opening, rules=rules, cutover=cutover),
            _account_parent,
        ),
    }  # fmt: skip
