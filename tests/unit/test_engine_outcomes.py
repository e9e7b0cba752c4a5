"""Awkward outcomes: an answer lost after a create, a run cancelled with writes in flight.

The ``Sink`` protocol puts the look-up after a lost answer in the sink
(``ApiSink`` through the client's ``create_once``): it answers "adopted" when
it found the record, or raises when it gave up. The engine never sends a
record again itself; a record whose outcome it did not see is neither mapped
nor rejected, stays above the checkpoint, and the next run looks it up.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from migrator.errors import GaveUp, OutcomeUnknown, most_telling
from tests.support.engine_fakes import Row, until
from tests.support.engine_rig import EngineRig


def delivered(rig: EngineRig, entity: str = "customers", since: int = 0) -> list[int]:
    return [sonar_id for _, sonar_id in rig.splynx.calls(entity, "deliver", since=since)]


async def test_a_lost_answer_the_sink_looked_up_is_adopted_not_created_twice(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(i) for i in range(1, 6)])
    rig.splynx.sink("customers").lose_answer(3, then="look_up")
    await rig.run()

    assert [call for call in rig.splynx.calls("customers") if call[1] == 3] == [
        ("deliver", 3),
        ("create", 3),
        ("find", 3),
    ]
    assert rig.splynx.created("customers") == [1, 2, 3, 4, 5]
    assert rig.mapped("customers")[3] == (rig.splynx.tables["customers"][3], "adopted")
    assert rig.settled("customers") == {"created": 4, "adopted": 1}
    assert rig.checkpoints("customers") == [(5, True)]


@pytest.mark.parametrize(
    ("then", "raised"),
    [("escape", OutcomeUnknown), ("give_up", GaveUp)],
    ids=["unknown", "gave-up"],
)
async def test_an_outcome_the_sink_could_not_settle_stops_the_run_and_is_looked_up_next_time(
    tmp_path: Path, then: str, raised: type[Exception]
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(i) for i in range(1, 7)])
    rig.splynx.sink("customers").lose_answer(3, then=then)  # type: ignore[arg-type]
    with pytest.raises(BaseExceptionGroup) as stopped:
        await rig.run(writers=1)

    assert isinstance(most_telling(stopped.value), raised)
    assert delivered(rig) == [1, 2, 3]  # 3 was not sent again, and nothing after it
    assert set(rig.mapped("customers")) == {1, 2}
    assert rig.rejects("customers") == {}  # not a reject: nobody knows yet
    assert rig.checkpoints("customers") == [(2, False)]

    second = len(rig.journal)
    await rig.run(writers=1)

    assert rig.splynx.calls("customers", since=second)[:2] == [("deliver", 3), ("find", 3)]
    assert rig.splynx.created("customers") == [1, 2, 3, 4, 5, 6]  # 3 once
    assert rig.mapped("customers")[3][1] == "adopted"
    assert rig.checkpoints("customers") == [(6, True)]


async def test_a_drain_cut_short_by_its_deadline_records_only_confirmed_writes(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(i) for i in range(1, 11)])
    rig.entity("services", [Row(100 + i, parent=i) for i in range(1, 11)], parent="customers")
    customers = rig.splynx.sink("customers")
    unsent = customers.hold(3)  # never reaches Splynx
    unanswered = customers.hold(4, after_create=True)  # created, the answer still on its way
    with anyio.CancelScope() as deadline:
        # Three write slots for both entities: two stay taken by customers 3 and 4.
        async with rig.running(writers=3, queue_size=4) as engine:
            await unsent.entered.wait()
            await unanswered.entered.wait()
            await until(lambda: {101, 102} <= set(rig.splynx.created("services")))
            engine.drain()  # the first Ctrl-C: waits for 3 and 4, which do not come...
            for _ in range(20):
                await anyio.lowlevel.checkpoint()
            deadline.cancel()  # ...until the drain deadline cancels them
    rig.store.close()

    assert deadline.cancelled_caught
    assert 3 not in rig.splynx.created("customers")
    for name in ("customers", "services"):
        unconfirmed = {4} if name == "customers" else set()
        assert set(rig.mapped(name)) == set(rig.splynx.created(name)) - unconfirmed
        assert rig.rejects(name) == {}
    assert rig.checkpoints("customers") == [(2, False)]
    [(services_checkpoint, _)] = rig.checkpoints("services")
    assert services_checkpoint < 103

    second = len(rig.journal)
    await rig.run(writers=2, queue_size=4)

    assert 1 not in delivered(rig, since=second) and 2 not in delivered(rig, since=second)
    assert sorted(rig.splynx.created("customers")) == list(range(1, 11))  # each once
    assert sorted(rig.splynx.created("services")) == list(range(101, 111))
    assert rig.mapped("customers")[4][1] == "adopted"
    assert rig.splynx.payloads[("services", 104)].parents == {
        "parent_id": rig.splynx.tables["customers"][4]
    }
    assert rig.checkpoints("customers") == [(10, True)]
    assert rig.checkpoints("services") == [(110, True)]


async def test_a_record_sonar_sent_unreadable_is_kept_as_a_reject_and_passed(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(i) for i in range(1, 5)], unreadable={2: '{"id": "2", "name": 7}'})
    await rig.run()

    assert delivered(rig) == [1, 3, 4]
    assert rig.rejects("customers") == {2: ("", "Sonar sent a record we cannot read")}
    assert (rig.budget.settled, rig.budget.rejected) == (4, 1)
    assert rig.checkpoints("customers") == [(4, True)]
