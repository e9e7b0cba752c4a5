"""The state file's lock, within one process: who is named, what is taken over, what is not.

(Between real processes, and with ``migrator run`` itself, see
``tests/integration/test_state_lock_processes.py``.)
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.state_lock import Holder, StateInUse, StateLock, lock_path


def note(path: Path, **fields: object) -> None:
    holder = {"pid": 4242, "host": socket.gethostname(), "started_at": "then", "command": "run"}
    lock_path(path).write_text(json.dumps({**holder, **fields}))


def gone_pid() -> int:
    """The pid of a process of this host that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_second_holder_is_refused_naming_the_first_even_in_the_same_process(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state.sqlite3"
    with StateLock(state, "run"):
        with pytest.raises(StateInUse) as refused:
            StateLock(state, "export").acquire()
        message = str(refused.value)
        assert f"`migrator run` (pid {os.getpid()} on host {socket.gethostname()}" in message
        assert str(state) in message and "Wait for it to finish" in message
        assert oct(lock_path(state).stat().st_mode & 0o777) == oct(0o600)
    again = StateLock(state, "export")
    assert again.acquire().command == "export"  # released: free for the next one
    again.release()


def test_release_clears_the_note_and_keeps_the_file(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    lock = StateLock(state, "run")
    me = lock.acquire()
    assert Holder.parse(lock_path(state).read_text()) == me
    lock.release()
    assert lock_path(state).exists() and lock_path(state).read_text() == ""
    lock.release()  # twice is harmless


def test_a_gone_holder_of_this_host_is_taken_over_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.sqlite3"
    dead = gone_pid()
    note(state, pid=dead)
    ours = logging.getLogger("migrator.state_lock")
    ours.addHandler(caplog.handler)  # other tests may have stopped propagation to the root
    try:
        with caplog.at_level(logging.WARNING, logger="migrator"), StateLock(state, "run") as lock:
            assert lock.path == lock_path(state)
            current = Holder.parse(lock_path(state).read_text())
            assert current is not None and current.pid == os.getpid()
    finally:
        ours.removeHandler(caplog.handler)
    assert f"took over the lock of `migrator run` (pid {dead}" in caplog.text


def test_a_half_written_note_is_taken_over(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    lock_path(state).write_text('{"pid": 12')
    with StateLock(state, "run"):
        current = Holder.parse(lock_path(state).read_text())
        assert current is not None and current.pid == os.getpid()


def test_a_note_left_by_another_host_is_not_taken_over(tmp_path: Path) -> None:
    """Its flock may never have reached this host: only the operator can tell it is gone."""
    state = tmp_path / "state.sqlite3"
    note(state, host="other-host.example", pid=777)
    with pytest.raises(StateInUse) as refused:
        StateLock(state, "run").acquire()
    message = str(refused.value)
    assert "pid 777 on host other-host.example" in message
    assert f"delete {lock_path(state)}" in message
    assert "other-host.example" in lock_path(state).read_text(), "the note is left alone"
    lock_path(state).unlink()  # what the message says to do
    with StateLock(state, "run"):
        pass
