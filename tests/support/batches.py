"""Writing payloads through a batch writer, several batches in flight: what the engine's
table sinks do, for the benchmarks of the database paths."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

__all__ = ["in_batches"]

P = TypeVar("P")


async def in_batches(
    write: Callable[[Sequence[P]], Awaitable[list[Any]]],
    payloads: Sequence[P],
    size: int,
    connections: int,
) -> list[Any]:
    """Every batch written, ``connections`` at a time; the results in order."""
    batches = [payloads[i : i + size] for i in range(0, len(payloads), size)]
    results: list[list[Any]] = [[] for _ in batches]
    queue = iter(range(len(batches)))

    async def worker() -> None:
        for number in queue:
            results[number] = await write(batches[number])

    await asyncio.gather(*(worker() for _ in range(connections)))
    return [r for batch in results for r in batch]
