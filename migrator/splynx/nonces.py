"""Nonces for Splynx's signature auth: strictly increasing, across writers and across processes.

A key with nonce checking on (``api.check_nonce``) refuses a nonce not above
the last one it accepted. The nonce is the clock in hundredths of a second
(the blueprint's PHP example), but a migration signs more than a hundred
requests a second, so its nonces run ahead of the clock; a process started
right after it (a re-run after Ctrl-C or a crash, a ``check``) would begin
below the last nonce Splynx saw and be refused for as long as it ran ahead.

So each source writes down, in a small ledger in the user's state directory
(``connect.nonce_ledger_path``), a reservation above what it is about to
issue (a block of ``block`` nonces at a time, one small write per block), and
a new source starts above the reservation: a nonce never goes backwards,
even after SIGKILL. When Splynx still refuses (another client of the key ran
ahead, a lost ledger), the auth strategy moves the source forward with
``skip``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from migrator.private_files import private_file

__all__ = ["NonceLedger", "NonceSource", "WallClock"]

log = logging.getLogger(__name__)
WallClock = Callable[[], float]


class NonceLedger:
    """The highest nonce reserved per API key, kept in a small JSON file (0600).

    Keys are stored as a fingerprint (a truncated SHA-256), never as they are.
    A ledger that cannot be read or written is reported once and then
    ignored: the clock and the strategy's ``skip`` still apply.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self._entry = hashlib.sha256(key.encode()).hexdigest()[:16]
        self._broken = False

    def _entries(self) -> dict[str, int]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            self._report(f"cannot read {self.path}: {exc}")
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}

    def reserved(self) -> int:
        """The highest nonce an earlier source of this key may have used (0: none known)."""
        return self._entries().get(self._entry, 0)

    def reserve(self, upto: int) -> None:
        """Record that nonces up to ``upto`` may be used; written before they are."""
        if self._broken:
            return
        entries = self._entries()
        entries[self._entry] = max(upto, entries.get(self._entry, 0))
        partial = self.path.with_name(self.path.name + ".partial")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with private_file(partial).open("w", encoding="utf-8") as out:
                json.dump(entries, out)
            os.replace(partial, self.path)
        except OSError as exc:
            self._report(f"cannot write {self.path}: {exc}")

    def _report(self, problem: str) -> None:
        if not self._broken:
            log.warning("%s; signature nonces start from the clock in the next run", problem)
        self._broken = True


class NonceSource:
    """Strictly increasing nonces for one key, shared by every writer of a process.

    ``scale`` turns wall seconds into nonce units (100: hundredths, as the
    PHP example; 1: seconds, as the token request wants). Taking a nonce
    never awaits, so concurrent tasks on one event loop never get the same
    value. With a ``ledger``, the source starts above what earlier processes
    reserved and reserves ``block`` nonces at a time before issuing them.
    """

    def __init__(
        self,
        wall: WallClock = time.time,
        *,
        scale: int = 100,
        ledger: NonceLedger | None = None,
        block: int = 1000,
    ) -> None:
        self._wall = wall
        self._scale = scale
        self._ledger = ledger
        self._block = block
        self._reserved = ledger.reserved() if ledger is not None else 0
        self.last = self._reserved

    def next(self) -> int:
        nonce = max(self.last + 1, round(self._wall() * self._scale))
        if self._ledger is not None and nonce > self._reserved:
            self._reserved = nonce + self._block
            self._ledger.reserve(self._reserved)
        self.last = nonce
        return nonce

    def skip(self, ahead: int) -> None:
        """Move ``ahead`` units forward: Splynx refused nonces it must have seen higher."""
        self.last += ahead
