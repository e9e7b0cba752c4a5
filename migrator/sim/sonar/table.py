"""How the simulator holds a million records in little memory: columnar tables.

A ``Table`` is one list query's records in ascending id order. It keeps only
what searching and sorting need fast, as compact ``array`` columns (ids,
timestamps, foreign keys), and builds each full record on demand with a
``materialize(row)`` strategy: re-derived from the seed for generated data,
decoded from one JSON line for a fixture, or looked up in a short list for
small reference tables. Records come out exactly as the API spells them
(Int64Bit as strings, Datetime as ISO-8601 with offset), keys in schema order.

Column values are in *comparable* form (see ``fields``): ``None`` for null,
ints for Int64Bit, microsecond instants for Datetime. A column must always
agree with the record it summarizes; the tests check that invariant.

A served table can change (``Dataset.put``, what ``changes.apply_changes``
does to a running simulator): a put record replaces its row's materialized one
or becomes a new last row (its id above every other), and is kept as it is in
the table's *overlay*. Columns and indexes follow it at once. The first put
copies the table's arrays, so the arrays a generator's record builders read
never change under them.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from migrator.sim.sonar.columns import NULL, CodeColumn, Column, Index, IntColumn
from migrator.sim.sonar.fields import EntitySpec, FieldSpec, entity_spec
from migrator.sim.sonar.scalars import ScalarError
from migrator.sonar.schema import SERVED_QUERIES

__all__ = [
    "NULL",
    "CodeColumn",
    "Column",
    "ColumnBuilder",
    "Dataset",
    "Index",
    "IntColumn",
    "Table",
    "columns_from_records",
]

Record = dict[str, Any]


@dataclass
class Table:
    """One list query's records: sorted ids, fast columns, and a record builder."""

    query: str
    ids: array[int]
    columns: dict[str, Column]
    materialize: Callable[[int], Record]
    spec: EntitySpec = field(init=False)
    # Records put since the table was built, by row: served instead of ``materialize``.
    overlay: dict[int, Record] = field(default_factory=dict, init=False, repr=False)
    _indexes: dict[str, Index] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.spec = entity_spec(self.query)
        self.columns.setdefault("id", IntColumn(self.ids))

    def __len__(self) -> int:
        return len(self.ids)

    def record(self, row: int) -> Record:
        put = self.overlay.get(row)
        return self.materialize(row) if put is None else dict(put)

    def value(self, row: int, name: str) -> Any:
        """The comparable value of one field of one row, from a column when there is one."""
        column = self.columns.get(name)
        if column is not None:
            return column[row]
        return self.spec.field(name).key(self.record(row)[name])

    def put(self, record: Record) -> int:
        """Serve ``record`` from now on, in place of the one with its id or, for an id above
        every other, as a new last row; returns its row. ``ValueError`` for a record the API
        would not spell so (keys in schema order, every value valid) or an id that is neither.
        """
        self._check(record)
        record_id = int(record["id"])
        row = self.row_of(record_id)
        if row is None:
            if len(self.ids) and record_id < self.ids[-1]:
                raise ValueError(f"{self.query}: a new id must be above {self.ids[-1]}")
            row = len(self.ids)
        if not self.overlay:
            self._own_arrays()
        new = row == len(self.ids)
        for name, index in self._indexes.items():
            old = None if new else self.value(row, name)
            index.move(row, old, self.spec.field(name).key(record[name]))
        for name, column in self.columns.items():
            if name != "id":
                assert isinstance(column, IntColumn | CodeColumn)  # owned: see _own_arrays
                column.put(row, self.spec.field(name).key(record[name]))
        if new:
            self.ids.append(record_id)
        self.overlay[row] = dict(record)
        return row

    def _check(self, record: Record) -> None:
        if tuple(record) != tuple(self.spec.fields):
            raise ValueError(f"{self.query}: keys are not {self.spec.type_name}'s fields in order")
        for name, spec in self.spec.fields.items():
            try:
                spec.validate(record[name])
            except ScalarError as exc:
                raise ValueError(f"{self.query}.{name}: {exc}") from None

    def _own_arrays(self) -> None:
        """Copies of the ids and columns, so that no array a record builder reads moves."""
        for name, column in self.columns.items():
            if name == "id":
                continue
            if not isinstance(column, IntColumn | CodeColumn):
                raise TypeError(f"{self.query}.{name}: a {type(column).__name__} cannot change")
            self.columns[name] = column.copy()
        self.ids = array("q", self.ids)
        self.columns["id"] = IntColumn(self.ids)

    def row_of(self, record_id: int) -> int | None:
        row = bisect_left(self.ids, record_id)
        return row if row < len(self.ids) and self.ids[row] == record_id else None

    def id_bounds(self, low: int | None, high: int | None) -> range:
        """Rows whose id is in ``[low, high]`` (either end open when ``None``)."""
        start = 0 if low is None else bisect_left(self.ids, low)
        stop = len(self.ids) if high is None else bisect_right(self.ids, high)
        return range(start, max(start, stop))

    def indexable(self, name: str) -> bool:
        """An int column, or an Int64Bit field (a key) whose column ``index`` can build."""
        if name == "id":
            return False
        column = self.columns.get(name)
        if column is not None:
            return isinstance(column, IntColumn)
        field = self.spec.fields.get(name)
        return field is not None and field.type_name == "Int64Bit" and not field.is_list

    def _int_values(self, name: str) -> array[int]:
        column = self.columns.get(name)
        if isinstance(column, IntColumn):
            return column.values
        # A key without a column (a relation the extracting client never follows, such as
        # debits.company_id): read once from the records; the index below is what is kept.
        values = (self.value(row, name) for row in range(len(self)))
        return array("q", (NULL if value is None else value for value in values))

    def index(self, name: str) -> Index:
        """An equality index over an int field, built on first use and kept."""
        found = self._indexes.get(name)
        if found is None:
            values = self._int_values(name)
            order = sorted(range(len(values)), key=values.__getitem__)
            first = bisect_right(order, NULL, key=values.__getitem__)
            rows = array("q", order[first:])
            found = Index(array("q", (values[row] for row in rows)), rows)
            self._indexes[name] = found
        return found


class ColumnBuilder:
    """Collects the columns of API-spelled records one by one: every Int64Bit and Datetime
    field as an ``IntColumn``, every polymorphic owner type (``*able_type``) as a
    ``CodeColumn``. Records themselves are not kept. Parsing a value is checking it, so
    ``add`` refuses what the API would not emit."""

    def __init__(self, spec: EntitySpec) -> None:
        fields = spec.fields.values()
        self._numeric = [
            f for f in fields if f.type_name in ("Int64Bit", "Datetime") and not f.is_list
        ]
        self._coded = [f for f in fields if f.is_enum and f.name.endswith("able_type")]
        self._arrays = {f.name: array("q") for f in self._numeric}
        self._codes = {f.name: array("h") for f in self._coded}
        self._plan = [(f.name, f.nullable, NULL, f.comparable) for f in self._numeric]
        self._plan += [(f.name, f.nullable, -1, _encoder(f)) for f in self._coded]
        self._appends = [self._arrays[f.name].append for f in self._numeric]
        self._appends += [self._codes[f.name].append for f in self._coded]

    @property
    def parsed(self) -> frozenset[str]:
        """The fields ``add`` parses (and so checks)."""
        return frozenset(name for name, *_ in self._plan)

    def add(self, record: Record) -> None:
        """Append one record's values; all or nothing, so a bad value leaves no trace.

        Raises ``ScalarError`` naming the field when a value is not spelled as the API
        spells it.
        """
        values = []
        for name, nullable, null, parse in self._plan:
            value = record.get(name)
            if value is None:
                if not nullable:
                    raise ScalarError(f"field {name!r}: null in a field that is never null")
                values.append(null)
                continue
            try:
                values.append(parse(value))
            except ScalarError as exc:
                raise ScalarError(f"field {name!r}: {exc}") from None
        for append, value in zip(self._appends, values, strict=True):
            append(value)

    def build(self, order: Sequence[int] | None = None) -> tuple[array[int], dict[str, Column]]:
        """Ids and columns, rows rearranged into ``order`` when given."""

        def arranged(values: array[int]) -> array[int]:
            return values if order is None else array(values.typecode, (values[i] for i in order))

        columns: dict[str, Column] = {
            name: IntColumn(arranged(values)) for name, values in self._arrays.items()
        }
        for f in self._coded:
            columns[f.name] = CodeColumn(arranged(self._codes[f.name]), f.choices)
        ids = columns["id"]
        assert isinstance(ids, IntColumn)
        return ids.values, columns


def _encoder(field: FieldSpec) -> Callable[[Any], int]:
    def encode(value: Any) -> int:
        code = field.codes.get(value)
        if code is None:
            raise ScalarError(f"{field.type_name} has no value {value!r}")
        return code

    return encode


def columns_from_records(
    spec: EntitySpec, records: Iterable[Record]
) -> tuple[array[int], dict[str, Column]]:
    """Ids and columns (see ``ColumnBuilder``) of records already in id order."""
    builder = ColumnBuilder(spec)
    for record in records:
        builder.add(record)
    return builder.build()


@dataclass
class Dataset:
    """Every served list query's table: what the simulator serves, and ground truth."""

    tables: dict[str, Table]
    source: str = "generated"
    # Views derived from the tables (``account_ip_assignments``), built on first use and kept.
    views: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def table(self, query: str) -> Table:
        try:
            return self.tables[query]
        except KeyError:
            raise KeyError(f"{query!r} is not a list query the simulator serves") from None

    def count(self, query: str) -> int:
        return len(self.table(query))

    def counts(self) -> dict[str, int]:
        return {query: len(self.tables[query]) for query in SERVED_QUERIES}

    def records(self, query: str) -> Iterator[Record]:
        """Every record of a query, API-spelled, in ascending id order."""
        table = self.table(query)
        for row in range(len(table)):
            yield table.record(row)

    def get(self, query: str, record_id: int) -> Record | None:
        table = self.table(query)
        row = table.row_of(record_id)
        return None if row is None else table.record(row)

    def put(self, query: str, record: Record) -> None:
        """Change or add one record (see ``Table.put``); derived views are built again."""
        self.table(query).put(record)
        self.views.clear()
