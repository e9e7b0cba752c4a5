"""SIGKILLs while tickets and their messages are written, then resume: exact, in order.

``migrator run`` in its own process against both simulators, killed three
times once tickets or messages are being settled (the kill lands between a
message's 201 and its id map entry now and then), then a last run to the end.
A message has no marker field: on resume, one in the window is looked up among
its ticket's messages by its natural key and adopted. So through Splynx's API
every ticket is there once, every message once, none missing, in Sonar's order.
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
from tests.support.migration_checks import rejects_of
from tests.support.migration_processes import environment, grows, kill_repeatedly, run_to_end
from tests.support.pair import Pair, running_pair, settings_for
from tests.support.splynx_db import splynx_storage
from tests.support.support_checks import check_support

pytestmark = pytest.mark.slow

TICKETS = ("tickets", "ticket_messages")


def tickets_settled(state: Path) -> int:
    if not state.exists():
        return 0
    store = StateStore.open(state)
    try:
        counts = store.counts()
        return sum(c.created + c.adopted + c.rejected for c in counts if c.entity in TICKETS)
    finally:
        store.close()


@pytest.mark.parametrize(("storage", "path"), [("memory", "api"), ("mariadb", "db")])
async def test_sigkills_during_the_ticket_load_leave_every_message_once_in_order(
    tmp_path: Path, storage: str, path: str, request: pytest.FixtureRequest
) -> None:
    rng = random.Random(20261215)
    with splynx_storage(storage, request, prefix="migrator_support_kill") as splynx:
        slow = {**splynx, "latency": Latency(8, 4), "workers": 4}
        # the database path writes a batch in milliseconds: more tickets, and kills sooner
        scale, wait = (150, 0.05) if path == "db" else (40, 0.5)
        async with running_pair({"scale": scale, "seed": 11}, slow) as pair:
            db_dsn = splynx["db_dsn"] if path == "db" else None
            await _kill_and_resume(pair, tmp_path, rng, db_dsn, wait)


async def _kill_and_resume(
    pair: Pair, tmp_path: Path, rng: random.Random, db_dsn: str | None, wait: float
) -> None:
    state = tmp_path / "state.sqlite3"
    env = environment(pair.sonar_url, pair.splynx_url, state)
    if db_dsn is not None:  # tickets and messages straight into the simulator's tables
        env["SPLYNX_DB_DSN"] = db_dsn
    only = ",".join(("partners", "locations", "customers", "administrators", *TICKETS))
    command = [sys.executable, "-m", "migrator", "run", "--only", only]
    command += ["--env-file", str(tmp_path / "none")]
    kills = await kill_repeatedly(
        command, env, tmp_path, rng, working=grows(lambda: tickets_settled(state)),
        pause=(0.0, wait),
    )  # fmt: skip
    await run_to_end(command, env, tmp_path)
    assert kills >= 2, "too few kills landed while tickets were being written"
    settings = settings_for(pair, state)
    async with SplynxClient.open(settings) as client:
        found = await check_support(client, pair, rejects_of(state), load_profile("full"))
    assert found["tickets"] > 80 and found["messages"] > 150, found
