"""SIGKILLs while the money is written straight into Splynx's tables, then resume: exact.

``migrator run`` in its own process, the database path on (``SPLYNX_DB_DSN``
the Splynx simulator's own MariaDB database), killed three times once money
records are being settled, then a last run to the end. A batch killed before
its COMMIT leaves nothing (the server rolls it back), one killed after it is
adopted by its markers on resume; so through Splynx's API every invoice,
payment and transaction is there once, none missing, and every customer's
balance is Sonar's.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from migrator.pipeline.state import StateStore
from migrator.profile import load_profile
from migrator.sim.faults import Latency
from migrator.splynx.client import SplynxClient
from tests.support.finance_checks import check_balances, check_money
from tests.support.migration_checks import rejects_of
from tests.support.migration_processes import environment, grows, kill_repeatedly, run_to_end
from tests.support.pair import running_pair, settings_for
from tests.support.splynx_db import splynx_storage

pytestmark = pytest.mark.slow

MONEY = ("invoices", "payments", "transactions")


def money_settled(state: Path) -> int:
    if not state.exists():
        return 0
    store = StateStore.open(state)
    try:
        return sum(c.created + c.adopted + c.rejected for c in store.counts() if c.entity in MONEY)
    finally:
        store.close()


async def test_sigkills_during_the_money_load_leave_every_record_once_and_balances_equal(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    rng = random.Random(20261203)
    with splynx_storage("mariadb", request, prefix="migrator_money_kill") as splynx:
        slow = {**splynx, "latency": Latency(10, 5), "workers": 4}
        async with running_pair({"scale": 120, "seed": 7}, slow) as pair:
            state = tmp_path / "state.sqlite3"
            env = {
                **environment(pair.sonar_url, pair.splynx_url, state),
                "SPLYNX_DB_DSN": splynx["db_dsn"],
            }
            only = ",".join(("partners", "locations", "customers", *MONEY))
            command = [sys.executable, "-m", "migrator", "run", "--only", only]
            command += ["--env-file", str(tmp_path / "none")]
            kills = await kill_repeatedly(
                command, env, tmp_path, rng, working=grows(lambda: money_settled(state)),
                pause=(0.0, 0.6),
            )  # fmt: skip
            final = await run_to_end(command, env, tmp_path)
            assert kills >= 2, "too few kills landed while money was being written"
            assert b"balances: all 120 customers' equal Sonar's to the cent" in final.stdout
            settings = settings_for(pair, state)
            async with SplynxClient.open(settings) as client:
                found = await check_money(client, pair, rejects_of(state), load_profile("full"))
                assert await check_balances(client, pair) == 120
            assert min(found.values()) > 100, found
