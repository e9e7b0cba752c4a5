"""The fixture format: a Sonar snapshot as one ``<query>.jsonl`` file per list query.

One entity per line; keys are the entity's scalar and enum field names
(``entity_fields``) in schema order; values exactly as Sonar's GraphQL API
serializes them (Int64Bit as a string, Datetime as ISO-8601 with offset, Date
as YYYY-MM-DD, enums by name, ``null`` when unset). Lines are in ascending id
order. Relations are carried by foreign-key fields (``contactable_type`` /
``contactable_id``, ``account_id``, ...).

``migrator export`` writes this format and ``migrator sim sonar --fixture``
reads it; ``--export-fixture`` writes it from generated data. All three go
through ``dump_record`` / ``fixture_lines`` so a round trip is byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "FIXTURE_SUFFIX",
    "FixtureLineError",
    "dump_record",
    "fixture_lines",
    "fixture_path",
    "read_records",
]

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
    """One fixture line (without the newline), in the one canonical spelling.

    Text as it is, but a lone UTF-16 surrogate (JSON may carry one, UTF-8
    cannot): a record holding one is written with JSON escapes instead.
    """
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, ensure_ascii=True, separators=(",", ":"))
    return line


def fixture_lines(path: Path) -> Iterator[tuple[int, bytes, dict[str, Any] | FixtureLineError]]:
    """Each non-blank line: its number, its bytes (trimmed), and its record or the error
    naming why it is not one, so a reader can skip a bad line and say which it was.

    Opening the file happens here, so an ``OSError`` comes from the first ``next``.
    """
    with path.open("rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            line = raw.strip()
            if not line:
                continue
            try:
                record = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                yield line_no, line, FixtureLineError(path, line_no, "not UTF-8 text")
                continue
            except json.JSONDecodeError as exc:
                yield line_no, line, FixtureLineError(path, line_no, f"not valid JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                yield line_no, line, FixtureLineError(path, line_no, "not a JSON object")
                continue
            yield line_no, line, record


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, record)``; blank lines are skipped.

    Raises ``FixtureLineError`` at the first line that is not a JSON object.
    """
    for line_no, _, item in fixture_lines(path):
        if isinstance(item, FixtureLineError):
            raise item
        yield line_no, item
