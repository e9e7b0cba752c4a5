"""An ``in_order`` entity: the records at one position (a ticket's messages) are written one
after another by one writer, while the other writers take other positions.

Written one record per writer, a conversation's messages would each hold a
writer while waiting for the one before: the writers would spend the run
waiting on each other instead of writing other tickets' messages.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import anyio

from tests.support.engine_fakes import Entry, Row, until
from tests.support.engine_rig import EngineRig

POSITIONS = (1, 2, 3, 4)
PER_POSITION = 3


def conversation(rig: EngineRig, *, in_order: bool) -> None:
    """Four positions of three records each (ids 11, 12, 13 at position 1, ...)."""
    rows = [Row(10 * at + n, cursor=at) for at in POSITIONS for n in range(1, PER_POSITION + 1)]
    rig.entity("messages", rows, page_size=2)
    rig.specs["messages"] = dataclasses.replace(rig.specs["messages"], in_order=in_order)


def created(journal: list[Entry]) -> list[int]:
    return [e.key for e in journal if (e.kind, e.entity) == ("create", "messages")]


async def test_each_writer_takes_a_position_and_writes_it_in_order(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    conversation(rig, in_order=True)
    sink = rig.splynx.sink("messages")
    firsts = {at: sink.hold(10 * at + 1) for at in POSITIONS}
    async with rig.running(writers=len(POSITIONS), queue_size=8):
        # every writer is on the first record of a position of its own
        for gate in firsts.values():
            await gate.entered.wait()
        for _ in range(50):
            await anyio.lowlevel.checkpoint()
        assert created(rig.journal) == []  # no record ran ahead of its position's first
        for at in (3, 1, 4, 2):
            firsts[at].release()
            await until(lambda at=at: 10 * at + PER_POSITION in created(rig.journal))
    rig.store.close()

    order = created(rig.journal)
    assert order == [10 * at + n for at in (3, 1, 4, 2) for n in range(1, PER_POSITION + 1)]
    assert rig.checkpoints("messages")[-1] == (POSITIONS[-1], True)


async def test_without_in_order_a_position_is_spread_over_the_writers(tmp_path: Path) -> None:
    """The contrast: the same records one per writer, so the writers all wait on position 1."""
    rig = EngineRig(tmp_path)
    conversation(rig, in_order=False)
    sink = rig.splynx.sink("messages")
    held = [sink.hold(sonar_id) for sonar_id in (11, 12, 13)]
    async with rig.running(writers=len(POSITIONS), queue_size=8):
        for gate in held:
            await gate.entered.wait()  # three writers on one position at once
        for gate in held:
            gate.release()
    rig.store.close()
    assert sorted(created(rig.journal)) == sorted(
        10 * at + n for at in POSITIONS for n in range(1, PER_POSITION + 1)
    )
