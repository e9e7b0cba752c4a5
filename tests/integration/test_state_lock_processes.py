"""One run per state file, between real processes.

A second ``migrator run`` on the state file of a running one is refused at
once (exit 1) naming the holder, while ``status`` still reads the file; once
the holder is SIGKILLed, the next run takes its lock over and finishes the
migration exactly once. Small processes that only take the lock show that a
lock left by a killed holder goes to exactly one of several processes racing
for it.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import anyio
import pytest

from migrator.exitcodes import ExitCode
from migrator.export.snapshot_store import STATE_FILE, WORK_DIR
from migrator.sim.faults import Latency
from migrator.state_lock import Holder, lock_path
from tests.support.migration_checks import rejects_of, verify_splynx
from tests.support.migration_processes import WITHOUT_MONEY, environment, settled
from tests.support.pair import running_pair, settings_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def command(tmp_path: Path, *args: str) -> list[str]:
    money = WITHOUT_MONEY if args[:1] == ("run",) else ()
    return [sys.executable, "-m", "migrator", *args, *money, "--env-file", str(tmp_path / "none")]


async def test_a_second_run_is_refused_naming_the_holder_and_a_killed_holders_lock_is_taken_over(
    tmp_path: Path,
) -> None:
    # Slow enough that the first run outlives three more CLI starts on a loaded machine
    # (about 500 writes at 50 a second), fast enough that the final run ends soon.
    slow_splynx = {"latency": Latency(40, 10), "workers": 2}
    async with running_pair({"scale": 100, "seed": 4}, slow_splynx) as pair:
        state = tmp_path / "state.sqlite3"
        env = environment(pair.sonar_url, pair.splynx_url, state)
        holder = await anyio.open_process(command(tmp_path, "run"), env=env, cwd=tmp_path)
        with anyio.move_on_after(60):  # until the first run is writing
            while holder.returncode is None and settled(state) == 0:  # noqa: ASYNC110 (a file)
                await anyio.sleep(0.1)
        assert holder.returncode is None, "the first run ended before a second could start"
        second = await anyio.run_process(
            command(tmp_path, "run"), env=env, cwd=tmp_path, check=False
        )
        status = await anyio.run_process(
            command(tmp_path, "status"), env=env, cwd=tmp_path, check=False
        )
        rejects = await anyio.run_process(
            command(tmp_path, "rejects", "--json"), env=env, cwd=tmp_path, check=False
        )
        still_running = holder.returncode is None
        if still_running:
            holder.kill()  # SIGKILL: the kernel drops its lock; its note stays behind
        await holder.wait()
        await holder.aclose()

        refused = second.stderr.decode()
        assert second.returncode == ExitCode.FATAL, refused[-2000:]
        assert f"pid {holder.pid} on host {socket.gethostname()}" in refused
        assert "in use by `migrator run`" in refused and str(state) in refused
        assert status.returncode == ExitCode.OK, status.stderr.decode()[-2000:]
        assert "customers" in status.stdout.decode()
        assert rejects.returncode == ExitCode.OK, rejects.stderr.decode()[-2000:]
        assert rejects.stdout.decode().lstrip().startswith("[")
        assert still_running, "the first run ended while the second was being refused"

        left = Holder.parse(lock_path(state).read_text())
        assert left is not None and left.pid == holder.pid  # not released: it was killed

        final = await anyio.run_process(
            command(tmp_path, "run"), env=env, cwd=tmp_path, check=False
        )
        log = final.stderr.decode()
        assert final.returncode in (ExitCode.OK, ExitCode.REJECTS), log[-2000:]
        assert f"took over the lock of `migrator run` (pid {holder.pid}" in log
        assert lock_path(state).read_text() == "", "a finished run clears its note"
        await verify_splynx(pair, settings_for(pair, state), rejects_of(state))


TAKE_LOCK = """
import sys
from pathlib import Path
from migrator.errors import MigratorError
from migrator.state_lock import StateLock
try:
    lock = StateLock(Path(sys.argv[1]), "run")
    lock.acquire()
except MigratorError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
print("holding", flush=True)
sys.stdin.read()  # hold until the test closes our stdin
lock.release()
"""


async def take(state: Path) -> anyio.abc.Process:
    return await anyio.open_process(
        [sys.executable, "-c", TAKE_LOCK, str(state)], env={"PYTHONPATH": str(ROOT)}
    )


async def first_line(process: anyio.abc.Process) -> str:
    """The process's first line, or "exited" when it ended without one (refused)."""
    assert process.stdout is not None
    try:
        return (await process.stdout.receive()).decode()
    except anyio.EndOfStream:
        return "exited"


async def test_a_killed_holders_lock_goes_to_exactly_one_of_several_takers(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    killed = await take(state)
    assert await first_line(killed) == "holding\n"
    killed.kill()
    await killed.wait()
    await killed.aclose()

    takers = [await take(state) for _ in range(5)]  # started together: they race for the lock
    lines = [await first_line(process) for process in takers]
    assert lines.count("holding\n") == 1, f"exactly one may take a stale lock over: {lines}"
    winner = takers[lines.index("holding\n")]
    for process in takers:
        if process is not winner:
            assert await process.wait() == 1
            assert process.stderr is not None
            message = (await process.stderr.receive()).decode()
            assert f"pid {winner.pid} on host" in message, message
    assert winner.stdin is not None
    await winner.stdin.aclose()
    assert await winner.wait() == 0
    for process in takers:
        await process.aclose()


async def test_an_export_into_a_directory_another_export_holds_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "snapshot"
    holder = await take(out / WORK_DIR / STATE_FILE)
    assert await first_line(holder) == "holding\n"
    env = {"PYTHONPATH": str(ROOT), "SONAR_URL": "http://127.0.0.1:9", "SONAR_TOKEN": "t"}
    export = await anyio.run_process(
        command(tmp_path, "export", "--out", str(out)), env=env, cwd=tmp_path, check=False
    )
    assert holder.stdin is not None
    await holder.stdin.aclose()
    assert await holder.wait() == 0
    await holder.aclose()
    refused = export.stderr.decode()
    assert export.returncode == ExitCode.FATAL, refused[-2000:]
    assert f"pid {holder.pid} on host" in refused and "snapshot" in refused
