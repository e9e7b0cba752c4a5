"""``migrator export`` against the Sonar simulator over real HTTP on 127.0.0.1.

The simulator's own ``--export-fixture`` is the ground truth: an export of the
same seed must equal it byte for byte, with faults on, with the two rate
limiters racing each other, and after being killed half-way.

The rate-limit tests compress time: the simulator's 60-second window and our
limiter share one clock running ``SPEED`` times faster than the wall clock,
so several windows pass in seconds and the test still crosses them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

from migrator.export.snapshot import export_snapshot
from migrator.export.snapshot_store import WORK_DIR
from migrator.sim.harness import serve
from migrator.sim.sonar.app import SonarSimConfig, build_app, export_fixture, load_dataset
from migrator.sim.sonar.table import Dataset
from migrator.sonar.client import SonarClient, sonar_limiter
from migrator.sonar.schema import LIST_QUERIES

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-token"
CONFIG = SonarSimConfig(token=TOKEN, scale=30, seed=11, rate_limit=0)
SPEED = 15.0  # our 2% headroom is 1.2 s of a window: 80 ms of wall time
BILLING = ("invoices", "debits", "credits", "payments")


class FastClock:
    """Monotonic time running ``factor`` times faster than the wall clock."""

    def __init__(self, factor: float) -> None:
        self.factor = factor
        self._origin = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self.factor

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(max(0.0, seconds) / self.factor)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(CONFIG)


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The simulator's own fixture export of the same seed."""
    directory = tmp_path_factory.mktemp("truth")
    export_fixture(CONFIG, directory)
    return directory


def assert_same_fixture(ours: Path, truth: Path, queries: tuple[str, ...] = LIST_QUERIES) -> None:
    for query in queries:
        name = f"{query}.jsonl"
        assert (ours / name).read_bytes() == (truth / name).read_bytes(), name
    assert len(list(ours.glob("*.jsonl"))) == len(queries)


async def export_from(
    config: SonarSimConfig,
    dataset: Dataset,
    out: Path,
    page_size: int = 17,
    queries: tuple[str, ...] = LIST_QUERIES,
    **client_options: object,
) -> SonarClient:
    clock = client_options.pop("clock", None)
    rate = float(client_options.pop("rate", 0))  # type: ignore[arg-type]
    app = build_app(config, dataset=dataset, **({"clock": clock} if clock else {}))
    async with serve(app) as url:
        limiter = sonar_limiter(rate, **({"clock": clock} if clock else {}))
        client = SonarClient(url, TOKEN, limiter=limiter, **client_options)  # type: ignore[arg-type]
        async with client:
            result = await export_snapshot(client, out, queries, page_size=page_size, producers=3)
    assert not result.failed, result.failed
    return client


async def test_export_equals_the_simulators_own_fixture(
    dataset: Dataset, truth: Path, tmp_path: Path
) -> None:
    client = await export_from(CONFIG, dataset, tmp_path)
    assert_same_fixture(tmp_path, truth)
    assert client.stats.retries == 0
    assert not list((tmp_path / WORK_DIR).glob("*.part"))


async def test_with_faults_the_export_is_still_exact(
    dataset: Dataset, truth: Path, tmp_path: Path
) -> None:
    faulty = CONFIG.model_copy(update={"fault_rate": 0.05, "hang_seconds": 1.0})
    client = await export_from(faulty, dataset, tmp_path, timeout=0.5)
    assert_same_fixture(tmp_path, truth)
    assert client.stats.failed_attempts > 0  # faults happened, and were absorbed


async def test_limiter_at_the_simulators_limit_never_trips_it(
    dataset: Dataset, truth: Path, tmp_path: Path
) -> None:
    clock = FastClock(SPEED)
    limited = CONFIG.model_copy(update={"rate_limit": 40})
    client = await export_from(limited, dataset, tmp_path, 60, BILLING, clock=clock, rate=40)
    assert client.stats.requests > 40 + 12  # well into a second window
    assert client.stats.rate_limited == 0
    assert_same_fixture(tmp_path, truth, BILLING)


async def test_limiter_above_the_simulators_limit_absorbs_429s(
    dataset: Dataset, truth: Path, tmp_path: Path
) -> None:
    clock = FastClock(SPEED)
    limited = CONFIG.model_copy(update={"rate_limit": 40})
    client = await export_from(limited, dataset, tmp_path, 60, BILLING, clock=clock, rate=80)
    assert client.stats.rate_limited > 0
    assert_same_fixture(tmp_path, truth, BILLING)


@pytest.fixture(scope="module")
def sim_process() -> Iterator[str]:
    """The simulator in its own process (so the export can be killed, not the server)."""
    command = [sys.executable, "-m", "migrator", "sim", "sonar", "--port", "0", "--token", TOKEN]
    command += ["--scale", str(CONFIG.scale), "--seed", str(CONFIG.seed), "--rate-limit", "0"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.communicate(timeout=10)


def run_export(url: str, out: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "migrator", "export", "--out", str(out), *extra]
    env = {**os.environ, "SONAR_URL": url, "SONAR_TOKEN": TOKEN}
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def size_or_zero(path: Path) -> int:
    """A part file's size; 0 once the export has renamed it between the glob and the stat."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def test_killed_export_resumes_without_duplicates(
    sim_process: str, truth: Path, tmp_path: Path
) -> None:
    slow = ("--page-size", "20", "--producers", "3", "--sonar-rate", "600")
    first = run_export(sim_process, tmp_path, *slow)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # kill it once some queries are done, some half-way
        written = sum(size_or_zero(p) for p in (tmp_path / WORK_DIR).glob("*.part"))
        if written > 10_000 and len(list(tmp_path.glob("*.jsonl"))) >= 2:
            break
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    assert len(list(tmp_path.glob("*.jsonl"))) < len(LIST_QUERIES), "finished before the kill"
    second = run_export(sim_process, tmp_path, "--sonar-rate", "0", "--producers", "3")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert_same_fixture(tmp_path, truth)
    assert "ticket_comments" in out  # the summary table names every query
    again = run_export(sim_process, tmp_path, "--sonar-rate", "0")  # nothing left to do
    again.communicate(timeout=60)
    assert again.returncode == 0
    assert_same_fixture(tmp_path, truth)


def test_refused_token_fails_with_a_clear_message(sim_process: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "migrator", "export", "--out", str(tmp_path)]
    env = {**os.environ, "SONAR_URL": sim_process, "SONAR_TOKEN": "wrong-token"}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "SONAR_TOKEN" in result.stderr and "Traceback" not in result.stderr
    assert "wrong-token" not in result.stderr + result.stdout
