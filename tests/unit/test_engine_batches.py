"""The engine with a sink that writes many records at once (the database path for money).

The records of an entity go to ``deliver_many`` in batches taken off its
stream (``take_batch``); each is prepared alone (a parent missing rejects
that record only), the sink's refusals are rejected one by one, the
checkpoint covers a batch only once it is settled, and a re-run skips what
the state file holds and hands the rest over again (the sink adopts what its
markers show, as ``FinanceTables`` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import anyio

from migrator.errors import FieldError, Rejected
from migrator.pipeline.batching import take_batch
from migrator.pipeline.entities import BatchSink, Delivered
from tests.support.engine_fakes import MemorySink, Payload, Row
from tests.support.engine_rig import EngineRig, entity_spec


class BatchMemorySink:
    """A ``BatchSink`` over a ``MemorySink``: each batch is delivered record by record,
    looking markers up first (``verify``), and the batch sizes are kept."""

    def __init__(self, inner: MemorySink, batch_size: int) -> None:
        self.inner = inner
        self.batch_size = batch_size
        self.concurrency = 2
        self.batches: list[list[int]] = []
        self.refused: set[int] = set()

    async def deliver_many(self, payloads: Sequence[Payload]) -> list[Delivered | Rejected]:
        self.batches.append([p.sonar_id for p in payloads])
        outcomes: list[Delivered | Rejected] = []
        for payload in payloads:
            if payload.sonar_id in self.refused:
                outcomes.append(Rejected("refused", [FieldError("amount", "too large")]))
                continue
            outcomes.append(await self.inner.deliver(payload, verify=True))
        return outcomes

    async def deliver(self, payload: Payload, *, verify: bool) -> Delivered:
        raise AssertionError("a batch sink is given batches")

    async def link(self, splynx_id: int, field: str, target_id: int) -> None:
        raise AssertionError("no links")

    async def occupied(self) -> bool:
        return False


def _batched(
    rig: EngineRig, name: str, rows: list[Row], size: int, **kw: object
) -> BatchMemorySink:
    inner = rig.entity(name, rows, **kw)  # type: ignore[arg-type]
    sink = BatchMemorySink(inner, size)
    spec = rig.specs[name]
    parent = spec.depends_on[0] if spec.depends_on else None
    rig.specs[name] = entity_spec(name, rig.sources[name], sink, parent=parent)  # type: ignore[arg-type]
    return sink


def test_the_fake_is_a_batch_sink(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    assert isinstance(_batched(rig, "invoices", [Row(1)], 4), BatchSink)
    assert not isinstance(rig.splynx.sink("customers"), BatchSink)


async def test_records_go_in_batches_once_each_with_refusals_rejected_alone(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(i) for i in range(1, 11)])
    rig.splynx.sink("customers").refuse(4)
    rows = [Row(100 + i, parent=1 + i % 10) for i in range(60)]
    sink = _batched(rig, "invoices", rows, 8, parent="customers", page_size=20)
    sink.refused.add(117)
    await rig.run(writers=2, queue_size=30)

    handed = [sonar_id for batch in sink.batches for sonar_id in batch]
    assert sorted(handed) == sorted(r.id for r in rows if r.parent != 4)
    assert max(len(batch) for batch in sink.batches) > 1
    assert all(len(batch) <= 8 for batch in sink.batches)
    rejects = rig.rejects("invoices")
    assert set(rejects) == {117} | {r.id for r in rows if r.parent == 4}
    assert rejects[117][0] == "amount"
    assert set(rig.mapped("invoices")) == {r.id for r in rows} - set(rejects)
    assert rig.checkpoints("invoices")[-1] == (159, True)


async def test_a_re_run_skips_what_is_mapped_and_the_sink_adopts_what_was_written(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rows = [Row(i) for i in range(1, 41)]
    sink = _batched(rig, "invoices", rows, 5, page_size=10)
    # the database kept a batch whose mapping the state file lost (a crash after COMMIT)
    for row in rows[:5]:
        await sink.inner.deliver(Payload(row.id), verify=False)
    await rig.run()
    assert sorted(rig.splynx.created("invoices")) == [r.id for r in rows]  # none twice
    assert {how for _, how in rig.mapped("invoices").values()} == {"created", "adopted"}
    sink.batches.clear()
    await rig.run()
    assert sink.batches == []  # all skipped from the state file


async def test_take_batch_fills_from_what_is_queued_and_ends_with_the_stream() -> None:
    send, receive = anyio.create_memory_object_stream[int](10)
    with receive:
        for n in range(7):
            send.send_nowait(n)
        assert await take_batch(receive, 5) == [0, 1, 2, 3, 4]
        assert await take_batch(receive, 5, linger=0.01) == [5, 6]
        send.close()
        assert await take_batch(receive, 5) is None


async def test_take_batch_lingers_to_gather_a_trickle_until_the_stream_ends() -> None:
    send, receive = anyio.create_memory_object_stream[int](10)
    send.send_nowait(0)

    async def trickle() -> None:
        async with send:
            for n in range(1, 4):
                await anyio.lowlevel.checkpoint()
                await send.send(n)

    async with anyio.create_task_group() as tg, receive:
        tg.start_soon(trickle)
        with anyio.fail_after(5):
            batch = await take_batch(receive, 10, linger=30.0)
    assert batch == [0, 1, 2, 3]
