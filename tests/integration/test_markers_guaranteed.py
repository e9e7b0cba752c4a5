"""Markers are guaranteed before anything is written (issue 12, item 6), over real HTTP.

Both simulators serve in this process; ``migrator`` runs as a user runs it, in a
child process configured through the environment.

- A fresh Splynx has no ``sonar_id`` field: ``migrator run`` writes nothing and
  exits 5 naming ``migrator check --fix``; ``check --fix`` without a terminal
  and without ``--yes`` creates nothing (and does not wait); with ``--yes`` it
  creates the fields, the run completes, and a second ``check`` is clean.
- A Splynx that silently drops an attribute it does not define: with the first
  guard taken away, the second (the read-back after the first write) stops the
  run after one record, naming the entity, the field and the fix; a re-run
  never creates that record again (it is in the id map; the others, which it
  cannot look up by a marker Splynx does not have, are rejected with Splynx's
  answer, not created blind).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

from migrator.entity_map import ENTITY_ORDER
from migrator.exitcodes import ExitCode
from migrator.pipeline.migration import MigrationRequest, migrate
from migrator.pipeline.state import StateStore
from migrator.profile import load_profile
from migrator.splynx.client import SplynxClient
from tests.support.migration_processes import environment
from tests.support.pair import Pair, running_pair, settings_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
FRESH = {"additional_fields": ()}


async def migrator(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    command = [sys.executable, "-m", "migrator", *args, "--env-file", os.devnull]
    with anyio.fail_after(120):
        done = await anyio.run_process(
            command, env=env, cwd=cwd, check=False, stdin=subprocess.DEVNULL
        )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def flat(text: str) -> str:
    return " ".join(text.split())  # tables and consoles wrap long lines


async def customers_in(pair: Pair, state: Path) -> int:
    async with SplynxClient.open(settings_for(pair, state)) as client:
        return await client.count("customers")


async def test_run_refuses_a_fresh_splynx_until_check_fix_creates_the_markers(
    tmp_path: Path,
) -> None:
    async with running_pair({"scale": 12}, FRESH) as pair:
        state = tmp_path / "state.sqlite3"
        env = environment(pair.sonar_url, pair.splynx_url, state)

        code, out, err = await migrator("run", env=env, cwd=tmp_path)
        assert code == ExitCode.BLOCKED, out + err
        said = flat(out + err)
        assert "migrator check --fix" in said and "sonar_id" in said
        assert await customers_in(pair, state) == 0  # nothing was written

        # not a terminal and no --yes: says what it would create, creates nothing, exits 5
        code, out, err = await migrator("check", "--fix", env=env, cwd=tmp_path)
        assert code == ExitCode.BLOCKED, out + err
        said = flat(out)
        assert "--fix will create" in said and "module 'services_internet'" in said
        assert "--fix --yes" in said

        code, out, err = await migrator("check", "--fix", "--yes", env=env, cwd=tmp_path)
        assert code == ExitCode.OK, out + err
        assert "created customers.sonar_id" in out
        assert "ready: nothing blocks a migration" in out

        code, out, err = await migrator("run", env=env, cwd=tmp_path)
        assert code in (ExitCode.OK, ExitCode.REJECTS), out + err
        assert await customers_in(pair, state) > 0

        code, out, err = await migrator("check", env=env, cwd=tmp_path)
        assert code == ExitCode.OK, out + err
        assert "BLOCKER" not in out and "ready: nothing blocks a migration" in out
        code, out, err = await migrator("check", "--fix", "--yes", env=env, cwd=tmp_path)
        assert "nothing to create" in out


async def test_a_marker_splynx_drops_stops_the_run_after_one_record(tmp_path: Path) -> None:
    splynx = {"additional_fields": (), "drop_unknown_attributes": True}
    entities = [e for e in ENTITY_ORDER if e in {"partners", "locations", "customers"}]
    async with running_pair({"scale": 12}, splynx) as pair:
        state = tmp_path / "state.sqlite3"
        settings = settings_for(pair, state)
        request = MigrationRequest(settings, load_profile("full"), entities, require_markers=False)
        result = await migrate(request, lambda event: None)
        assert result.exit_code == ExitCode.FATAL, result.message
        said = result.message
        assert "first customers record" in said, said
        assert "additional_attributes[sonar_id]" in said and "migrator check --fix" in said
        assert await customers_in(pair, state) == 1  # stopped after one record

        again = await migrate(request, lambda event: None)
        assert again.exit_code == ExitCode.REJECTS, again.message
        async with SplynxClient.open(settings) as client:
            names = [c["name"] async for c in client.iterate("customers")]
        assert len(names) == 1, names  # the first one was not created again
        store = StateStore.open(state)
        counts = {c.entity: c for c in store.counts()}
        reasons = {r.reason for r in store.rejects()}
        store.close()
        assert counts["customers"].created == 1
        assert all("sonar_id" in reason for reason in reasons), reasons
