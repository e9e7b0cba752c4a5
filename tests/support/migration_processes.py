"""Running ``python -m migrator`` as a user would, and watching its state file meanwhile.

``environment`` is what a user exports before ``migrator run`` (the two
systems, the credentials, a state file), so a test can start, kill or
interrupt a real process; ``settled`` reads the state file that process
writes, to tell when work has begun and how far it got. ``kill_repeatedly``
SIGKILLs a command at random moments while it works, and ``run_to_end`` runs
it once more to the end: the crash tests' pattern.
"""

from __future__ import annotations

import os
import random
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import anyio

from migrator.exitcodes import ExitCode
from migrator.pipeline.finance_specs import FINANCE_ENTITIES
from migrator.pipeline.state import StateStore
from migrator.pipeline.support_specs import SUPPORT_ENTITIES
from tests.support.pair import KEY, SECRET, TOKEN

__all__ = [
    "WITHOUT_MONEY",
    "environment",
    "grows",
    "kill_repeatedly",
    "run_to_end",
    "settled",
]

# `migrator run` flags for a test of customers, services and comments: the money and the
# tickets are left to the tests that check them (tests/integration/test_finance_*.py,
# test_support_*.py), which keeps these fast.
WITHOUT_MONEY = ("--skip", ",".join(sorted({*FINANCE_ENTITIES, *SUPPORT_ENTITIES})))

ROOT = Path(__file__).resolve().parents[2]


def environment(sonar_url: str, splynx_url: str, state: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SONAR_URL": sonar_url,
        "SONAR_TOKEN": TOKEN,
        "SPLYNX_URL": splynx_url,
        "SPLYNX_API_KEY": KEY,
        "SPLYNX_API_SECRET": SECRET,
        "MIGRATOR_STATE": str(state),
        "MIGRATOR_SONAR_RATE": "0",
        "MIGRATOR_TIMEOUT": "5",
        "MIGRATOR_WRITERS": "6",
        "MIGRATOR_QUEUE_SIZE": "40",
        "PYTHONPATH": str(ROOT),
    }


def settled(state: Path) -> int:
    """Records the state file says are settled (0 before the first run)."""
    if not state.exists():
        return 0
    store = StateStore.open(state)
    total = sum(c.created + c.adopted + c.existing + c.rejected for c in store.counts())
    store.close()
    return total


# Called before each start, it returns the test of "the process is at work now".
Working = Callable[[], Callable[[], bool]]


def grows(count: Callable[[], int]) -> Working:
    """At work once ``count`` is above what it was when the process started."""

    def start() -> Callable[[], bool]:
        before = count()
        return lambda: count() > before

    return start


async def kill_repeatedly(
    command: Sequence[str],
    env: dict[str, str],
    cwd: Path,
    rng: random.Random,
    *,
    working: Working,
    pause: tuple[float, float],
    times: int = 3,
    wait: float = 60,
) -> int:
    """Start ``command`` ``times`` times and SIGKILL it (no drain, no flush, no goodbye)
    a random ``pause`` after it is seen ``working`` (given ``wait`` seconds to get
    there); how many of the kills landed before the process ended by itself."""
    kills = 0
    for _ in range(times):
        busy = working()
        process = await anyio.open_process(list(command), env=env, cwd=cwd)
        with anyio.move_on_after(wait):
            while process.returncode is None and not busy():  # noqa: ASYNC110 (polls a file another process writes)
                await anyio.sleep(0.05)
        await anyio.sleep(rng.uniform(*pause))
        if process.returncode is None:
            process.kill()
            kills += 1
        await process.wait()
        await process.aclose()
    return kills


async def run_to_end(
    command: Sequence[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[bytes]:
    """``command`` once more, to its end: it must finish (exit 0, or 3 with rejects)."""
    final = await anyio.run_process(list(command), env=env, cwd=cwd, check=False)
    assert final.returncode in (ExitCode.OK, ExitCode.REJECTS), final.stderr.decode()[-2000:]
    return final
