"""The collector settings a command runs under: start-up frozen, fewer collections."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrator import gc_tuning
from migrator.cli import main


@pytest.fixture
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_collector")
def test_tune_freezes_start_up_and_raises_the_first_threshold() -> None:
    gc.unfreeze()
    _, middle, oldest = gc.get_threshold()
    kept = object.__new__(type("StartUp", (), {}))  # tracked: a class instance
    gc_tuning.tune()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (gc_tuning.FIRST_GENERATION, middle, oldest)
    assert not any(kept is found for found in gc.get_objects())  # out of the collector's sight


@pytest.mark.usefixtures("restored_collector")
def test_a_command_runs_with_the_tuned_collector(tmp_path: Path) -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    main(["status", "--state", str(tmp_path / "state.sqlite3"), "--env-file", "none"])
    assert gc.get_threshold()[0] == gc_tuning.FIRST_GENERATION and gc.get_freeze_count() > 0
