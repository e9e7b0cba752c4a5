"""The generated ledger holds the money mess each rule of the money transforms is for.

Void and zero invoices, failed payments (some of them returned checks), refunds
as negative payments, credits on top of a paid invoice: each at a small share,
each present in a dataset as small as the end-to-end tests use, and added
without touching any table but the money ones.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from migrator.sim.sonar.generate import billing_mess, generate_dataset
from migrator.sim.sonar.table import Dataset
from migrator.sonar.schema import SERVED_QUERIES

MONEY = {"invoices", "debits", "credits", "payments"}


def mess_of(dataset: Dataset) -> Counter[str]:
    """How many records of each kind of mess ``dataset`` holds."""
    invoices = list(dataset.records("invoices"))
    payments = list(dataset.records("payments"))
    applied: Counter[str] = Counter()
    for credit in dataset.records("credits"):
        if not credit["void"]:
            applied[credit["invoice_id"]] += credit["amount"]
    found: Counter[str] = Counter()
    for invoice in invoices:
        found["void"] += invoice["void"]
        found["zero"] += not invoice["void"] and invoice["total_debits"] == 0
        found["credits over"] += applied[invoice["id"]] > invoice["total_debits"]
    for payment in payments:
        failed = not payment["successful"]
        found["failed"] += failed
        found["returned check"] += failed and payment["payment_type"] == "CHECK"
        found["negative"] += payment["amount"] < 0
    found["invoices"], found["payments"] = len(invoices), len(payments)
    return found


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_every_kind_of_money_mess_is_there_at_forty_accounts(seed: int) -> None:
    found = mess_of(generate_dataset(40, seed))
    for kind in ("void", "zero", "credits over", "failed", "returned check", "negative"):
        assert found[kind] > 0, (kind, found)


def test_the_money_mess_is_a_small_share_and_consistent() -> None:
    dataset = generate_dataset(400, seed=11)
    found = mess_of(dataset)
    invoices, payments = found["invoices"], found["payments"]
    assert 0.003 <= found["void"] / invoices <= 0.012, found
    assert 0.002 <= found["credits over"] / invoices <= 0.012, found
    assert 0.002 <= found["negative"] / payments <= 0.01, found
    assert 0.03 <= found["failed"] / payments <= 0.09, found
    assert 0.05 <= found["returned check"] / found["failed"] <= 0.25, found
    refunds = [p for p in dataset.records("payments") if p["amount"] < 0]
    assert all(p["successful"] and p["amount_remaining"] == 0 for p in refunds)
    assert all("Refund" in p["description"] for p in refunds)
    waived = [d for d in dataset.records("debits") if d["description"].endswith("(waived)")]
    assert waived and all(d["amount"] == 0 and d["invoice_id"] for d in waived)


def test_the_mess_leaves_every_other_table_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every rate at 0 the mess adds nothing; with them, only the money tables change:
    it never draws from the stream the other generators share."""
    messy = generate_dataset(40, seed=5)
    for rate in ("DUPLICATED", "WAIVED_INSTALL", "REFUNDED", "RETURNED_CHECK", "GOODWILL"):
        monkeypatch.setattr(billing_mess, rate, 0.0)
    tidy = generate_dataset(40, seed=5)
    assert not any(mess_of(tidy)[k] for k in ("credits over", "returned check", "negative"))

    def records(dataset: Dataset, query: str) -> list[dict[str, Any]]:
        return list(dataset.records(query))

    for query in SERVED_QUERIES:
        if query not in MONEY:
            assert records(messy, query) == records(tidy, query), query
    for query in MONEY:
        assert tidy.count(query) < messy.count(query), query
