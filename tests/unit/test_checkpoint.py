"""PartitionProgress: the checkpoint covers exactly the finished prefix."""

from __future__ import annotations

import random

import pytest

from migrator.pipeline.checkpoint import PartitionProgress


def test_checkpoint_waits_for_the_slowest_of_the_prefix() -> None:
    progress = PartitionProgress(checkpoint=0)
    for sonar_id in (2, 5, 7, 9):
        progress.dispatched(sonar_id)
    assert not progress.finished(5)
    assert progress.checkpoint == 0
    assert progress.finished(2)
    assert progress.checkpoint == 5
    assert not progress.finished(9)
    assert progress.checkpoint == 5
    assert progress.finished(7)
    assert progress.checkpoint == 9
    assert progress.pending == 0


def test_random_completion_order_never_passes_an_unfinished_id() -> None:
    rng = random.Random(5)
    ids = sorted(rng.sample(range(1, 10_000), 500))
    progress = PartitionProgress(checkpoint=0)
    for sonar_id in ids:
        progress.dispatched(sonar_id)
    order = ids[:]
    rng.shuffle(order)
    done: set[int] = set()
    for sonar_id in order:
        before = progress.checkpoint
        progress.finished(sonar_id)
        done.add(sonar_id)
        assert progress.checkpoint >= before
        assert all(i in done for i in ids if i <= progress.checkpoint)
    assert progress.checkpoint == ids[-1]


def test_reached_closes_trailing_gaps_only_when_nothing_is_pending() -> None:
    progress = PartitionProgress(checkpoint=10)
    progress.dispatched(11)
    progress.reached(100)
    assert progress.checkpoint == 10
    progress.finished(11)
    progress.reached(100)
    assert progress.checkpoint == 100
    progress.exhausted = True
    assert progress.done


def test_out_of_order_dispatch_is_a_bug() -> None:
    progress = PartitionProgress(checkpoint=5)
    with pytest.raises(ValueError):
        progress.dispatched(5)
    progress.dispatched(8)
    with pytest.raises(ValueError):
        progress.dispatched(7)
