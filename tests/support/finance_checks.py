"""Money after a migration, read back through Splynx's API and held against Sonar's data.

- ``sonar_ledgers``: every account with its invoices, debits, credits and
  payments, straight from the Sonar simulator's tables (not through the
  migrator's reader).
- ``check_money``: every invoice, payment and transaction the profile's mode
  moves is in Splynx exactly once (found by its marker) with the fields the
  transform gives, or rejected (its reason kept); no record of ours is in
  Splynx that Sonar does not explain.
- ``check_balances``: each migrated customer's balance as Splynx's API reports it
  equals Sonar's ledger, summed here on the raw records (debits not reversed,
  less successful payments, less discount credits not voided), sign turned.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from migrator.profile import Profile
from migrator.profile_rules import FinanceRules
from migrator.records import Resolved
from migrator.sim.sonar.table import Dataset
from migrator.sonar.ledger_models import LedgerDebit
from migrator.sonar.models import AccountWithFinance
from migrator.splynx.client import SplynxClient
from migrator.splynx.records import CustomerBalance, SplynxRecord
from migrator.transform import finance_records as shares
from migrator.transform.finance_invoices import splynx_invoice
from migrator.transform.finance_markers import (
    credit_marker,
    debit_marker,
    invoice_number,
    opening_marker,
    payment_marker,
)
from migrator.transform.finance_payments import paid_invoices, splynx_payment
from migrator.transform.finance_transactions import (
    debit_transaction,
    discount_transaction,
    opening_balance,
)
from tests.support.migration_checks import differences, everything
from tests.support.pair import Pair

__all__ = ["check_balances", "check_money", "ledgers_of", "sonar_ledgers", "sonar_owed"]

_MONEY = ("invoices", "debits", "credits", "payments")


def sonar_ledgers(pair: Pair) -> list[AccountWithFinance]:
    """Every account with its whole ledger, from the simulator's own tables."""
    return ledgers_of(pair.dataset)


def ledgers_of(dataset: Dataset) -> list[AccountWithFinance]:
    """Every account of ``dataset`` with its whole ledger."""
    owned: dict[str, dict[int, list[dict[str, Any]]]] = {q: defaultdict(list) for q in _MONEY}
    for query in _MONEY:
        for record in dataset.records(query):
            owned[query][int(record["account_id"])].append(record)
    ledgers = []
    for account in dataset.records("accounts"):
        key = int(account["id"])
        ledger = {q: sorted(owned[q][key], key=lambda r: int(r["id"])) for q in _MONEY}
        ledgers.append(AccountWithFinance.model_validate({**account, **ledger}))
    return ledgers


def sonar_owed(pair: Pair) -> dict[int, int]:
    """Cents each account owes in Sonar, summed on the raw records (negative: in credit)."""
    owed: Counter[int] = Counter()
    dataset = pair.dataset
    for debit in dataset.records("debits"):
        if not debit["reversed"]:
            owed[int(debit["account_id"])] += int(debit["amount"])
    for payment in dataset.records("payments"):
        if payment["successful"]:
            owed[int(payment["account_id"])] -= int(payment["amount"])
    for invoice in dataset.records("invoices"):
        if not invoice["void"]:
            owed[int(invoice["account_id"])] += int(invoice["total_taxes"])
    for credit in dataset.records("credits"):
        if credit["creditable_type"] == "Discount" and not credit["void"]:
            owed[int(credit["account_id"])] -= int(credit["amount"])
    return dict(owed)


async def customers_by_account(client: SplynxClient) -> dict[int, int]:
    return {
        int(c.additional_attributes["sonar_id"]): c.id
        for c in await everything(client, "customers")
        if c.additional_attributes.get("sonar_id")
    }


def _once(records: list[SplynxRecord], field: str, what: str) -> dict[str, SplynxRecord]:
    """Records by their marker, none twice."""
    counts = Counter(str(r[field]) for r in records)
    twice = [marker for marker, n in counts.items() if n > 1]
    assert twice == [], f"{what} created more than once: {twice[:10]}"
    return {str(r[field]): r for r in records}


async def check_money(
    client: SplynxClient,
    pair: Pair,
    rejected: dict[str, set[int]],
    profile: Profile,
) -> dict[str, int]:
    """Every money record the mode moves is in Splynx once, as the transform says, or
    rejected; the counts found per kind."""
    rules, zone = profile.finance, ZoneInfo(profile.defaults.timezone)
    customers = await customers_by_account(client)
    invoices = _once(await everything(client, "invoices"), "number", "an invoice")
    payments = _once(await everything(client, "payments"), "receipt_number", "a payment")
    booked = await everything(client, "transactions")
    ours = [t for t in booked if str(t["comment"]).startswith("sonar:")]
    transactions = _once(ours, "comment", "a transaction")
    found: Counter[str] = Counter()
    expected_markers: set[str] = set()
    for account in sonar_ledgers(pair):
        customer = customers.get(account.id)
        resolved = Resolved({"account_id": customer or 0})
        for key, record in shares.invoice_records(account, rules.mode):
            number = invoice_number(key, rules)
            expected_markers.add(number)
            if _absent(number, invoices, key, rejected.get("invoices", set()), customer):
                continue
            payload = splynx_invoice(record, resolved, rules=rules, zone=zone).payload
            actual = invoices[number]
            body = payload.body()
            body.pop("items")
            assert differences(body, actual.fields(), skip=set()) == [], number
            assert [Decimal(str(i["price"])) for i in actual["items"]] == [
                i.price for i in payload.items
            ], number
            found["invoices"] += 1
        if rules.mode == "history":
            found["payments"] += _check_payments(
                account, customer, payments, invoices, rejected, rules, zone, expected_markers
            )
            found["transactions"] += _check_transactions(
                account, customer, transactions, rejected, rules, zone, expected_markers
            )
        else:
            found["opening_balances"] += _check_opening(
                account, customer, transactions, rejected, rules, expected_markers
            )
    ours_there = set(invoices) | set(payments) | set(transactions)
    unexplained = sorted(ours_there - expected_markers)
    assert unexplained == [], f"records in Splynx Sonar does not explain: {unexplained[:10]}"
    return dict(found)


def _absent(
    marker: str, there: dict[str, SplynxRecord], key: int, rejected: set[int], customer: int | None
) -> bool:
    """True (and checked) when the record is rightly not in Splynx: rejected, or its
    customer is not there."""
    if customer is None or key in rejected:
        assert marker not in there, f"{marker} is in Splynx though rejected"
        return True
    assert marker in there, f"{marker} is missing from Splynx and was not rejected"
    assert int(there[marker]["customer_id"]) == customer, marker
    return False


def _check_payments(
    account: AccountWithFinance,
    customer: int | None,
    payments: dict[str, SplynxRecord],
    invoices: dict[str, SplynxRecord],
    rejected: dict[str, set[int]],
    rules: FinanceRules,
    zone: ZoneInfo,
    markers: set[str],
) -> int:
    count = 0
    for key, record in shares.payment_records(account):
        marker = payment_marker(key)
        markers.add(marker)
        if _absent(marker, payments, key, rejected.get("payments", set()), customer):
            continue
        applied = paid_invoices(record)
        parents = {"account_id": customer or 0}
        if applied:
            parents["invoice_id"] = invoices[invoice_number(applied[0], rules)].id
        payload = splynx_payment(record, Resolved(parents), rules=rules, zone=zone).payload
        assert differences(payload.body(), payments[marker].fields(), skip=set()) == [], marker
        count += 1
    return count


def _check_transactions(
    account: AccountWithFinance,
    customer: int | None,
    transactions: dict[str, SplynxRecord],
    rejected: dict[str, set[int]],
    rules: FinanceRules,
    zone: ZoneInfo,
    markers: set[str],
) -> int:
    count = 0
    resolved = Resolved({"account_id": customer or 0})
    for key, record in shares.transaction_records(account):
        if isinstance(record, LedgerDebit):
            marker = debit_marker(key)
            payload = debit_transaction(record, resolved, rules=rules, zone=zone).payload
        else:
            marker = credit_marker(record.id)
            payload = discount_transaction(record, resolved, rules=rules, zone=zone).payload
        markers.add(marker)
        if _absent(marker, transactions, key, rejected.get("transactions", set()), customer):
            continue
        assert differences(payload.body(), transactions[marker].fields(), skip=set()) == [], marker
        count += 1
    return count


def _check_opening(
    account: AccountWithFinance,
    customer: int | None,
    transactions: dict[str, SplynxRecord],
    rejected: dict[str, set[int]],
    rules: FinanceRules,
    markers: set[str],
) -> int:
    count = 0
    for key, record in shares.opening_records(account):
        marker = opening_marker(key)
        markers.add(marker)
        if _absent(marker, transactions, key, rejected.get("opening_balances", set()), customer):
            continue
        there = transactions[marker]
        cutover = dt.date.fromisoformat(str(there["date"])[:10])
        cleaned = opening_balance(
            record.account_id, record.owed_cents, record.open_invoices,
            Resolved({"account_id": customer or 0}), rules=rules, cutover=cutover,
        )  # fmt: skip
        assert cleaned is not None
        assert differences(cleaned.payload.body(), there.fields(), skip=set()) == [], marker
        count += 1
    return count


async def check_balances(client: SplynxClient, pair: Pair) -> int:
    """Every migrated customer's Splynx balance is Sonar's, to the cent; how many checked."""
    owed = sonar_owed(pair)
    wrong = []
    customers = await customers_by_account(client)
    for account_id, customer_id in sorted(customers.items()):
        billing = await client.get_as(CustomerBalance, "customer_billing", customer_id)
        assert billing is not None, f"customer {customer_id} has no billing record"
        expected = -Decimal(owed.get(account_id, 0)).scaleb(-2)
        if billing.deposit != expected:
            wrong.append((account_id, str(expected), str(billing.deposit)))
    assert wrong == [], f"balances differ (account, Sonar, Splynx): {wrong[:10]}"
    return len(customers)
