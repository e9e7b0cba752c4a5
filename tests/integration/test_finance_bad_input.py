"""Bad money: each record is migrated with notes saying what was done, or rejected by name.

Both simulators over real HTTP. The Sonar ledger is generated (its mess:
void and zero invoices, credits beyond an invoice, refunds as negative
payments, failed payments and returned checks) with one account made
unmigratable by hand (``tests/support/money_fixture``). It is migrated
twice, into a fresh Splynx each time:

- with the profile's lenient choices (and CHECK left out of the payment
  methods, taken as method 5): every record arrives, noted; the rejected
  account's whole ledger is rejected naming its customer; every balance is
  Sonar's; exit 3.
- with every choice "reject" (CHECK left out, unmapped "reject"): each
  refused record is rejected naming its field, a payment of a refused invoice
  with it; a failed payment is neither (it moved no money). A rejected record
  that moved money leaves its customer's balance different from Sonar's by
  exactly its amount, and the run names each such account: exit 5. Refusing
  what moved none (a void or a zero invoice) leaves the balance equal.

In both, ``check_money`` proves nothing is lost: every other record is in
Splynx once, as the transform makes it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from migrator.exitcodes import ExitCode
from migrator.pipeline.state import StateStore
from migrator.pipeline.state_schema import RejectRow
from migrator.profile import Profile, load_profile
from migrator.profile_rules import DEFAULT_PAYMENT_METHODS
from migrator.sonar.entities import PaymentType
from migrator.sonar.models import AccountWithFinance
from migrator.splynx.client import SplynxClient
from migrator.splynx.records import SplynxRecord
from migrator.transform import finance_records as shares
from migrator.transform.finance_markers import payment_marker
from migrator.transform.finance_payments import paid_invoices
from tests.support.finance_checks import check_balances, check_money, sonar_ledgers
from tests.support.migration_checks import everything, rejects_of, run
from tests.support.money_fixture import MoneyCases, money_cases, money_fixture
from tests.support.pair import running_pair

pytestmark = pytest.mark.slow

MONEY = ("partners", "locations", "customers", "invoices", "payments", "transactions")
NO_CHECKS = {k: v for k, v in DEFAULT_PAYMENT_METHODS.items() if k != PaymentType.CHECK}


@dataclass
class Outcome:
    result: Any
    ledgers: list[AccountWithFinance]
    cases: MoneyCases
    rejects: dict[tuple[str, int], RejectRow]
    notes: dict[tuple[str, int], list[str]]
    invoices: dict[str, SplynxRecord]  # by number
    payments: dict[str, SplynxRecord]  # by receipt number


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    directory = tmp_path_factory.mktemp("money") / "fixture"
    return directory, money_fixture(directory)


def _profile(**finance: Any) -> Profile:
    full = load_profile("full")
    return full.model_copy(update={"finance": full.finance.model_copy(update=finance)})


async def _migrate(fixture: Path, tmp_path: Path, profile: Profile) -> Outcome:
    async with running_pair({"fixture": fixture}) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, _ = await run(pair, state, entities=MONEY, profile=profile)
        ledgers = sonar_ledgers(pair)
        async with SplynxClient.open(settings) as client:
            # Nothing lost: every record not rejected is in Splynx once, as transformed.
            await check_money(client, pair, rejects_of(state), profile)
            invoices = {str(r["number"]): r for r in await everything(client, "invoices")}
            payments = {str(r["receipt_number"]): r for r in await everything(client, "payments")}
            if result.exit_code != ExitCode.BLOCKED:
                await check_balances(client, pair)
    store = StateStore.open(state)
    rejects = {(r.entity, r.sonar_id): r for r in store.rejects()}
    notes: dict[tuple[str, int], list[str]] = defaultdict(list)
    for entity, sonar_id, note in store.cleanups():
        notes[(entity, sonar_id)].append(note)
    store.close()
    cases = money_cases(ledgers)
    for kind in ("void", "zero", "credits_over", "negative", "failed", "checks"):
        assert getattr(cases, kind), f"the generated ledger has no {kind} case"
    return Outcome(result, ledgers, cases, rejects, notes, invoices, payments)


def _rejected_as(outcome: Outcome, entity: str, ids: set[int], field: str, says: str) -> None:
    for sonar_id in ids:
        row = outcome.rejects.get((entity, sonar_id))
        assert row is not None, f"{entity} {sonar_id} was not rejected"
        assert (row.field, str(row.record.get("id", row.record.get("account_id")))) == (
            field, str(abs(sonar_id)),
        ), row  # fmt: skip
        assert says in row.reason, row.reason


def _noted(outcome: Outcome, entity: str, ids: set[int], starts: str) -> None:
    for sonar_id in ids:
        lines = outcome.notes[(entity, sonar_id)]
        assert any(line.startswith(starts) for line in lines), (entity, sonar_id, lines)


def _left_out_in_silence(outcome: Outcome) -> None:
    """A failed payment moved no money: neither migrated nor rejected."""
    for payment_id in outcome.cases.failed:
        assert payment_marker(payment_id) not in outcome.payments
        assert ("payments", payment_id) not in outcome.rejects


async def test_bad_money_is_migrated_with_notes_and_a_rejected_accounts_ledger_with_it(
    fixture: tuple[Path, int], tmp_path: Path
) -> None:
    directory, doomed = fixture
    profile = _profile(payment_methods=NO_CHECKS, unmapped_payment_method=5)
    outcome = await _migrate(directory, tmp_path, profile)
    result, cases = outcome.result, outcome.cases
    assert result.exit_code == ExitCode.REJECTS, result.message
    assert result.balances is not None and result.balances.mismatches == ()
    assert result.balances.checked == len(outcome.ledgers) - 1  # all but the rejected one

    # The account rejected, and its whole ledger with it, naming the customer.
    [ledger] = [a for a in outcome.ledgers if a.id == doomed]
    theirs = {
        "invoices": {k for k, _ in shares.invoice_records(ledger, "history")},
        "payments": {k for k, _ in shares.payment_records(ledger)},
        "transactions": {k for k, _ in shares.transaction_records(ledger)},
    }
    assert all(theirs.values()), theirs
    assert outcome.rejects.keys() == {("customers", doomed)} | {
        (entity, key) for entity, keys in theirs.items() for key in keys
    }
    assert outcome.rejects[("customers", doomed)].field == "name"
    for entity, keys in theirs.items():
        _rejected_as(outcome, entity, keys, "account_id", f"customers {doomed} is not in Splynx")

    # Each case migrated, and its notes say what was done.
    by_number = outcome.invoices
    _noted(outcome, "invoices", cases.void, "void: voided in Sonar: status deleted")
    assert {by_number[str(i)]["status"] for i in cases.void} == {"deleted"}
    _noted(outcome, "invoices", cases.zero, "total_debits: a zero-amount invoice: migrated as paid")
    _noted(outcome, "invoices", cases.credits_over, "credits: credits applied (")
    assert {by_number[str(i)]["status"] for i in cases.zero | cases.credits_over} == {"paid"}
    _noted(outcome, "payments", cases.negative, "amount: a negative payment (-")
    assert all(Decimal(outcome.payments[payment_marker(p)]["amount"]) < 0 for p in cases.negative)
    method = "payment_type: CHECK is not in [finance.payment_methods]: method 5"
    _noted(outcome, "payments", cases.checks, method)
    assert {int(outcome.payments[payment_marker(p)]["payment_type"]) for p in cases.checks} == {5}
    _left_out_in_silence(outcome)


async def test_refused_money_is_rejected_by_name_and_each_balance_it_changes_is_named(
    fixture: tuple[Path, int], tmp_path: Path
) -> None:
    directory, doomed = fixture
    refuse = "reject"
    profile = _profile(
        payment_methods=NO_CHECKS, unmapped_payment_method=refuse, void_invoices=refuse,
        zero_invoices=refuse, excess_credits=refuse, negative_payments=refuse,
    )  # fmt: skip
    outcome = await _migrate(directory, tmp_path, profile)
    result, cases = outcome.result, outcome.cases
    _rejected_as(outcome, "invoices", cases.void, "void", '[finance] void_invoices = "reject"')
    _rejected_as(outcome, "invoices", cases.zero, "total_debits", "a zero-amount invoice")
    _rejected_as(outcome, "invoices", cases.credits_over, "credits", "exceed the invoice's")
    refused = cases.void | cases.zero | cases.credits_over
    expected: dict[str, set[int]] = {"amount": set(), "payment_type": set(), "invoice_id": set()}
    for ledger in outcome.ledgers:
        if ledger.id == doomed:
            continue
        for key, record in shares.payment_records(ledger):
            applied = paid_invoices(record)
            if applied and applied[0] in refused:  # its invoice refused: the payment with it
                expected["invoice_id"].add(key)
            elif key in cases.negative:
                expected["amount"].add(key)
            elif key in cases.checks:
                expected["payment_type"].add(key)
    assert expected["invoice_id"] and expected["amount"] and expected["payment_type"]
    _rejected_as(outcome, "payments", expected["amount"], "amount", "a negative payment")
    _rejected_as(outcome, "payments", expected["payment_type"], "payment_type", "not mapped")
    _rejected_as(outcome, "payments", expected["invoice_id"], "invoice_id", "is not in Splynx")
    mine = {k for k in outcome.rejects if k[0] == "customers" or _owner(outcome, k) == doomed}
    assert outcome.rejects.keys() - mine == {("invoices", i) for i in refused} | {
        ("payments", p) for ids in expected.values() for p in ids
    }
    _left_out_in_silence(outcome)

    # What the rejects leave Splynx without, per account, in Splynx's sign: a refused invoice
    # would have lowered the balance by its total, a refused payment raised it by its amount.
    missing: dict[int, int] = defaultdict(int)
    for (entity, sonar_id), row in outcome.rejects.items():
        account = 0 if entity == "customers" else _owner(outcome, (entity, sonar_id))
        if account in (0, doomed):
            continue
        if entity == "invoices" and not row.record["void"]:
            missing[account] -= row.record["total_debits"] + row.record["total_taxes"]
        elif entity == "payments":
            missing[account] += row.record["amount"]
    differing = {account: cents for account, cents in missing.items() if cents}
    costless = {_owner(outcome, ("invoices", i)) for i in cases.void | cases.zero}
    assert costless - differing.keys(), "an account whose only refusals cost no money"
    assert result.exit_code == ExitCode.BLOCKED, result.message
    assert result.balances is not None
    found = {m.account_id: m for m in result.balances.mismatches}
    assert found.keys() == differing.keys()
    for account, cents in differing.items():
        mismatch = found[account]
        assert mismatch.splynx is not None
        assert mismatch.sonar - mismatch.splynx == Decimal(cents).scaleb(-2), account
        if len(found) <= 20:  # the run's message shows the first 20
            assert f"account {account} (customer {mismatch.customer_id})" in result.message


def _owner(outcome: Outcome, key: tuple[str, int]) -> int:
    entity, sonar_id = key
    if entity == "transactions":
        return next(
            a.id for a in outcome.ledgers
            if any(k == sonar_id for k, _ in shares.transaction_records(a))
        )  # fmt: skip
    return outcome.cases.owner[(entity.rstrip("s"), sonar_id)]
