"""Parent waits: a child record waits for its own parent only, in whatever order they come.

A child whose parent is written gets the parent's Splynx id; a child whose
parent is rejected, or absent from Sonar, is rejected naming the parent;
a reference within the same entity (``wait=False``) does not wait at all
and is linked once the run is through.
"""

from __future__ import annotations

from pathlib import Path

import anyio

from tests.support.engine_fakes import Entry, Gate, Row, until
from tests.support.engine_rig import EngineRig


def position(journal: list[Entry], kind: str, entity: str, key: int) -> int:
    """Where in the journal ``kind`` happened to ``entity``'s record ``key``."""
    [index] = [i for i, e in enumerate(journal) if (e.kind, e.entity, e.key) == (kind, entity, key)]
    return index


def parent_of(rig: EngineRig, service: int) -> dict[str, int]:
    """The parents' Splynx ids the service was created with."""
    return dict(rig.splynx.payloads[("services", service)].parents)


def splynx_id(rig: EngineRig, entity: str, sonar_id: int) -> int:
    return rig.splynx.tables[entity][sonar_id]


async def test_a_child_waits_for_its_own_parent_only(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    customers = rig.entity("customers", [Row(1), Row(2)])
    rig.entity("services", [Row(10, parent=1), Row(20, parent=2)], parent="customers")
    first, second = customers.hold(1), customers.hold(2)
    # Three write slots: two taken by the held customers, one free for a service.
    async with rig.running(writers=3):
        await first.entered.wait()
        await second.entered.wait()
        await until(lambda: rig.sources["services"].served == [10, 20])
        for _ in range(20):
            await anyio.lowlevel.checkpoint()
        assert rig.splynx.calls("services") == []  # both children are waiting
        second.release()  # 2 is written while 1 (and so the checkpoint) is held back
        await until(lambda: rig.splynx.created("services") == [20])
        assert ("deliver", 10) not in rig.splynx.calls("services")  # still waiting for 1
        first.release()
    rig.store.close()

    journal = rig.journal
    assert (
        position(journal, "create", "customers", 2)
        < position(journal, "create", "services", 20)
        < position(journal, "create", "customers", 1)
        < position(journal, "create", "services", 10)
    )
    assert parent_of(rig, 10) == {"parent_id": splynx_id(rig, "customers", 1)}
    assert parent_of(rig, 20) == {"parent_id": splynx_id(rig, "customers", 2)}
    assert rig.checkpoints("services") == [(20, True)]


async def test_a_child_read_before_its_parent_gets_the_parents_id_once_it_is_written(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(1), Row(2)])
    rig.entity("services", [Row(5, parent=2), Row(6, parent=1)], parent="customers")
    unread = rig.sources["customers"].hold = Gate()
    async with rig.running(writers=2):
        await unread.entered.wait()
        await until(lambda: rig.sources["services"].served == [5, 6])
        for _ in range(20):  # room for a writer that would not wait
            await anyio.lowlevel.checkpoint()
        assert rig.splynx.calls("services") == []
        unread.release()
    rig.store.close()

    journal = rig.journal
    assert position(journal, "create", "customers", 2) < position(journal, "deliver", "services", 5)
    assert position(journal, "create", "customers", 1) < position(journal, "deliver", "services", 6)
    assert parent_of(rig, 5) == {"parent_id": splynx_id(rig, "customers", 2)}
    assert parent_of(rig, 6) == {"parent_id": splynx_id(rig, "customers", 1)}
    assert rig.rejects("services") == {}


async def test_a_rejected_parent_rejects_its_waiting_children_naming_it(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    customers = rig.entity("customers", [Row(1), Row(2), Row(3)])
    services = [Row(10, parent=1), Row(20, parent=2), Row(21, parent=2), Row(30, parent=3)]
    rig.entity("services", services, parent="customers")
    customers.refuse(2, "email is not valid")
    slow = customers.hold(1)  # holds the customers' checkpoint back throughout
    late = customers.hold(2)  # the children are waiting when the refusal comes

    def rejected_services() -> set[int]:
        return {e.key for e in rig.journal if (e.kind, e.entity) == ("rejected", "services")}

    async with rig.running(writers=4):  # a writer for each service, two slots held
        await slow.entered.wait()
        await late.entered.wait()
        await until(lambda: rig.splynx.created("services") == [30])
        late.release()
        await until(lambda: rejected_services() == {20, 21})
        slow.release()
    rig.store.close()

    assert rig.rejects("customers") == {2: ("", "email is not valid")}
    rejects = rig.rejects("services")
    assert set(rejects) == {20, 21}
    for field, reason in rejects.values():
        assert field == "parent_id"
        assert "customers 2" in reason
    assert position(rig.journal, "rejected", "services", 21) < position(
        rig.journal, "create", "customers", 1
    )
    assert sorted(rig.splynx.calls("services", "deliver")) == [("deliver", 10), ("deliver", 30)]
    assert set(rig.mapped("services")) == {10, 30}
    assert rig.checkpoints("services") == [(30, True)]


async def test_a_parent_sonar_does_not_have_rejects_the_child_without_a_deadlock(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(1), Row(3)], bounds=[(1, 3)])
    rig.entity(
        "services",
        [Row(10, parent=2), Row(11, parent=99), Row(12, parent=3)],
        parent="customers",
    )
    await rig.run(writers=1)

    rejects = rig.rejects("services")
    assert set(rejects) == {10, 11}
    assert "customers 2" in rejects[10][1] and "customers 99" in rejects[11][1]
    assert rig.splynx.calls("services", "deliver") == [("deliver", 12)]
    assert rig.checkpoints("services") == [(12, True)]


async def test_parents_written_by_an_earlier_run_are_found_in_the_state(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    rig.entity("customers", [Row(1), Row(2)])
    rig.entity("services", [Row(10, parent=1), Row(30, parent=3)], parent="customers")
    await rig.run(only=["customers"])

    await rig.run(only=["services"])  # customers is not part of this run

    assert parent_of(rig, 10) == {"parent_id": splynx_id(rig, "customers", 1)}
    assert set(rig.rejects("services")) == {30}
    assert rig.splynx.created("customers") == [1, 2]


async def test_a_reference_within_the_entity_does_not_wait_and_is_linked_afterwards(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    customers = rig.entity(
        "customers",
        [Row(1, sibling=3), Row(2, sibling=1), Row(3), Row(4, sibling=5), Row(5)],
        siblings=True,
    )
    customers.refuse(5)
    await rig.run(writers=1)  # one writer: 1 is written before 3, which it refers to

    assert rig.splynx.created("customers") == [1, 2, 3, 4]
    assert rig.splynx.payloads[("customers", 1)].parents == {}  # went ahead without it
    assert rig.splynx.payloads[("customers", 2)].parents == {
        "sibling_id": splynx_id(rig, "customers", 1)
    }
    assert rig.links("customers") == [
        (1, "sibling_id", "customers", 3),
        (4, "sibling_id", "customers", 5),
    ]

    await rig.link_deferred()

    assert [e for e in rig.journal if e.kind == "link"] == [
        Entry(
            "link",
            "customers",
            splynx_id(rig, "customers", 1),
            ("sibling_id", splynx_id(rig, "customers", 3)),
        )
    ]
    assert rig.cleanups("customers") == [
        (4, "sibling_id: customers 5 is not in Splynx; link left empty")
    ]
    assert rig.links("customers") == []


async def test_a_record_adopted_after_a_crash_gets_the_link_it_was_created_without(
    tmp_path: Path,
) -> None:
    # Run 1: customer 4 refers to 3, which is still being written, so 4 is created without
    # the link; 3 is created, and the process dies before any of it is saved.
    rig = EngineRig(tmp_path)
    customers = rig.entity("customers", [Row(3), Row(4, sibling=3)], siblings=True)
    three = customers.hold(3, after_create=True)
    async with rig.running(writers=2) as engine:
        await three.entered.wait()
        await until(lambda: rig.splynx.created("customers") == [3, 4])
        engine.abort()
    rig.store.crash()
    assert rig.splynx.payloads[("customers", 4)].parents == {}

    # Run 2: 3 is adopted first, so 4 now finds its sibling at once; but the 4 Splynx holds
    # is the one created without it, and adopting it must not leave it that way.
    await rig.run(writers=1)
    await rig.link_deferred()

    assert rig.splynx.created("customers") == [3, 4]  # adopted, not created again
    links = [e for e in rig.journal if e.kind == "link"]
    assert links == [
        Entry(
            "link",
            "customers",
            splynx_id(rig, "customers", 4),
            ("sibling_id", splynx_id(rig, "customers", 3)),
        )
    ]
