"""A damaged state file is found when it is opened, and named, with the way forward.

Not a traceback, never "the state is intact": exit 2 naming the file, and what
to do (restore a copy, or start a fresh state file: the markers make that safe).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrator.cli import main
from migrator.errors import ConfigError
from migrator.exitcodes import ExitCode
from migrator.pipeline.state import StateStore

PAGE = 4096


def damaged_state(path: Path) -> Path:
    """A state file of a few pages whose id map has a page of garbage in the middle."""
    store = StateStore.open(path)
    run = store.begin_run("run")
    for sonar_id in range(1, 3000):
        store.mapped("customers", sonar_id, 10_000 + sonar_id, how="created", run_id=run)
    store.close()
    size = path.stat().st_size
    assert size > 8 * PAGE, "the id map must span several pages"
    with path.open("r+b") as state:
        state.seek((size // PAGE // 2) * PAGE)  # a page in the middle, not the header
        state.write(os.urandom(PAGE))
    return path


def test_opening_a_damaged_state_file_says_so_and_what_to_do(tmp_path: Path) -> None:
    path = damaged_state(tmp_path / "state.sqlite3")
    with pytest.raises(ConfigError) as damaged:
        StateStore.open(path)
    message = str(damaged.value)
    assert str(path) in message and "damaged" in message
    assert "Restore it from a copy" in message and "fresh state file" in message
    assert "intact" not in message


@pytest.mark.parametrize("command", ["status", "rejects", "run"])
def test_commands_on_a_damaged_state_file_exit_2_without_a_traceback(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = damaged_state(tmp_path / "state.sqlite3")
    none = str(tmp_path / "no.env")
    code = main([command, "--state", str(path), "--env-file", none])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE, err
    assert f"the state file {path} is damaged" in err
    assert "Traceback" not in err and "intact" not in err
