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


def test_records_sharing_a_cursor_hold_it_until_all_are_finished() -> None:
    progress = PartitionProgress(checkpoint=0)
    for cursor in (3, 3, 3, 8):
        progress.dispatched(cursor)
    assert progress.pending == 4
    progress.finished(8)
    progress.finished(3)
    progress.finished(3)
    assert progress.checkpoint == 0
    assert progress.pending == 4  # finished ones behind an unfinished one still count
    assert progress.finished(3)
    assert progress.checkpoint == 8
    assert progress.pending == 0


def test_going_back_is_a_bug() -> None:
    progress = PartitionProgress(checkpoint=5)
    with pytest.raises(ValueError):
        progress.dispatched(5)
    progress.dispatched(8)
    progress.dispatched(8)
    with pytest.raises(ValueError):
        progress.dispatched(7)
