"""Stopping a run: drain (first Ctrl-C) finishes the writes in hand; abort cancels them.

Either way the state file holds exactly what Splynx confirmed, and the next
run finishes the job with every record created once.
"""

from __future__ import annotations

from pathlib import Path

import anyio

from tests.support.engine_fakes import Row, until
from tests.support.engine_rig import EngineRig


def customers(rig: EngineRig, count: int = 20) -> None:
    rig.entity("customers", [Row(i) for i in range(1, count + 1)])


async def test_drain_stops_reading_and_writers_finish_the_record_in_hand(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    customers(rig)
    sink = rig.splynx.sink("customers")
    third, fourth = sink.hold(3), sink.hold(4)
    source = rig.sources["customers"]
    async with rig.running(writers=2, queue_size=4) as engine:
        await third.entered.wait()
        await fourth.entered.wait()
        engine.drain()
        read_when_drained = list(source.served)
        fourth.release()  # out of order: the later record is confirmed first
        await anyio.lowlevel.checkpoint()
        third.release()
    rig.store.close()

    assert rig.splynx.calls("customers", "deliver") == [
        ("deliver", 1),
        ("deliver", 2),
        ("deliver", 3),
        ("deliver", 4),
    ]
    assert rig.splynx.created("customers") == [1, 2, 4, 3]
    assert source.served == read_when_drained  # nothing read after the drain
    assert len(source.reads) == 1 and max(source.served) < 20
    assert {i: how for i, (_, how) in rig.mapped("customers").items()} == {
        1: "created",
        2: "created",
        3: "created",
        4: "created",
    }
    assert rig.checkpoints("customers") == [(4, False)]
    assert rig.rejects("customers") == {}
    assert rig.finished("customers") == ["stopped"]


async def test_after_a_drain_the_next_run_writes_the_rest_once(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    customers(rig)
    gate = rig.splynx.sink("customers").hold(6)
    async with rig.running(writers=2, queue_size=4) as engine:
        await gate.entered.wait()
        engine.drain()
        gate.release()
    rig.store.close()
    first_run = rig.splynx.created("customers")
    assert sorted(first_run) == list(range(1, len(first_run) + 1))
    [(checkpoint, done)] = rig.checkpoints("customers")
    assert (checkpoint, done) == (len(first_run), False)

    await rig.run(writers=2, queue_size=4)

    assert rig.sources["customers"].reads[-1] == (1, 20, checkpoint)  # from the checkpoint on
    created = rig.splynx.created("customers")
    assert created[: len(first_run)] == first_run
    assert sorted(created) == list(range(1, 21))  # each exactly once
    assert set(rig.mapped("customers")) == set(range(1, 21))
    assert rig.checkpoints("customers") == [(20, True)]
    assert rig.finished("customers") == ["stopped", None]


async def test_abort_cancels_the_writes_in_hand_and_records_none_of_them(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    customers(rig, 10)
    sink = rig.splynx.sink("customers")
    unsent = sink.hold(3)  # cancelled before Splynx saw it
    unanswered = sink.hold(4, after_create=True)  # Splynx created it; the answer never came
    async with rig.running(writers=2, queue_size=4) as engine:
        await unsent.entered.wait()
        await unanswered.entered.wait()
        engine.abort()
    rig.store.close()

    assert rig.splynx.created("customers") == [1, 2, 4]
    assert set(rig.mapped("customers")) == {1, 2}
    assert rig.checkpoints("customers") == [(2, False)]
    assert rig.rejects("customers") == {}

    await rig.run(writers=2, queue_size=4)

    assert sorted(rig.splynx.created("customers")) == list(range(1, 11))  # 4 not sent again
    assert rig.mapped("customers")[4][1] == "adopted"
    assert rig.mapped("customers")[3][1] == "created"
    assert rig.checkpoints("customers") == [(10, True)]


async def test_drain_wakes_a_child_waiting_for_its_parent_and_leaves_it_for_later(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    parents = rig.entity("customers", [Row(1), Row(2)])
    rig.entity("services", [Row(10, parent=1), Row(20, parent=2)], parent="customers")
    slow_parent = parents.hold(1)
    async with rig.running(writers=2, queue_size=4) as engine:
        await slow_parent.entered.wait()
        await until(lambda: rig.splynx.created("services") == [20])
        engine.drain()
        await anyio.lowlevel.checkpoint()
        slow_parent.release()  # the parent in hand is finished
    rig.store.close()

    assert rig.splynx.calls("services", "deliver") == [("deliver", 20)]
    assert set(rig.mapped("customers")) == {1, 2}
    assert set(rig.mapped("services")) == {20}
    assert rig.rejects("services") == {}  # not a reject: left for the next run
    assert rig.checkpoints("services") == [(0, False)]

    await rig.run(writers=2, queue_size=4)

    assert rig.splynx.calls("services")[-3:] == [("deliver", 10), ("find", 10), ("create", 10)]
    assert rig.splynx.payloads[("services", 10)].parents == {
        "parent_id": rig.mapped("customers")[1][0]
    }
    assert rig.checkpoints("services") == [(20, True)]


async def test_a_drain_in_the_first_loop_turns_stops_producers_that_have_not_run_yet(
    tmp_path: Path,
) -> None:
    # A signal can arrive after the engine started a producer task and before that task
    # first ran: the drain must stop it all the same (not let it read, nor crash on a
    # stream whose writers have already left).
    for moment in range(8):
        rig = EngineRig(tmp_path / str(moment))
        customers(rig)
        source = rig.sources["customers"]
        async with rig.running(writers=2, queue_size=2) as engine:
            for _ in range(moment):
                await anyio.lowlevel.checkpoint()
            engine.drain()
            read_when_drained = list(source.served)
        rig.store.close()
        assert source.served == read_when_drained, moment
        assert set(rig.mapped("customers")) == set(rig.splynx.tables["customers"]), moment


def busy_rig(path: Path) -> EngineRig:
    """Customers and their services, writes taking a few loop turns each."""
    rig = EngineRig(path)
    rig.entity("customers", [Row(i) for i in range(1, 13)], page_size=4)
    services = [Row(100 + i, parent=i % 12 + 1) for i in range(24)]
    rig.entity("services", services, parent="customers", page_size=4)
    for name in ("customers", "services"):
        rig.splynx.sink(name).turns = lambda sonar_id: sonar_id % 3
    return rig


async def loop_turns_of_a_whole_run(path: Path) -> int:
    rig, finished = busy_rig(path), anyio.Event()
    engine = rig.engine(writers=2, queue_size=2)

    async def run() -> None:
        await engine.run()
        finished.set()

    turns = 0
    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        while not finished.is_set():
            await anyio.lowlevel.checkpoint()
            turns += 1
    rig.store.close()
    return turns


async def test_a_drain_at_any_moment_leaves_a_state_the_next_run_completes(tmp_path: Path) -> None:
    whole = await loop_turns_of_a_whole_run(tmp_path / "whole")
    for moment in range(0, whole + 1, max(1, whole // 15)):
        rig = busy_rig(tmp_path / str(moment))
        async with rig.running(writers=2, queue_size=2) as engine:
            for _ in range(moment):
                await anyio.lowlevel.checkpoint()
            engine.drain()
        rig.store.close()
        for name in ("customers", "services"):
            # Every write in hand was finished and recorded: nothing in Splynx is unknown.
            assert set(rig.mapped(name)) == set(rig.splynx.tables[name]), moment
            assert rig.unsound_checkpoints(name) == [], moment

        await rig.run(writers=2, queue_size=2)

        assert sorted(rig.splynx.created("customers")) == list(range(1, 13)), moment
        assert sorted(rig.splynx.created("services")) == list(range(100, 124)), moment
        assert rig.checkpoints("customers") == [(12, True)]
        assert rig.checkpoints("services") == [(123, True)]
