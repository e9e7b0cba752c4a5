"""One process at a time per state file: an OS lock beside it, and a note of who holds it.

Two runs on one state file both plan, both resume and both create: records
are written twice. So a command that writes a state file (``run``,
``export``; ``sync`` and ``rollback`` when they come) holds its lock for as
long as it runs::

    with StateLock(settings.state, "run"):
        ...

The lock is ``fcntl.flock`` on ``<state>.lock``, taken without waiting: a
second process is refused at once (``StateInUse``, exit 1) with the holder
named. The kernel releases a flock when its holder exits, however it exits
(SIGKILL included), so a holder that is gone never blocks anybody and two
processes can never both take over after it: flock is atomic, one of them
gets it. The lock file also holds a small JSON note (pid, host, start,
command), which is how a refused process names the holder; the note is
cleared on release, and the file itself is never deleted (deleting a locked
file lets a third process lock a new one beside the old).

A state file on a shared disk: some network file systems do not carry
flocks from host to host. So a note left by another host and never cleared
(that process died, or it is still running and its lock does not reach us)
is not taken over: the command stops and says which host to check and which
file to delete once no migrator runs there. A note left by this host is
taken over, as the kernel says its holder is gone.

Read-only commands (``status``, ``rejects``) take no lock: SQLite's WAL lets
them read while a run writes.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from migrator.errors import Fatal

__all__ = ["Holder", "StateInUse", "StateLock", "lock_path"]

log = logging.getLogger(__name__)

# A refused process reads the holder's note; a holder that has just taken the lock
# writes it a moment later, so an empty or stale note is read again a few times.
_NOTE_READS = 40
_NOTE_PAUSE = 0.025


class StateInUse(Fatal):
    """Another process holds the state file (or may: its lock came from another host)."""


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) a state file's lock."""

    pid: int
    host: str
    started_at: str
    command: str

    def __str__(self) -> str:
        return (
            f"`migrator {self.command}` (pid {self.pid} on host {self.host}, "
            f"started {self.started_at})"
        )

    @classmethod
    def me(cls, command: str) -> Holder:
        started = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(os.getpid(), socket.gethostname(), started, command)

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        """The note's holder; None for an empty or unreadable note (cleared, or half-written)."""
        try:
            data = json.loads(text)
            pid, host = int(data["pid"]), str(data["host"])
            return cls(pid, host, str(data["started_at"]), str(data["command"]))
        except (ValueError, KeyError, TypeError):
            return None

    def here(self) -> bool:
        return self.host == socket.gethostname()

    def gone(self) -> bool:
        """Known to be gone: a process of this host that no longer exists."""
        if not self.here():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, somebody else's
            return False
        return False


def lock_path(state: Path) -> Path:
    """The lock file beside ``state``."""
    return state.with_name(state.name + ".lock")


class StateLock:
    """The lock of one state file, held between ``acquire`` and ``release`` (or as a ``with``)."""

    def __init__(self, state: Path, command: str) -> None:
        self.state = state
        self.path = lock_path(state)
        self.command = command
        self._fd: int | None = None

    def __enter__(self) -> StateLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()

    def acquire(self) -> Holder:
        """Take the lock, or raise ``StateInUse`` naming who has it. Returns our note."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._holder_of_held(fd)
            os.close(fd)
            raise StateInUse(self._in_use(holder)) from None
        except OSError as exc:
            os.close(fd)
            raise StateInUse(f"cannot lock {self.path}: {exc}") from exc
        previous = Holder.parse(_read(fd))
        if previous is not None and not previous.here():
            os.close(fd)  # releases the flock
            raise StateInUse(self._left_by_other_host(previous))
        if previous is not None:
            log.warning("%s: took over the lock of %s, which is gone", self.state, previous)
        me = Holder.me(self.command)
        _write(fd, json.dumps(asdict(me)))
        self._fd = fd
        return me

    def release(self) -> None:
        """Clear the note and let go (the kernel would let go anyway when we exit)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing the last descriptor releases the flock

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StateInUse(f"cannot create the lock file {self.path}: {exc}") from exc
        os.fchmod(fd, 0o600)
        return fd

    def _holder_of_held(self, fd: int) -> Holder | None:
        """The holder's note; read again while it is empty or names a gone process (the
        holder has just taken over and is writing its own)."""
        for attempt in range(_NOTE_READS):
            holder = Holder.parse(_read(fd))
            if holder is not None and not holder.gone():
                return holder
            if attempt + 1 < _NOTE_READS:
                time.sleep(_NOTE_PAUSE)
        return None

    def _in_use(self, holder: Holder | None) -> str:
        who = str(holder) if holder is not None else "another process (it has not said which)"
        stop = f", or stop it (Ctrl-C in its terminal, or kill {holder.pid})" if holder else ""
        return (
            f"the state file {self.state} is in use by {who}: two runs on one state file "
            f"would create records twice. Wait for it to finish{stop}, then run this again. "
            "`migrator status` and `migrator rejects` work meanwhile."
        )

    def _left_by_other_host(self, holder: Holder) -> str:
        return (
            f"the state file {self.state} was locked by {holder} and never released. "
            f"This disk may not carry locks between hosts, so it cannot tell whether that "
            f"run is still going. If no migrator runs on {holder.host} with this state file "
            f"any more, delete {self.path} and run this again."
        )


def _read(fd: int) -> str:
    size = os.fstat(fd).st_size
    return os.pread(fd, size, 0).decode("utf-8", errors="replace") if size else ""


def _write(fd: int, text: str) -> None:
    data = text.encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
    os.fsync(fd)
