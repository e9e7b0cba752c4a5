"""Issue 14 end to end: the money arrives once, and every customer's balance is Sonar's.

Both simulators over real HTTP, the Splynx one in memory and on MariaDB, both
``[finance]`` modes. Each invoice, payment and transaction is read back
through Splynx's API and held against the transform of the Sonar simulator's
own records (``tests/support/finance_checks``); each customer's balance, read
through the API, against Sonar's ledger summed on the raw records. The run's
own balance check agrees, and a balance changed behind the migration's back
makes a re-run exit 5 naming the account.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from migrator.events import RequestDone
from migrator.exitcodes import ExitCode
from migrator.profile import Profile, load_profile
from migrator.splynx.client import SplynxClient
from migrator.splynx.payloads import Transaction
from tests.support.finance_checks import check_balances, check_money, customers_by_account
from tests.support.migration_checks import rejects_of, run
from tests.support.pair import running_pair
from tests.support.splynx_db import splynx_storage

pytestmark = pytest.mark.slow

SCALE, SEED = 40, 5
MONEY = (
    "partners", "locations", "customers",
    "invoices", "payments", "transactions", "opening_balances",
)  # fmt: skip


def _profile(mode: str) -> Profile:
    full = load_profile("full")
    finance = full.finance.model_copy(update={"mode": mode})
    return full.model_copy(update={"finance": finance})


@pytest.mark.parametrize("mode", ["history", "balance"])
@pytest.mark.parametrize(
    ("storage", "path"), [("memory", "api"), ("mariadb", "api"), ("mariadb", "db")]
)
async def test_money_arrives_once_and_every_balance_is_sonars(
    tmp_path: Path, storage: str, path: str, mode: str, request: pytest.FixtureRequest
) -> None:
    profile = _profile(mode)
    with splynx_storage(storage, request, prefix="migrator_money") as splynx:
        # the database path writes into the very tables the simulator's API serves
        database = {"splynx_db_dsn": splynx["db_dsn"]} if path == "db" else {}
        async with running_pair({"scale": SCALE, "seed": SEED}, splynx) as pair:
            state = tmp_path / "state.sqlite3"
            result, settings, events = await run(
                pair, state, entities=MONEY, profile=profile, **database
            )
            assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
            assert result.balances is not None and result.balances.mismatches == ()
            async with SplynxClient.open(settings) as client:
                found = await check_money(client, pair, rejects_of(state), profile)
                checked = await check_balances(client, pair)
            assert result.balances.checked == checked > 0
            if mode == "history":
                assert min(found["invoices"], found["payments"], found["transactions"]) > 50
                assert "opening_balances" not in found
            else:
                assert found["invoices"] > 5 and found["opening_balances"] > 5, found
                assert "payments" not in found
            money_posts = [
                e for e in events
                if isinstance(e, RequestDone) and e.system == "splynx"
                and e.operation.split(" ")[:2] in (["POST", "invoices"], ["POST", "payments"])
            ]  # fmt: skip
            assert (money_posts == []) == (path == "db"), money_posts[:3]

            # Again: nothing is created twice, and the check still holds.
            again, _, _ = await run(pair, state, entities=MONEY, profile=profile, **database)
            assert again.exit_code == result.exit_code, again.message
            async with SplynxClient.open(settings) as client:
                assert await check_money(client, pair, rejects_of(state), profile) == found


async def test_a_balance_changed_behind_our_back_exits_5_naming_the_account(
    tmp_path: Path,
) -> None:
    profile = _profile("history")
    async with running_pair({"scale": 12, "seed": SEED}) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, _ = await run(pair, state, entities=MONEY, profile=profile)
        assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
        async with SplynxClient.open(settings) as client:
            account, customer = min((await customers_by_account(client)).items())
            stray = Transaction(
                type="debit", customer_id=customer, date=dt.date.today().isoformat(),
                category=1, description="a fee added by hand", quantity=1,
                price=Decimal("12.34"),
            )  # fmt: skip
            await client.create("transactions", stray)
        again, _, _ = await run(pair, state, entities=MONEY, profile=profile)
        assert again.exit_code == ExitCode.BLOCKED
        assert again.balances is not None
        [mismatch] = again.balances.mismatches
        assert (mismatch.account_id, mismatch.customer_id) == (account, customer)
        assert mismatch.splynx == mismatch.sonar - Decimal("12.34")
        assert f"account {account} (customer {customer})" in again.message
