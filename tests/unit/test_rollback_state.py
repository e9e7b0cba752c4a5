"""The state file's side of rollback: what counts as ours, and forgetting what is deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.pipeline.state import Planned, StateStore
from migrator.rollback.plan import ROLLBACK_ORDER, Kept, Plan, _keep_reason, keep_parents


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    store = StateStore.open(tmp_path / "state.sqlite3")
    first, second = store.begin_run("run"), store.begin_run("run")
    store.mapped("partners", 1, 10, how="existing", run_id=first)
    store.mapped("customers", 1, 100, how="created", run_id=first)
    store.mapped("customers", 2, 101, how="adopted", run_id=first)
    store.mapped("customers", 3, 102, how="created", run_id=second)
    store.plan_partitions("customers", [(1, 3)])
    store.checkpoint("customers", 0, 3, done=True)
    store.flush()
    return store


@pytest.mark.parametrize(
    ("entity", "run_id", "expected"),
    [
        ("partners", None, []),  # the ISP's own, matched by name: never ours
        ("customers", None, [(1, 100, "created"), (2, 101, "adopted"), (3, 102, "created")]),
        ("customers", 1, [(1, 100, "created"), (2, 101, "adopted")]),
        ("customers", 2, [(3, 102, "created")]),
    ],
)
def test_ours_is_created_or_adopted_of_the_run(
    store: StateStore, entity: str, run_id: int | None, expected: list[tuple[int, int, str]]
) -> None:
    assert store.ours(entity, run_id) == expected


def test_rolled_back_leaves_the_plan_and_the_id_map_and_replans_the_entity(
    store: StateStore,
) -> None:
    store.plan_rollback([Planned("customers", 1, 100), Planned("customers", 3, 102)])
    store.rolled_back("customers", [1])
    assert store.rollback_pending() == [Planned("customers", 3, 102)]
    assert store.splynx_id("customers", 1) is None
    assert store.splynx_id("customers", 2) == 101
    assert store.partitions("customers") == []  # the next run reads customers again
    store.rolled_back("customers", [3])
    assert store.rollback_pending() == []


CHANGED = "changed in Splynx since the run"


@pytest.mark.parametrize(
    ("changed", "undeletable", "reason"),
    [
        ({}, {}, ""),
        ({"customers": {100: ["name", "email", "name"]}}, {}, f"{CHANGED}: email, name"),
        ({"customers": {999: ["name"]}}, {}, ""),
        ({}, {"customers": "no API delete"}, "no API delete"),
    ],
)  # fmt: skip
def test_keep_reason(changed: dict, undeletable: dict, reason: str) -> None:
    assert _keep_reason("customers", 100, changed, undeletable) == reason


def test_what_a_kept_record_names_is_kept_up_the_chain() -> None:
    plan = Plan(
        deletes={
            "customers": [Planned("customers", 1, 100), Planned("customers", 2, 101)],
            "internet_tariffs": [Planned("internet_tariffs", 5, 50)],
            "partners": [Planned("partners", 1, 9)],
            "locations": [Planned("locations", 0, 8)],
        }
    )
    plan.kept.append(Kept("internet_services", 7, 700, "changed", customer_id=101))
    refs = {
        ("internet_services", 700): {"customers": 101, "internet_tariffs": 50},
        ("customers", 101): {"partners": 9},
        ("customers", 100): {"partners": 9, "locations": 8},
    }
    keep_parents(plan, refs)
    assert plan.deletes["customers"] == [Planned("customers", 1, 100)]
    assert plan.deletes["internet_tariffs"] == plan.deletes["partners"] == []
    assert plan.deletes["locations"] == [Planned("locations", 0, 8)]
    assert [(k.entity, k.splynx_id) for k in plan.kept] == [
        ("internet_services", 700),
        ("customers", 101),
        ("internet_tariffs", 50),
        ("partners", 9),
    ]


def test_children_come_before_their_parents() -> None:
    order = ROLLBACK_ORDER.index
    assert order("payments") < order("invoices") < order("customers") < order("partners")
    assert order("internet_services") < order("internet_tariffs")
    assert order("internet_services") < order("ipv4_networks")
