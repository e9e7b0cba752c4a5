"""The error budget: ``--max-errors`` and ``--max-error-rate`` stop a run going bad, not before.

One writer settles the records in order, so the record whose reject passes
the budget is known, and nothing after it may be sent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import ErrorBudgetExceeded, most_telling
from migrator.pipeline.budget import ErrorBudget
from tests.support.engine_fakes import Row
from tests.support.engine_rig import EngineRig


def customers(rig: EngineRig, count: int, refused: set[int]) -> None:
    sink = rig.entity("customers", [Row(i) for i in range(1, count + 1)])
    for sonar_id in refused:
        sink.refuse(sonar_id)


async def run_over_budget(rig: EngineRig, budget: ErrorBudget) -> ErrorBudgetExceeded:
    with pytest.raises(BaseExceptionGroup) as stopped:
        await rig.run(writers=1, budget=budget)
    error = most_telling(stopped.value)
    assert isinstance(error, ErrorBudgetExceeded)
    return error


def delivered(rig: EngineRig) -> list[int]:
    return [sonar_id for _, sonar_id in rig.splynx.calls("customers", "deliver")]


@pytest.mark.parametrize("max_errors", [0, 2])
async def test_max_errors_stops_at_the_reject_that_passes_it(
    tmp_path: Path, max_errors: int
) -> None:
    rig = EngineRig(tmp_path)
    customers(rig, 10, refused={2, 4, 6, 8})
    error = await run_over_budget(rig, ErrorBudget(max_errors, None))

    last = 2 * (max_errors + 1)  # the reject one over the limit
    assert f"more than --max-errors {max_errors}" in str(error)
    assert delivered(rig) == list(range(1, last + 1))
    assert set(rig.rejects("customers")) == set(range(2, last + 1, 2))
    assert set(rig.mapped("customers")) == set(range(1, last, 2))
    assert rig.checkpoints("customers") == [(last - 1, False)]  # the last reject is redone


async def test_max_errors_reached_but_not_passed_lets_the_run_finish(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    customers(rig, 10, refused={2, 4, 6})
    await rig.run(writers=1, budget=ErrorBudget(3, None))

    assert delivered(rig) == list(range(1, 11))
    assert set(rig.rejects("customers")) == {2, 4, 6}
    assert (rig.budget.settled, rig.budget.rejected) == (10, 3)
    assert rig.checkpoints("customers") == [(10, True)]


async def test_an_early_burst_of_rejects_is_not_judged_before_the_sample_is_complete(
    tmp_path: Path,
) -> None:
    rig = EngineRig(tmp_path)
    customers(rig, 20, refused={1, 2})  # 100% rejected after two records, 25% after eight
    await rig.run(writers=1, budget=ErrorBudget(None, 0.25, min_sample=8))

    assert delivered(rig) == list(range(1, 21))
    assert rig.checkpoints("customers") == [(20, True)]


async def test_max_error_rate_stops_at_the_reject_that_passes_it(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    customers(rig, 20, refused={9, 10, 11, 12})  # 2/10 = 20%, then 3/11 = 27%
    error = await run_over_budget(rig, ErrorBudget(None, 0.25, min_sample=8))

    assert str(error) == "27.3% of 11 records rejected, more than --max-error-rate 0.25"
    assert delivered(rig) == list(range(1, 12))


async def test_a_rate_already_passed_when_the_sample_completes_stops_the_run(
    tmp_path: Path,
) -> None:
    # Six of the first eight records rejected: the sample is complete at the eighth, which
    # is written, and the rate (75%) is over the limit then and at the end of the run (30%).
    rig = EngineRig(tmp_path)
    customers(rig, 20, refused={1, 2, 3, 4, 5, 6})
    error = await run_over_budget(rig, ErrorBudget(None, 0.25, min_sample=8))

    assert str(error) == "75.0% of 8 records rejected, more than --max-error-rate 0.25"
    assert delivered(rig) == list(range(1, 9))


async def test_the_budget_counts_the_rejects_of_every_entity(tmp_path: Path) -> None:
    rig = EngineRig(tmp_path)
    customers(rig, 6, refused={1, 2})
    services = rig.entity("services", [Row(i, parent=i) for i in range(11, 17)])
    services.refuse(11)
    services.refuse(12)
    await run_over_budget(rig, ErrorBudget(3, None))

    assert rig.budget.rejected == 4
    assert len(rig.rejects("customers")) + len(rig.rejects("services")) == 4
