"""The fixture format: a Sonar snapshot as one ``<query>.jsonl`` file per list query.

One entity per line; keys are the entity's scalar and enum field names
(``entity_fields``) in schema order; values exactly as Sonar's GraphQL API
serializes them (Int64Bit as a string, Datetime as ISO-8601 with offset, Date
as YYYY-MM-DD, enums by name, ``null`` when unset). Lines are in ascending id
order. Relations are carried by foreign-key fields (``contactable_type`` /
``contactable_id``, ``account_id``, ...).

``migrator export`` writes this format and ``migrator sim sonar --fixture``
reads it; ``--export-fixture`` writes it from generated data. All three go
through ``dump_record`` / ``read_records`` so a round trip is byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["FIXTURE_SUFFIX", "FixtureLineError", "dump_record", "fixture_path", "read_records"]

FIXTURE_SUFFIX = ".jsonl"


class FixtureLineError(ValueError):
    """A fixture line that cannot be used; the message names the file and line."""

    def __init__(self, path: Path, line_no: int, problem: str) -> None:
        super().__init__(f"{path.name}:{line_no}: {problem}")
        self.path = path
        self.line_no = line_no
        self.problem = problem


def fixture_path(directory: Path, query: str) -> Path:
    return directory / f"{query}{FIXTURE_SUFFIX}"


def dump_record(record: Mapping[str, Any]) -> str:
    """One fixture line (without the newline), in the one canonical spelling."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, record)``; blank lines are skipped.

    Raises ``FixtureLineError`` for a line that is not a JSON object, so the
    caller can decide to stop or to skip it, and say which line either way.
    """
    with path.open(encoding="utf-8") as lines:
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FixtureLineError(path, line_no, f"not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise FixtureLineError(path, line_no, "not a JSON object")
            yield line_no, record
