"""``migrator rollback`` as a user runs it, after a real run through both simulators over HTTP.

Splynx is photographed before the first run (through its API, and row by row
in MariaDB where the simulator keeps its tables there); after a run with
money, a rollback without --yes changes nothing, one with --yes leaves the
photograph as it was, a second one has nothing to do, verify finds none of our
records, and a new run migrates everything again: administrators, tickets and
their conversations included (a ticket goes with its first message, which came
with its create). A partner the ISP already
had is never deleted; a customer changed by hand is kept and named until
--force. A rollback SIGKILLed mid-way and run again ends exactly as one that
was not.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import sys
from pathlib import Path

import anyio
import pytest

from migrator.entity_map import ENTITY_ORDER
from migrator.exitcodes import ExitCode
from migrator.pipeline.support_specs import SUPPORT_ENTITIES
from migrator.sim.faults import Latency
from migrator.splynx.client import SplynxClient
from tests.support.cutover import cli, id_map, photograph, rows, storage
from tests.support.migration_checks import run
from tests.support.migration_processes import environment
from tests.support.pair import running_pair, settings_for

pytestmark = pytest.mark.slow

SCALE = 20
ROLLED = ENTITY_ORDER
# what a new run after the rollback must make again, as many as the first
AGAIN = ("customers", "internet_services", "invoices", "payments", "transactions",
         "administrators", "tickets", "ticket_messages")  # fmt: skip
NO_NOTES = tuple(name for name in ROLLED if name != "customer_notes")
# the crash test: what a run writes one by one through the API is enough to kill it in
NO_SUPPORT = tuple(name for name in NO_NOTES if name not in SUPPORT_ENTITIES)


@pytest.mark.parametrize("kind", ["memory", "mariadb"])
async def test_rollback_leaves_splynx_as_before_and_a_new_run_starts_clean(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with storage(kind, request) as (splynx_options, db):
        dsn = db[0] if db else None
        async with running_pair({"scale": SCALE, "seed": 3}, splynx_options) as pair:
            state = tmp_path / "state.sqlite3"
            settings = settings_for(pair, state, **({"splynx_db_dsn": dsn} if dsn else {}))
            before = await photograph(settings)
            before_rows = rows(db[1]) if db else None
            # without the database the API cannot delete customer comments: none are made
            entities = ROLLED if dsn else NO_NOTES
            result, _, _ = await run(
                pair, state, entities=entities, **({"splynx_db_dsn": dsn} if dsn else {})
            )
            assert result.status in {"completed", "rejects"}, result.message
            migrated = await photograph(settings)
            assert len(migrated["customers"]) > SCALE // 2 and migrated["invoices"]
            assert migrated["payments"] and migrated["transactions"]
            assert migrated["tickets"] and migrated["ticket_messages"]
            assert len(migrated["administrators"]) > len(before["administrators"])
            mapped = id_map(state)
            if db:
                assert rows(db[1])["balances"], "the run moved no balance"

            code, out = await cli(pair, state, "rollback", "--all", dsn=dsn)
            assert code == ExitCode.OK, out
            assert "would delete" in out and "customers" in out and "--yes" in out
            assert await photograph(settings) == migrated and id_map(state) == mapped

            code, out = await cli(pair, state, "rollback", "--all", "--yes", dsn=dsn)
            assert code == ExitCode.OK, out
            assert await photograph(settings) == before
            if db:
                assert rows(db[1]) == before_rows
            assert not [row for row in id_map(state) if row[3] in ("created", "adopted")]

            code, out = await cli(pair, state, "rollback", "--all", "--yes", dsn=dsn)
            assert code == ExitCode.OK and "nothing to roll back" in out, out

            if db is None:
                return  # verify and the new run, once (on MariaDB): the state side is the same
            code, out = await cli(pair, state, "verify", "--all", "--json", dsn=dsn)
            report = json.loads(out[: out.rindex("}") + 1])
            assert all(e["splynx"] == 0 for e in report["entities"]), report

            again, _, _ = await run(
                pair, state, entities=entities, **({"splynx_db_dsn": dsn} if dsn else {})
            )
            assert again.status in {"completed", "rejects"}, again.message
            rerun = await photograph(settings)
            for name in AGAIN:
                assert len(rerun[name]) == len(migrated[name]), name


async def test_the_isps_own_partner_stays_and_a_changed_customer_is_kept_until_force(
    tmp_path: Path,
) -> None:
    async with running_pair({"scale": 12, "seed": 4}) as pair:
        state = tmp_path / "state.sqlite3"
        settings = settings_for(pair, state)
        [company] = pair.dataset.records("companies")
        async with SplynxClient.open(settings) as splynx:
            own = await splynx.create("partners", {"name": company["name"]})
        result, _, _ = await run(pair, state, entities=("partners", "locations", "customers"))
        assert result.status in {"completed", "rejects"}, result.message
        # a second state file finds every customer by its marker: adopted, not created,
        # so kept even with --force
        other = tmp_path / "other.sqlite3"
        result, _, _ = await run(pair, other, entities=("partners", "locations", "customers"))
        assert result.status in {"completed", "rejects"}, result.message
        code, out = await cli(pair, other, "rollback", "--all", "--yes", "--force")
        assert code == ExitCode.REJECTS and "adopted" in out, out
        async with SplynxClient.open(settings) as splynx:
            customers = [c async for c in splynx.iterate("customers")]
            assert len(customers) > 6, "the other state file's rollback deleted customers"
            changed = customers[0]
            await splynx.update("customers", changed.id, {"name": "Changed By Hand"})

        code, out = await cli(pair, state, "rollback", "--all", "--yes")

        assert code == ExitCode.REJECTS, out
        assert "kept" in out and str(changed.id) in out and "name" in out
        async with SplynxClient.open(settings) as splynx:
            left = [c.id async for c in splynx.iterate("customers")]
            assert left == [changed.id]
            assert await splynx.get("partners", own) is not None
        code, out = await cli(pair, state, "rollback", "--all", "--yes", "--force")
        assert code == ExitCode.OK, out
        async with SplynxClient.open(settings) as splynx:
            assert [c async for c in splynx.iterate("customers")] == []
            assert await splynx.get("partners", own) is not None


def planned(state: Path) -> int:
    if not state.exists():
        return 0
    with sqlite3.connect(state) as db:
        return int(db.execute("SELECT COUNT(*) FROM rollback_plan").fetchone()[0])


async def test_a_rollback_killed_mid_way_resumes_to_the_exact_end(tmp_path: Path) -> None:
    slow = {"latency": Latency(12, 4), "workers": 4}
    async with running_pair({"scale": 24, "seed": 6}, slow) as pair:
        state = tmp_path / "state.sqlite3"
        settings = settings_for(pair, state)
        before = await photograph(settings)
        result, _, _ = await run(pair, state, entities=NO_SUPPORT)
        assert result.status in {"completed", "rejects"}, result.message
        command = [sys.executable, "-m", "migrator", "rollback", "--all", "--yes", "--force"]
        command += ["--env-file", str(tmp_path / "none")]
        env = environment(pair.sonar_url, pair.splynx_url, state)
        process = await anyio.open_process(command, env=env, cwd=tmp_path)
        total = 0
        with anyio.move_on_after(30):  # until deleting has visibly begun
            while process.returncode is None and not (0 < planned(state) < total):
                total = max(total, planned(state))
                await anyio.sleep(0.05)
        assert process.returncode is None, "the rollback ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        await process.wait()
        await process.aclose()
        assert planned(state) > 0

        code, out = await cli(pair, state, "rollback", "--all", "--yes", "--force")

        assert code == ExitCode.OK, out
        assert "resumed" in out
        assert planned(state) == 0
        assert await photograph(settings) == before
