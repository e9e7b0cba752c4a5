"""Checkpoints: writers finish out of order, yet a checkpoint never passes an unsettled record.

Read from the journal of a real run: each checkpoint the engine hands the
state store is checked against the mappings and rejects recorded before it.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.support.engine_fakes import Entry, Row, until
from tests.support.engine_rig import EngineRig


def checkpoints_of(journal: list[Entry], entity: str, part: int = 0) -> list[tuple[int, bool]]:
    return [
        e.info for e in journal if e.kind == "checkpoint" and (e.entity, e.key) == (entity, part)
    ]


async def test_a_slow_first_record_holds_the_checkpoint_until_it_is_written(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    sink = rig.entity("customers", [Row(i) for i in range(1, 9)])
    first, second = sink.hold(1), sink.hold(2)
    async with rig.running(writers=3, queue_size=4):
        await first.entered.wait()
        await second.entered.wait()
        # The third writer goes on up to the window (queue 4 + writers 3 past the checkpoint).
        await until(lambda: rig.splynx.created("customers") == [3, 4, 5, 6, 7])
        second.release()
        await until(lambda: 2 in rig.splynx.created("customers"))
        assert {position for position, _ in checkpoints_of(rig.journal, "customers")} <= {0}
        first.release()
    rig.store.close()

    assert rig.splynx.created("customers") == [3, 4, 5, 6, 7, 2, 1, 8]
    positions = [position for position, _ in checkpoints_of(rig.journal, "customers")]
    # None while 1 was unwritten; 7 (past everything written meanwhile) once it was.
    first_moved = next(i for i, e in enumerate(rig.journal) if e.kind == "checkpoint")
    assert first_moved > rig.journal.index(Entry("mapped", "customers", 1, "created"))
    assert positions[0] == 7
    assert positions == sorted(positions)
    assert checkpoints_of(rig.journal, "customers")[-1] == (8, True)
    assert rig.checkpoints("customers") == [(8, True)]


async def test_records_sharing_a_position_hold_the_checkpoint_until_all_are_written(
    tmp_path: Path,
) -> None:
    # An account's services all sit at the account's position. With one writer and a
    # queue of one, the writer finishes the first service at a position while the
    # producer is still waiting to queue the second: the checkpoint must not reach it.
    rig = EngineRig(tmp_path)
    rows = [
        Row(11, cursor=1),
        Row(21, cursor=2),
        Row(22, cursor=2),
        Row(23, cursor=2),
        Row(31, cursor=3),
    ]
    rig.entity("services", rows)
    await rig.run(writers=1, queue_size=1)

    assert rig.splynx.created("services") == [11, 21, 22, 23, 31]
    assert rig.unsound_checkpoints("services") == []
    assert rig.checkpoints("services") == [(3, True)]


async def test_out_of_order_completions_never_move_a_checkpoint_past_an_unsettled_record(
    tmp_path: Path,
) -> None:
    for seed in range(8):
        rng = random.Random(seed)
        rig = EngineRig(tmp_path / str(seed))
        customer_bounds = [(1, 30), (31, 60)]
        customers = [Row(i) for i in sorted(rng.sample(range(1, 61), 40))]
        # Services sit at their customer's position, several at one (as an account's do).
        services = [
            Row(customer.id * 10 + k, parent=customer.id, cursor=customer.id)
            for customer in customers
            for k in range(rng.randint(0, 3))
        ]
        absent = min(set(range(1, 61)) - {customer.id for customer in customers})
        services.append(Row(5, parent=absent, cursor=1))  # a parent Sonar does not have
        service_bounds = [(1, 20), (21, 60)]
        rig.entity("customers", customers, bounds=customer_bounds, page_size=7)
        rig.entity("services", services, parent="customers", bounds=service_bounds, page_size=7)
        for name in ("customers", "services"):
            sink = rig.splynx.sink(name)
            sink.jitter(rng, 6)
            for row in rng.sample(customers if name == "customers" else services, 4):
                sink.refuse(row.id)

        await rig.run(producers=2, writers=4, queue_size=3)

        for name, rows, bounds in (
            ("customers", customers, customer_bounds),
            ("services", services, service_bounds),
        ):
            assert rig.unsound_checkpoints(name) == [], seed
            moves = {e.info for e in rig.journal if e.kind == "checkpoint" and e.entity == name}
            assert len(moves) > 10  # the checkpoints moved during the run, not only at its end
            assert rig.checkpoints(name) == [(high, True) for _, high in bounds], seed
            assert len(rig.mapped(name)) + len(rig.rejects(name)) == len(rows), seed


async def test_a_sample_run_writes_its_limit_of_records_and_leaves_the_checkpoints_alone(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rows = [Row(11, cursor=1), Row(21, cursor=2), Row(22, cursor=2), Row(31, cursor=3)]
    rig.entity("services", rows, page_size=1)
    await rig.run(writers=1, limit=2)

    assert rig.splynx.created("services") == [11, 21]  # the limit cuts a position short
    assert checkpoints_of(rig.journal, "services") == []
    assert rig.checkpoints("services") == [(0, False)]
