"""SIGKILLs during a delta sync, then the same command again: the end state is exact.

A whole run, a batch of changes in Sonar, then ``migrator run --since last`` in
its own process, killed three times while it works (once its partitions are
planned), and run once more to the end. The resumed sync starts from the same
instant (the run it follows is still the last that went through) and keeps its
own checkpoints; what a killed process created is adopted by its marker, what
it updated compares equal. ``verify --all`` then finds every Sonar record in
Splynx once, with the transform's fields: the new accounts created, the renamed
ones renamed, nothing twice.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path

import anyio
import pytest

from migrator.exitcodes import ExitCode
from migrator.sim.faults import Latency
from tests.support.cutover import change_sonar, verify_cli
from tests.support.migration_checks import run
from tests.support.migration_processes import WITHOUT_MONEY, environment
from tests.support.pair import running_pair

pytestmark = pytest.mark.slow


def sync_planned(state: Path) -> bool:
    """Whether the sync has planned partitions of its own (``entity@since=...``)."""
    with sqlite3.connect(state) as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM partitions WHERE instr(entity, '@') > 0"
        ).fetchone()
    return int(count) > 0


async def test_sigkills_during_a_sync_then_resume_leave_splynx_exactly_as_sonar(
    tmp_path: Path,
) -> None:
    rng = random.Random(20261204)
    slow = {"latency": Latency(25, 10), "workers": 2}
    async with running_pair({"scale": 80, "seed": 11}, slow) as pair:
        state = tmp_path / "state.sqlite3"
        result, _, _ = await run(pair, state)
        assert result.status in {"completed", "rejects"}, result.message
        changes = await change_sonar(pair, seed=5, fraction=0.3)
        assert changes["created"]["accounts"] and changes["updated"]["accounts"]

        env = environment(pair.sonar_url, pair.splynx_url, state)
        command = [sys.executable, "-m", "migrator", "run", "--since", "last", *WITHOUT_MONEY]
        command += ["--env-file", str(tmp_path / "none")]
        kills = 0
        for _ in range(3):
            process = await anyio.open_process(command, env=env, cwd=tmp_path)
            with anyio.move_on_after(60):
                while process.returncode is None and not sync_planned(state):  # noqa: ASYNC110 (polls a file another process writes)
                    await anyio.sleep(0.05)
            await anyio.sleep(rng.uniform(0.2, 1.2))
            if process.returncode is None:
                process.kill()
                kills += 1
            await process.wait()
            await process.aclose()
        final = await anyio.run_process(command, env=env, cwd=tmp_path, check=False)
        assert final.returncode in (ExitCode.OK, ExitCode.REJECTS), final.stderr.decode()[-2000:]
        assert kills >= 2, "too few kills landed while the sync worked"

        code, report, err = await verify_cli(pair, state, "--all", *WITHOUT_MONEY)
        assert code == ExitCode.OK, (err, [e for e in report.get("entities", []) if not e["equal"]])
        customers = {e["entity"]: e for e in report["entities"]}["customers"]
        assert customers["sonar"] == 80 + len(changes["created"]["accounts"])
        assert customers["duplicates"] == [] and customers["extra"] == []
