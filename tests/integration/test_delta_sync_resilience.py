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
from functools import partial
from pathlib import Path

import pytest

from migrator.exitcodes import ExitCode
from migrator.sim.faults import Latency
from tests.support.cutover import change_sonar, verify_cli
from tests.support.migration_checks import run
from tests.support.migration_processes import (
    WITHOUT_MONEY,
    environment,
    kill_repeatedly,
    run_to_end,
)
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
        kills = await kill_repeatedly(
            command, env, tmp_path, rng, working=lambda: partial(sync_planned, state),
            pause=(0.2, 1.2),
        )  # fmt: skip
        await run_to_end(command, env, tmp_path)
        assert kills >= 2, "too few kills landed while the sync worked"

        code, report, err = await verify_cli(pair, state, "--all", *WITHOUT_MONEY)
        assert code == ExitCode.OK, (err, [e for e in report.get("entities", []) if not e["equal"]])
        customers = {e["entity"]: e for e in report["entities"]}["customers"]
        assert customers["sonar"] == 80 + len(changes["created"]["accounts"])
        assert customers["duplicates"] == [] and customers["extra"] == []
