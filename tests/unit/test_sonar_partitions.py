"""Id-range partitions: they cover every id exactly once and resume without gaps."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest

from migrator.errors import ConfigError
from migrator.sonar.extract import Extractor, Partition, split
from migrator.sonar.variables import Window


def covered(partitions: tuple[Partition, ...], ids: range) -> list[int]:
    """Which partition each id falls in (the last one is open-ended)."""
    owners = []
    for value in ids:
        hits = [
            p.index for p in partitions if value > p.after and (p.upto is None or value <= p.upto)
        ]
        assert len(hits) == 1, (value, hits)
        owners.append(hits[0])
    return owners


@pytest.mark.parametrize(
    ("lowest", "highest", "parts"),
    [(1, 1, 4), (1, 10, 4), (5, 1_000, 4), (1, 3, 8), (17, 10_017, 7), (1, 2**40, 16)],
)
def test_split_covers_each_id_once_in_order(lowest: int, highest: int, parts: int) -> None:
    partitions = split("accounts", lowest, highest, parts)
    assert 1 <= len(partitions) <= parts
    assert partitions[0].after == lowest - 1
    assert partitions[-1].upto is None  # records created during the run are not left out
    for before, after in pairwise(partitions):
        assert before.upto == after.after  # adjacent, no gap, no overlap
        assert before.after < before.upto  # type: ignore[operator]
    sample = range(lowest, min(highest, lowest + 5_000) + 1)
    owners = covered(partitions, sample)
    assert owners == sorted(owners)  # ids ascend across partitions: concatenation is ordered
    assert {p.count for p in partitions} == {len(partitions)}


def test_resuming_a_partition_moves_its_lower_bound_forward_only() -> None:
    partition = Partition("invoices", 1, 4, 100, 200)
    assert partition.resumed(150).after == 150
    assert partition.resumed(150).upto == 200
    assert partition.resumed(50).after == 100  # never backwards
    assert partition.label == "invoices partition 2/4"


def test_a_delta_needs_an_aware_since() -> None:
    with pytest.raises(ConfigError, match="time zone"):
        Extractor(None, window=Window(datetime(2024, 5, 1)))  # type: ignore[arg-type]
    aware = Window(datetime(2024, 5, 1, tzinfo=UTC))
    assert Extractor(None, window=aware).window == aware  # type: ignore[arg-type]
