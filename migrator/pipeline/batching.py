"""Taking records off an entity's stream a batch at a time, for a sink that writes many at once.

A batch is what is queued now, up to ``size``; when that is less than half a
batch, ``linger`` seconds more are given for the producers to fill it, so a
trickle does not become one database transaction per record, and a lull
costs at most that wait.
"""

from __future__ import annotations

from typing import TypeVar

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream

__all__ = ["LINGER_SECONDS", "take_batch"]

T = TypeVar("T")

LINGER_SECONDS = 0.05


async def take_batch(
    receive: MemoryObjectReceiveStream[T], size: int, linger: float = LINGER_SECONDS
) -> list[T] | None:
    """Up to ``size`` queued items (waiting for the first), or None at the stream's end."""
    try:
        batch = [await receive.receive()]
    except anyio.EndOfStream:
        return None
    _drain_ready(receive, batch, size)
    if len(batch) * 2 < size:
        with anyio.move_on_after(linger):
            while len(batch) < size:
                try:
                    batch.append(await receive.receive())
                except anyio.EndOfStream:
                    break
                _drain_ready(receive, batch, size)
    return batch


def _drain_ready(receive: MemoryObjectReceiveStream[T], batch: list[T], size: int) -> None:
    while len(batch) < size:
        try:
            batch.append(receive.receive_nowait())
        except (anyio.WouldBlock, anyio.EndOfStream):
            return
