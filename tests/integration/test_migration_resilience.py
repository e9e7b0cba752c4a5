"""The migration under crashes and faults: still every record exactly once.

Crash: ``migrator run`` runs as a real process and is SIGKILLed at random
moments, then run again; faults: both simulators fail 5% of requests (5xx,
timeouts, dropped connections, before or after doing the work) and Splynx
throttles. Each time the result is checked through Splynx's API.
"""

from __future__ import annotations

import random
import signal
import sys
from pathlib import Path

import anyio
import pytest

from migrator.exitcodes import ExitCode
from migrator.sim.faults import Latency
from tests.support.migration_checks import rejects_of, run, verify_splynx
from tests.support.migration_processes import (
    WITHOUT_MONEY,
    environment,
    grows,
    kill_repeatedly,
    run_to_end,
    settled,
)
from tests.support.pair import Pair, running_pair, settings_for

pytestmark = pytest.mark.slow


async def test_sigkill_at_random_moments_then_resume_gives_each_record_once(
    tmp_path: Path,
) -> None:
    rng = random.Random(20261126)
    latency = {"latency": Latency(20, 10), "workers": 4}
    async with running_pair({"scale": 90, "seed": 5}, latency) as pair:
        state = tmp_path / "state.sqlite3"
        env = environment(pair.sonar_url, pair.splynx_url, state)
        command = [sys.executable, "-m", "migrator", "run", *WITHOUT_MONEY]
        command += ["--env-file", str(tmp_path / "none")]
        mid_write_kills = await kill_repeatedly(
            command, env, tmp_path, rng, working=grows(lambda: settled(state)),
            pause=(0.0, 1.5), times=4, wait=30,
        )  # fmt: skip
        await run_to_end(command, env, tmp_path)
        assert mid_write_kills >= 2, "too few kills landed while records were being written"
        await verify_splynx(pair, settings_for(pair, state), rejects_of(state))


async def kill_twice_then_finish(pair: Pair, state: Path, env: dict[str, str], seed: int) -> int:
    """Start ``migrator run``, SIGKILL it mid-write twice, then let a last run finish."""
    rng = random.Random(seed)
    command = [sys.executable, "-m", "migrator", "run", *WITHOUT_MONEY]
    command += ["--env-file", str(state.parent / "none")]
    kills = await kill_repeatedly(
        command, env, state.parent, rng, working=grows(lambda: settled(state)),
        pause=(0.2, 1.0), times=2, wait=30,
    )  # fmt: skip
    await run_to_end(command, env, state.parent)
    return kills


async def test_signature_auth_under_jitter_faults_and_sigkills_ends_exact(tmp_path: Path) -> None:
    # Issue 10: with nonce checking on and latency jitter, signed requests reach Splynx's
    # nonce check out of order, and a re-run after a kill starts below the nonces the killed
    # run used. Neither may fail the run: refused nonces are re-signed, the ledger carries
    # the sequence across processes.
    faults = {"fault_rate": 0.05, "hang_seconds": 3.0}
    splynx = {**faults, "check_nonce": True, "latency": Latency(10, 5), "workers": 4}
    async with running_pair({"scale": 60, "seed": 9, **faults}, splynx) as pair:
        state = tmp_path / "state.sqlite3"
        env = {
            **environment(pair.sonar_url, pair.splynx_url, state),
            "SPLYNX_AUTH": "signature",
            "MIGRATOR_TIMEOUT": "1.5",
        }
        kills = await kill_twice_then_finish(pair, state, env, seed=20261202)
        assert kills == 2, "a kill did not land while records were being written"
        settings = settings_for(pair, state, splynx_auth="signature")
        await verify_splynx(pair, settings, rejects_of(state))


async def test_faults_on_both_sides_and_throttling_leave_the_result_exact(tmp_path: Path) -> None:
    faults = {"fault_rate": 0.05, "hang_seconds": 4.0}
    splynx = {**faults, "throttle": 150.0, "latency": Latency(5, 3)}
    async with running_pair({"scale": 40, "seed": 8, **faults}, splynx) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, events = await run(pair, state, timeout=1.5, writers=8)
        assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
        retried = [e for e in events if type(e).__name__ == "Retried"]
        assert retried, "faults were injected, so something must have been retried"
        await verify_splynx(pair, settings, rejects_of(state))


async def test_ctrl_c_drains_within_five_seconds_and_the_next_run_resumes(tmp_path: Path) -> None:
    latency = {"latency": Latency(30, 10), "workers": 4}
    async with running_pair({"scale": 60, "seed": 6}, latency) as pair:
        state = tmp_path / "state.sqlite3"
        env = environment(pair.sonar_url, pair.splynx_url, state)
        command = [sys.executable, "-m", "migrator", "run", *WITHOUT_MONEY]
        command += ["--env-file", str(tmp_path / "none")]
        process = await anyio.open_process(command, env=env, cwd=tmp_path)
        with anyio.move_on_after(30):
            while process.returncode is None and settled(state) == 0:  # noqa: ASYNC110 (a file)
                await anyio.sleep(0.1)
        assert process.returncode is None, "the run ended before it could be interrupted"
        process.send_signal(signal.SIGINT)
        with anyio.fail_after(5):  # the promise: a clean stop within five seconds
            code = await process.wait()
        assert process.stderr is not None
        errors = (await process.stderr.receive()).decode(errors="replace")
        await process.aclose()
        assert code == ExitCode.INTERRUPTED, errors
        interrupted = settled(state)
        assert interrupted > 0
        final = await anyio.run_process(command, env=env, cwd=tmp_path, check=False)
        assert final.returncode in (ExitCode.OK, ExitCode.REJECTS), final.stderr.decode()[-2000:]
        assert settled(state) > interrupted
        await verify_splynx(pair, settings_for(pair, state), rejects_of(state))
