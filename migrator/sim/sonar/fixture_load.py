"""Serving a fixture directory (``--fixture DIR``): read, check, and say what was wrong.

The format is the shared one (``migrator.sonar.fixture``). What is done with
imperfect input, line by line, always naming ``file:line`` in a warning:

- a line that is not UTF-8, not JSON, or not a JSON object: skipped;
- a key that is not a field of the entity: dropped from the record (warned
  once per file and key), the rest of the line served;
- a field missing from a line: taken as ``null``;
- a value not spelled as the API spells it (``"amount": "12"``, a Datetime
  without offset, an Int64Bit as a bare number, ``null`` in a never-null
  field, an unknown enum value): the line is skipped;
- an id seen before: the later line is skipped;
- lines out of id order: served in id order;
- a foreign key naming no record (a contact of a missing account): served
  as it is, one warning per file and key with the first line and the count.

A missing ``<query>.jsonl`` is an empty query (logged once for all of them;
a warning for the queries migrator reads, information for the equipment ones,
which ``migrator export`` does not write).
The fixture is unusable, and ``FixtureError`` says why, when the directory
does not exist, holds no fixture file at all, or a file cannot be read.
"""

from __future__ import annotations

import json
import logging
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from migrator.errors import ConfigError
from migrator.sim.sonar.fields import EntitySpec, entity_spec
from migrator.sim.sonar.foreign_keys import FOREIGN_KEYS, broken_references
from migrator.sim.sonar.scalars import ScalarError
from migrator.sim.sonar.table import (
    ColumnBuilder,
    Dataset,
    Table,
    columns_from_records,
)
from migrator.sonar.fixture import (
    FIXTURE_SUFFIX,
    FixtureLineError,
    dump_record,
    fixture_lines,
    fixture_path,
)
from migrator.sonar.prune_schema import EQUIPMENT_QUERIES
from migrator.sonar.schema import LIST_QUERIES, SERVED_QUERIES

__all__ = ["FixtureError", "load_fixture"]

log = logging.getLogger(__name__)


class FixtureError(ConfigError):
    """The fixture directory cannot be served at all; the message says what to fix."""


def _lines(path: Path) -> Iterator[tuple[int, bytes, dict[str, Any] | FixtureLineError]]:
    """``fixture_lines``, with an unreadable file as a ``FixtureError``."""
    try:
        yield from fixture_lines(path)
    except OSError as exc:
        raise FixtureError(f"cannot read {path}: {exc.strerror}") from None


class _FileReader:
    """Reads one ``<query>.jsonl`` into kept lines and columns, warning about what it skips."""

    def __init__(self, path: Path, spec: EntitySpec, builder: ColumnBuilder) -> None:
        self.path, self.spec, self.builder = path, spec, builder
        self.problem = spec.validator(skip=builder.parsed)
        self.unknown: dict[str, int] = {}  # key → first line it was seen on
        self.skipped = 0

    def skip(self, line_no: int, problem: str) -> None:
        self.skipped += 1
        log.warning("%s:%d: %s; line skipped", self.path.name, line_no, problem)

    def clean(self, line_no: int, raw: dict[str, Any], exact: bool) -> dict[str, Any] | None:
        """The record in schema order, or ``None`` when the line cannot be served.

        ``exact``: the line's keys are the fields in schema order already.
        """
        record = raw if exact else self._reshaped(line_no, raw)
        problem = self.problem(record)
        if problem is not None:
            self.skip(line_no, f"field {problem[0]!r}: {problem[1]}")
            return None
        return record

    def _reshaped(self, line_no: int, raw: dict[str, Any]) -> dict[str, Any]:
        for key in raw.keys() - self.spec.fields.keys():
            if key not in self.unknown:
                self.unknown[key] = line_no
                log.warning(
                    "%s:%d: %r is not a field of %s; the key is ignored wherever it appears",
                    self.path.name,
                    line_no,
                    key,
                    self.spec.type_name,
                )
        return {name: raw.get(name) for name in self.spec.fields}

    def read(self, store: _LineStore) -> tuple[array[int], array[int]]:
        """(ids, line numbers) in file order, duplicates removed.

        Each kept record goes to ``store`` as one JSON line and to the column
        builder; the records themselves are not kept. A line whose keys are
        exactly the fields in schema order is stored as it was read.
        """
        names = list(self.spec.fields)
        seen: dict[int, int] = {}
        ids, numbers = array("q"), array("q")
        for line_no, line, item in _lines(self.path):
            if isinstance(item, FixtureLineError):
                self.skip(line_no, item.problem)
                continue
            exact = list(item) == names
            record = self.clean(line_no, item, exact)
            if record is None:
                continue
            record_id = _id_of(record)
            if record_id is not None and record_id in seen:
                self.skip(line_no, f"duplicate id {record_id} (first on line {seen[record_id]})")
                continue
            try:
                self.builder.add(record)
            except ScalarError as exc:
                self.skip(line_no, str(exc))
                continue
            assert record_id is not None  # the builder refuses a record without a good id
            seen[record_id] = line_no
            ids.append(record_id)
            numbers.append(line_no)
            store.add(line if exact else dump_record(record).encode("utf-8"))
        return ids, numbers


def _id_of(record: dict[str, Any]) -> int | None:
    """The record's id if it is spelled right (the builder refuses it otherwise)."""
    value = record.get("id")
    return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else None


class _LineStore:
    """Kept lines in one growing buffer, each found by its start and end."""

    def __init__(self) -> None:
        self.blob = bytearray()
        self.starts, self.ends = array("q"), array("q")

    def add(self, line: bytes) -> None:
        self.starts.append(len(self.blob))
        self.blob += line
        self.ends.append(len(self.blob))

    def materializer(self, order: list[int] | None) -> Callable[[int], dict[str, Any]]:
        blob = self.blob
        starts, ends = self.starts, self.ends
        if order is not None:
            starts = array("q", (starts[row] for row in order))
            ends = array("q", (ends[row] for row in order))

        def materialize(row: int) -> dict[str, Any]:
            return json.loads(blob[starts[row] : ends[row]])  # type: ignore[no-any-return]

        return materialize


def _table(path: Path, query: str) -> tuple[Table, array[int]]:
    """One query's table and the file line of each row."""
    builder, store = ColumnBuilder(entity_spec(query)), _LineStore()
    ids, numbers = _FileReader(path, entity_spec(query), builder).read(store)
    order: list[int] | None = None
    if any(ids[row] > ids[row + 1] for row in range(len(ids) - 1)):
        log.info("%s: lines are not in id order; serving them in id order", path.name)
        order = sorted(range(len(ids)), key=ids.__getitem__)
        numbers = array("q", (numbers[row] for row in order))
    row_ids, columns = builder.build(order)
    return Table(query, row_ids, columns, store.materializer(order)), numbers


def _empty(query: str) -> Table:
    ids, columns = columns_from_records(entity_spec(query), [])
    return Table(query, ids, columns, _LineStore().materializer(None))


def _warn_orphans(dataset: Dataset, line_numbers: dict[str, array[int]]) -> None:
    for key in FOREIGN_KEYS:
        if key.query not in line_numbers:
            continue
        broken = list(broken_references(dataset, key))
        if broken:
            first = broken[0]
            log.warning(
                "%s:%d: %s %d names no record of %s (%d such lines); served as they are",
                fixture_path(Path(), key.query).name,
                line_numbers[key.query][first.row],
                key.field,
                first.value,
                key.target,
                len(broken),
            )


def load_fixture(directory: Path) -> Dataset:
    """The dataset a fixture directory describes; ``FixtureError`` when it is unusable."""
    if not directory.is_dir():
        raise FixtureError(f"fixture directory {directory} does not exist or is not a directory")
    present = {path.name[: -len(FIXTURE_SUFFIX)] for path in directory.glob(f"*{FIXTURE_SUFFIX}")}
    for stray in sorted(present - set(SERVED_QUERIES)):
        log.warning(
            "%s%s is not a Sonar list query the simulator serves; ignored", stray, FIXTURE_SUFFIX
        )
    if not present & set(SERVED_QUERIES):
        raise FixtureError(
            f"no fixture files in {directory}: expected <query>{FIXTURE_SUFFIX} files"
            f" such as accounts{FIXTURE_SUFFIX}"
        )
    missing = [query for query in LIST_QUERIES if query not in present]
    if missing:
        log.warning("no fixture file for %s in %s; served as empty", ", ".join(missing), directory)
    # migrator export writes only what migrator reads: no equipment files is the usual case.
    absent = [query for query in EQUIPMENT_QUERIES if query not in present]
    if absent:
        log.info("no fixture file for %s in %s; served as empty", ", ".join(absent), directory)
    tables: dict[str, Table] = {}
    line_numbers: dict[str, array[int]] = {}
    for query in SERVED_QUERIES:
        if query in present:
            tables[query], line_numbers[query] = _table(fixture_path(directory, query), query)
        else:
            tables[query] = _empty(query)
    dataset = Dataset(tables, source=f"fixture {directory}")
    _warn_orphans(dataset, line_numbers)
    return dataset
