"""Resuming: the window above a checkpoint is looked up by marker, found records are adopted.

A run killed between Splynx's answer and the state flush leaves records in
Splynx the state file does not know. The next run starts after the stored
checkpoint, looks up the records of the resume window (what was in flight
plus what the store may have held unflushed) instead of creating them, and
sends nothing at or below the checkpoint again.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.engine_fakes import Row
from tests.support.engine_rig import EngineRig


async def crashed_run(rig: EngineRig, *, in_flight: int) -> None:
    """Run with one writer until record ``in_flight`` is created in Splynx but its answer is
    still on the way, then die without flushing the state."""
    gate = rig.splynx.sink("customers").hold(in_flight, after_create=True)
    async with rig.running(writers=1, queue_size=2, flush_rows=3) as engine:
        await gate.entered.wait()
        engine.abort()
    rig.store.crash()


async def test_the_resume_window_is_looked_up_and_found_records_are_adopted(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(i) for i in range(1, 21)])
    await crashed_run(rig, in_flight=6)
    assert rig.splynx.created("customers") == [1, 2, 3, 4, 5, 6]
    # Flushed every 3 rows: the mappings of 1-3 and the checkpoint 2 that preceded them.
    assert set(rig.mapped("customers")) == {1, 2, 3}
    assert rig.checkpoints("customers") == [(2, False)]

    second = len(rig.journal)
    await rig.run(writers=2, queue_size=2, flush_rows=3)

    assert rig.sources["customers"].reads[-1] == (1, 20, 2)  # 1 and 2 are not read again
    # Window: queue 2 + writers 2 + 3 rows the store may have lost = 7 records after the
    # checkpoint (3..9). 3 is in the id map: skipped without a call.
    assert sorted(rig.splynx.delivered("customers", verify=True, since=second)) == list(
        range(4, 10)
    )
    assert sorted(rig.splynx.delivered("customers", verify=False, since=second)) == list(
        range(10, 21)
    )
    assert sorted(k for kind, k in rig.splynx.calls("customers", "find", since=second)) == list(
        range(4, 10)
    )
    assert sorted(rig.splynx.created("customers", since=second)) == list(range(7, 21))
    assert sorted(rig.splynx.created("customers")) == list(range(1, 21))  # none twice
    hows = {sonar_id: how for sonar_id, (_, how) in rig.mapped("customers").items()}
    assert {i for i, how in hows.items() if how == "adopted"} == {4, 5, 6}
    assert set(hows) == set(range(1, 21))
    assert rig.mapped("customers")[6][0] == rig.splynx.tables["customers"][6]
    assert rig.settled("customers") == {"created": 5 + 14, "skipped": 1, "adopted": 3}
    assert rig.checkpoints("customers") == [(20, True)]


async def test_a_finished_entity_is_neither_read_nor_written_again(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(i) for i in range(1, 8)])
    await rig.run()
    reads, calls = len(rig.sources["customers"].reads), len(rig.splynx.calls())

    await rig.run()

    assert len(rig.sources["customers"].reads) == reads
    assert len(rig.splynx.calls()) == calls
    assert rig.checkpoints("customers") == [(7, True)]


async def test_each_partition_resumes_from_its_own_checkpoint_with_its_own_window(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(i) for i in range(1, 41)], bounds=[(1, 20), (21, 40)])
    sink = rig.splynx.sink("customers")
    gates = [sink.hold(4), sink.hold(33)]
    async with rig.running(producers=2, writers=2, queue_size=2, flush_rows=1) as engine:
        for gate in gates:
            await gate.entered.wait()
        engine.drain()
        for gate in gates:
            gate.release()
    rig.store.close()
    done_before = set(rig.mapped("customers"))
    checkpoints = [checkpoint for checkpoint, _ in rig.checkpoints("customers")]
    for low, checkpoint in zip((1, 21), checkpoints, strict=True):
        assert low + 3 <= checkpoint < low + 19  # each partition stopped part way
        assert set(range(low, checkpoint + 1)) <= done_before  # its written prefix

    second = len(rig.journal)
    await rig.run(producers=2, writers=2, queue_size=2, flush_rows=1)

    assert sorted(rig.sources["customers"].reads[-2:]) == [
        (1, 20, checkpoints[0]),
        (21, 40, checkpoints[1]),
    ]
    # Per partition, the 2 + 2 + 1 records after its checkpoint are looked up first
    # (those already in the id map are skipped without a call); the rest are not.
    window = {i for cp in checkpoints for i in range(cp + 1, cp + 6)}
    assert window - done_before  # records to look up, not only to skip
    verified = rig.splynx.delivered("customers", verify=True, since=second)
    unverified = rig.splynx.delivered("customers", verify=False, since=second)
    assert sorted(verified) == sorted(window - done_before)
    assert sorted(unverified) == sorted(set(range(1, 41)) - window - done_before)
    assert sorted(rig.splynx.created("customers")) == list(range(1, 41))
    assert rig.checkpoints("customers") == [(20, True), (40, True)]


async def test_a_new_state_file_over_an_occupied_splynx_looks_every_record_up(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(i) for i in range(1, 11)])
    await crashed_run(rig, in_flight=5)
    rig.path = tmp_path / "a-new-state-file.sqlite3"  # the old one is lost

    second = len(rig.journal)
    await rig.run(writers=2, queue_size=2)

    assert sorted(rig.splynx.delivered("customers", verify=True, since=second)) == list(
        range(1, 11)
    )
    assert rig.splynx.delivered("customers", verify=False, since=second) == []
    assert sorted(rig.splynx.created("customers")) == list(range(1, 11))
    hows = {sonar_id: how for sonar_id, (_, how) in rig.mapped("customers").items()}
    assert hows == {i: "adopted" if i <= 5 else "created" for i in range(1, 11)}
