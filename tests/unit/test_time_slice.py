"""``TimeSlice`` lets the event loop run once its work has held the loop long enough."""

from __future__ import annotations

import anyio

from migrator.policy.time_slice import TimeSlice


async def test_the_loop_runs_only_once_the_slice_is_used_up() -> None:
    now = [0.0]
    turns = TimeSlice(0.005, clock=lambda: now[0])
    ran: list[float] = []

    async def elsewhere() -> None:
        ran.append(now[0])

    async with anyio.create_task_group() as tg:
        tg.start_soon(elsewhere)  # runs at the loop's next turn, not before
        for step in range(5):  # 4 ms of work: the slice is not used up, nobody else runs
            now[0] = step * 0.001
            await turns.share()
        assert ran == []
        now[0] = 0.0051  # past the slice: the loop runs the other task
        await turns.share()
        assert ran == [0.0051]
