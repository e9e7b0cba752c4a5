"""Claims on single values, so concurrent writes stay unique without queueing behind each other.

Two creates may only collide on a value that must be unique (a login, an
invoice number, a ``sonar_id``) or on the same record. A write session claims
those values (``customers.login=ann``) before checking them and holds the
claims until it has committed, so the check and the insert it guards are one
step for anyone wanting the same value, while writes of different values run
in parallel (the MariaDB store needs that to reach its capacity).

Deadlock-free: within one request, a batch of claims is taken in sorted order,
and the only claims taken before a batch are on values the request alone
chose (a generated login); no request waits for one value while holding a
value another request needs first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

__all__ = ["ClaimSet", "Claims"]


class Claims:
    """Every value currently claimed, with the writers waiting for it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def scope(self) -> AsyncIterator[ClaimSet]:
        """The claims of one write session, all released when it ends."""
        claims = ClaimSet(self)
        try:
            yield claims
        finally:
            claims.release()

    async def _acquire(self, key: str) -> None:
        self._users[key] = self._users.get(key, 0) + 1
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            await lock.acquire()
        except BaseException:
            self._forget(key)
            raise

    def _release(self, key: str) -> None:
        self._locks[key].release()
        self._forget(key)

    def _forget(self, key: str) -> None:
        self._users[key] -= 1
        if not self._users[key]:
            del self._users[key]
            del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


class ClaimSet:
    """The values one write session holds."""

    def __init__(self, owner: Claims) -> None:
        self._owner = owner
        self._held: list[str] = []

    async def claim(self, *keys: str) -> None:
        """Wait until every key is ours (taken in sorted order; re-claiming is a no-op)."""
        for key in sorted(set(keys) - set(self._held)):
            await self._owner._acquire(key)
            self._held.append(key)

    def release(self) -> None:
        for key in reversed(self._held):
            self._owner._release(key)
        self._held.clear()
