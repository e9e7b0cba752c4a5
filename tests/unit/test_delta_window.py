"""What a delta asks Sonar for: the ``search`` a ``Window`` makes, and where it starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from migrator.errors import ConfigError
from migrator.pipeline.since import OVERLAP, resolve_since, scope_of
from migrator.pipeline.state_schema import RunRow
from migrator.sonar.variables import Window, keyset_variables, probe_variables

SINCE = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)


def test_without_a_window_the_page_is_the_id_range_only() -> None:
    search = keyset_variables("notes", 10, 20, 100)["search"]
    assert search == [
        {"integer_fields": [
            {"attribute": "id", "operator": "GT", "search_value": 10},
            {"attribute": "id", "operator": "LTE", "search_value": 20},
        ]}
    ]  # fmt: skip


def test_a_window_ors_what_changed_with_the_named_ids_the_page_can_hold() -> None:
    window = Window(SINCE, frozenset({5, 12, 18, 40}))
    search = keyset_variables("accounts", 10, 20, 100, window=window)["search"]
    in_range = [
        {"attribute": "id", "operator": "GT", "search_value": 10},
        {"attribute": "id", "operator": "LTE", "search_value": 20},
    ]
    changed = {"attribute": "updated_at", "operator": "GT", "search_value": SINCE.isoformat()}
    assert search == [
        {"integer_fields": in_range, "datetime_fields": [changed]},
        {"integer_fields": [*in_range, {"attribute": "id", "operator": "EQ", "search_value": 12}]},
        {"integer_fields": [*in_range, {"attribute": "id", "operator": "EQ", "search_value": 18}]},
    ]


def test_a_window_of_named_ids_only_never_asks_for_what_changed() -> None:
    window = Window(SINCE, frozenset({3}), changed=False)
    search = keyset_variables("accounts", 0, None, 100, window=window)["search"]
    assert search == [
        {"integer_fields": [
            {"attribute": "id", "operator": "GT", "search_value": 0},
            {"attribute": "id", "operator": "EQ", "search_value": 3},
        ]}
    ]  # fmt: skip
    nothing = probe_variables("accounts", window=Window(SINCE, changed=False))["search"]
    assert nothing == [
        {"integer_fields": [{"attribute": "id", "operator": "LT", "search_value": 0}]}
    ]


def _run(run_id: int, status: str, started: datetime, **summary: object) -> RunRow:
    return RunRow(run_id, "run", started.isoformat(), None, status, 0, dict(summary))


def test_last_is_the_newest_run_that_went_through_less_the_overlap() -> None:
    runs = [
        _run(1, "completed", SINCE - timedelta(days=3), limit=None),
        _run(2, "rejects", SINCE, limit=None),
        _run(3, "completed", SINCE + timedelta(hours=1), limit=20),  # a sample
        _run(4, "interrupted", SINCE + timedelta(hours=2)),
        RunRow(5, "verify", (SINCE + timedelta(hours=3)).isoformat(), None, "completed", 0, None),
    ]
    assert resolve_since("last", runs) == SINCE - OVERLAP
    assert resolve_since("2026-01-02T03:04:05+01:00", []) == datetime(
        2026, 1, 2, 2, 4, 5, tzinfo=UTC
    )
    assert scope_of(SINCE) == "@since=2026-11-30T22:00:00+00:00"


@pytest.mark.parametrize(
    ("text", "runs", "says"),
    [
        ("last", [], "no run that went through"),
        ("2026-01-02T03:04:05", [], "needs a time zone"),
        ("yesterday", [], "not a date and time"),
    ],
)
def test_a_start_that_cannot_be_used_is_refused_clearly(
    text: str, runs: list[RunRow], says: str
) -> None:
    with pytest.raises(ConfigError, match=says):
        resolve_since(text, runs)
