"""Cut-over helpers for the integration tests: Sonar changing under a migration, and
``migrator verify`` run as a user runs it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import httpx

from tests.support.migration_processes import environment
from tests.support.pair import TOKEN, Pair

__all__ = ["change_sonar", "verify_cli"]


async def verify_cli(pair: Pair, state: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    """``migrator verify --json ARGS`` in its own process; (exit code, report, stderr)."""
    command = [sys.executable, "-m", "migrator", "verify", "--json", *args,
               "--env-file", str(state.parent / "none")]  # fmt: skip
    env = environment(pair.sonar_url, pair.splynx_url, state)
    done = await anyio.run_process(command, env=env, cwd=state.parent, check=False)
    stdout, stderr = done.stdout.decode(), done.stderr.decode()
    return done.returncode, json.loads(stdout) if stdout.strip() else {}, stderr


async def change_sonar(pair: Pair, seed: int, fraction: float) -> dict[str, Any]:
    """A batch of a few days' changes in Sonar (the simulator's admin endpoint)."""
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{pair.sonar_url}/admin/changes",
            json={"seed": seed, "fraction": fraction},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    answer.raise_for_status()
    return answer.json()  # type: ignore[no-any-return]
