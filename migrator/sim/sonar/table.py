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
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

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

NULL = -(2**63)  # the null marker inside int64 columns
Record = dict[str, Any]


class Column(Protocol):
    """Anything indexable by row: an ``IntColumn``, a ``CodeColumn``, a plain ``array``."""

    def __len__(self) -> int: ...

    def __getitem__(self, row: int) -> Any: ...


class IntColumn:
    """An int64 ``array`` read with ``NULL`` as ``None``."""

    __slots__ = ("values",)

    def __init__(self, values: array[int]) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, row: int) -> Any:
        value = self.values[row]
        return None if value == NULL else value


class CodeColumn:
    """Small codes standing for enum names (``-1`` is null), e.g. ``contactable_type``."""

    __slots__ = ("codes", "names")

    def __init__(self, codes: array[int], names: Sequence[str]) -> None:
        self.codes = codes
        self.names = tuple(names)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, row: int) -> Any:
        code = self.codes[row]
        return None if code < 0 else self.names[code]


@dataclass(frozen=True)
class Index:
    """Rows sorted by one int column's value, then by id: equality lookups by bisection."""

    keys: array[int]
    rows: array[int]

    def lookup(self, value: int) -> Sequence[int]:
        return self.rows[bisect_left(self.keys, value) : bisect_right(self.keys, value)]


@dataclass
class Table:
    """One list query's records: sorted ids, fast columns, and a record builder."""

    query: str
    ids: array[int]
    columns: dict[str, Column]
    materialize: Callable[[int], Record]
    spec: EntitySpec = field(init=False)
    _indexes: dict[str, Index] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.spec = entity_spec(self.query)
        self.columns.setdefault("id", IntColumn(self.ids))

    def __len__(self) -> int:
        return len(self.ids)

    def record(self, row: int) -> Record:
        return self.materialize(row)

    def value(self, row: int, name: str) -> Any:
        """The comparable value of one field of one row, from a column when there is one."""
        column = self.columns.get(name)
        if column is not None:
            return column[row]
        return self.spec.field(name).key(self.materialize(row)[name])

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
