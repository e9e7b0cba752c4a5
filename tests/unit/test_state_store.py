"""StateStore on a real SQLite file: durability, monotonic checkpoints, batching."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.errors import ConfigError
from migrator.pipeline.state import StateStore
from tests.support.clock import FakeClock


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "migrator-state.sqlite3"


def test_file_is_private_and_in_wal_mode(path: Path) -> None:
    store = StateStore.open(path)
    assert (path.stat().st_mode & 0o777) == 0o600
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_mappings_are_visible_before_and_after_a_flush(path: Path) -> None:
    store = StateStore.open(path, flush_rows=1000)
    store.mapped("customers", 7, 1007, how="created", run_id=1)
    assert store.flushes == 0
    assert store.splynx_id("customers", 7) == 1007  # from the buffer
    store.flush()
    assert store.splynx_id("customers", 7) == 1007  # from the file
    assert store.splynx_id("customers", 8) is None
    assert store.splynx_id("services", 7) is None
    store.close()
    assert StateStore.open(path).splynx_id("customers", 7) == 1007


def test_buffer_flushes_by_size_and_by_age(path: Path) -> None:
    clock = FakeClock()
    store = StateStore.open(path, flush_rows=10, flush_seconds=2.0, clock=clock)
    for i in range(9):
        store.mapped("customers", i, i + 100, how="created", run_id=1)
    assert store.flushes == 0
    store.mapped("customers", 9, 109, how="created", run_id=1)
    assert store.flushes == 1
    store.mapped("customers", 10, 110, how="created", run_id=1)
    clock.advance(2.5)
    store.maybe_flush()
    assert store.flushes == 2


def test_checkpoints_only_move_forward(path: Path) -> None:
    store = StateStore.open(path)
    [first, second] = store.plan_partitions("accounts", [(1, 500), (501, 1000)])
    assert (first.checkpoint, second.checkpoint) == (0, 500)
    store.checkpoint("accounts", 0, 120)
    store.checkpoint("accounts", 0, 80)  # a stale report must not move it back
    store.flush()
    store.checkpoint("accounts", 0, 90)
    store.flush()
    assert store.partitions("accounts")[0].checkpoint == 120
    store.checkpoint("accounts", 0, 500, done=True)
    assert store.partitions("accounts")[0].done


def test_partition_plan_is_kept_across_runs(path: Path) -> None:
    store = StateStore.open(path)
    store.plan_partitions("accounts", [(1, 10), (11, 20)])
    store.close()
    again = StateStore.open(path).plan_partitions("accounts", [(1, 100)])
    assert [(p.low, p.high) for p in again] == [(1, 10), (11, 20)]


def test_rejects_keep_record_reason_and_answer_and_clear_when_migrated(path: Path) -> None:
    store = StateStore.open(path)
    record = {"id": "5", "name": "🚀" * 300}
    store.rejected(
        "customers",
        5,
        field="name",
        reason="longer than 256",
        record=record,
        answer='{"error": "x"}',
        run_id=1,
    )
    [row] = list(store.rejects())
    assert (row.entity, row.sonar_id, row.field, row.record) == ("customers", 5, "name", record)
    assert row.answer == '{"error": "x"}'
    store.mapped("customers", 5, 99, how="created", run_id=2)
    assert list(store.rejects()) == []


def test_counts_and_created_for_rollback(path: Path) -> None:
    store = StateStore.open(path)
    store.mapped("partners", 1, 1, how="existing", run_id=1)
    store.mapped("customers", 1, 11, how="created", run_id=1)
    store.mapped("customers", 2, 12, how="created", run_id=1)
    store.flush()
    store.mapped("customers", 2, 12, how="adopted", run_id=2)  # 'created' is sticky
    store.mapped("customers", 3, 13, how="adopted", run_id=1)
    store.rejected("customers", 4, field="email", reason="bad", record={}, answer=None, run_id=1)
    counts = {c.entity: c for c in store.counts()}
    assert (counts["customers"].created, counts["customers"].adopted) == (2, 1)
    assert counts["customers"].rejected == 1
    assert counts["partners"].existing == 1
    assert list(store.created("customers")) == [(3, 13), (2, 12), (1, 11)]
    assert list(store.created("partners")) == []
    with pytest.raises(ValueError):
        store.mapped("customers", 9, 9, how="guessed", run_id=1)


def test_runs_are_recorded(path: Path) -> None:
    store = StateStore.open(path)
    run = store.begin_run("run --only customers")
    store.finish_run(run, status="completed", exit_code=0, summary={"customers": {"written": 3}})
    [row] = store.runs()
    assert row.status == "completed" and row.summary == {"customers": {"written": 3}}


def test_flushed_state_survives_sigkill(path: Path) -> None:
    script = f"""
import os, signal
from pathlib import Path
from migrator.pipeline.state import StateStore
store = StateStore.open(Path({str(path)!r}), flush_rows=100)
for i in range(250):
    store.mapped("customers", i, i + 1000, how="created", run_id=1)
os.kill(os.getpid(), signal.SIGKILL)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2])
    assert result.returncode == -9
    store = StateStore.open(path)
    # Two full batches were flushed; the last 50 were in memory when the process died.
    assert store.counts()[0].created == 200


def test_unwritable_location_is_a_clear_config_error(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a directory")
    with pytest.raises(ConfigError, match="cannot open the state file"):
        StateStore.open(blocked / "state.sqlite3")
    assert os.path.exists(blocked)


def test_recent_mappings_answer_after_a_flush_and_forget_removes_them(path: Path) -> None:
    store = StateStore.open(path, flush_rows=2)
    store.mapped("customers", 1, 101, how="created", run_id=1)
    store.mapped("customers", 2, 102, how="created", run_id=1)  # flushed: 2 rows
    store._db.execute("DELETE FROM id_map")  # the answer must now come from memory
    assert store.splynx_id("customers", 1) == 101
    store.forget("customers", 1)
    assert store.splynx_id("customers", 1) is None
    assert store.splynx_id("customers", 2) == 102
