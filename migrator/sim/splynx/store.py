"""Where the simulator keeps Splynx's rows: the store interface and the in-memory store.

Handlers talk to a ``Session`` (one per request; a write session can claim
values, see ``claims.py``, so a uniqueness check and the insert it guards
cannot interleave with another writer's) and never see how rows are kept. Rows are dicts keyed by
the real column names with MySQL's values: ints for integer columns, strings
for everything else (``"10.0000"``, ``"2024-01-31"``). ``MemoryStore`` is the
default; ``store_mysql.MySQLStore`` keeps the same rows in MariaDB.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from typing import Any, Protocol

from migrator.sim.splynx.claims import Claims, ClaimSet
from migrator.sim.splynx.clock import SimClock, moment
from migrator.sim.splynx.matching import matcher, normalize, sort_key
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.table_layout import Table
from migrator.sim.splynx.tables_inferred import AF_MODULES, af_table_name

__all__ = ["MemoryStore", "Row", "Session", "Store", "complete_row"]

Row = dict[str, Any]
_NONE: frozenset[Any] = frozenset()


class Session(Protocol):
    """The operations a request may perform (all on real table and column names)."""

    async def insert(self, table: str, row: Row) -> int | None: ...
    async def insert_many(self, table: str, rows: Sequence[Row]) -> None: ...
    async def fetch(self, table: str, key: Any) -> Row | None: ...
    async def update(self, table: str, key: Any, changes: Row) -> None: ...
    async def delete_where(self, table: str, column: str, value: Any) -> None: ...
    async def select(self, table: str, query: Query) -> list[Row]: ...
    async def count(self, table: str, query: Query) -> int: ...
    async def exists(self, table: str, query: Query) -> bool: ...
    async def claim(self, *keys: str) -> None: ...


class Store(Protocol):
    tables: dict[str, Table]

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    def session(self, *, write: bool = False) -> contextlib.AbstractAsyncContextManager[Session]:
        """A request's view of the store; ``write`` makes it one transaction that may claim."""
        ...

    async def rows(self, table: str) -> list[Row]: ...


def complete_row(table: Table, row: Row, clock: SimClock) -> Row:
    """The row MySQL would store: columns left out get their defaults (same in both stores)."""
    now = moment(clock)
    return {c.name: row[c.name] if c.name in row else c.blank(now) for c in table.columns}


class _MemoryTable:
    """Rows of one table by primary key, with hash indexes for equality lookups."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows: dict[Any, Row] = {}
        self.next_id = 1
        self.indexes: dict[str, defaultdict[Any, set[Any]]] = {
            name: defaultdict(set) for name in table.hash_indexed()
        }

    def key_of(self, row: Row) -> Any:
        names = self.table.primary_key
        return row[names[0]] if len(names) == 1 else tuple(row[n] for n in names)

    def _index(self, key: Any, row: Row, add: bool) -> None:
        for name, index in self.indexes.items():
            value = normalize(self.table.by_name[name], row.get(name))
            bucket = index[value]
            if add:
                bucket.add(key)
            else:
                bucket.discard(key)

    def insert(self, row: Row) -> int | None:
        if self.table.auto_id:
            name = self.table.primary_key[0]
            if row.get(name) is None:
                row[name] = self.next_id
            self.next_id = max(self.next_id, int(row[name]) + 1)
        key = self.key_of(row)
        if key in self.rows:
            raise KeyError(f"duplicate primary key {key!r} in {self.table.name}")
        self.rows[key] = row
        self._index(key, row, add=True)
        return int(key) if self.table.auto_id else None

    def update(self, key: Any, changes: Row) -> None:
        row = self.rows[key]
        self._index(key, row, add=False)
        row.update(changes)
        self._index(key, row, add=True)

    def remove(self, key: Any) -> None:
        row = self.rows.pop(key)
        self._index(key, row, add=False)

    def lookup(self, condition: Condition) -> Collection[Any] | None:
        """The keys an = / IN condition selects through a hash index; None if none applies."""
        index = self.indexes.get(condition.field)
        if index is None or condition.op not in {"=", "IN"}:
            return None
        column = self.table.by_name[condition.field]
        buckets = [index.get(normalize(column, operand), _NONE) for operand in condition.operands]
        if len(buckets) == 1:
            return buckets[0]
        return set().union(*buckets)

    def plan(self, conditions: Sequence[Condition]) -> tuple[Collection[Any], list[Condition]]:
        """Where to start (the smallest index bucket) and the conditions left to test."""
        best: Collection[Any] | None = None
        chosen = -1
        for position, condition in enumerate(conditions):
            keys = self.lookup(condition)
            if keys is not None and (best is None or len(keys) < len(best)):
                best, chosen = keys, position
        if best is None:
            return self.rows.keys(), list(conditions)
        return best, [c for position, c in enumerate(conditions) if position != chosen]


class MemoryStore:
    """All tables in dicts: fast, gone when the process ends."""

    def __init__(self, tables: dict[str, Table], clock: SimClock) -> None:
        self.tables = tables
        self._clock = clock
        self._data = {name: _MemoryTable(table) for name, table in tables.items()}
        self._claims = Claims()

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    @contextlib.asynccontextmanager
    async def session(self, *, write: bool = False) -> AsyncIterator[Session]:
        async with self._claims.scope() as claims:
            yield _MemorySession(self, claims)

    async def rows(self, table: str) -> list[Row]:
        """Every row of ``table`` (deleted ones too), for tests to look behind the API."""
        data = self._data[table]
        return [dict(data.rows[key]) for key in sorted(data.rows)]

    def complete(self, table: str, row: Row) -> Row:
        return complete_row(self.tables[table], row, self._clock)

    def select_keys(self, table: str, query: Query) -> list[Any]:
        data = self._data[table]
        start, rest = data.plan(query.conditions)
        owners = [self._owners(module, c) for module, c in query.additional]
        if owners:  # an additional-field match is often the most selective start
            fewest = min(owners, key=len)
            if len(fewest) < len(start):
                start, rest = fewest, list(query.conditions)
                owners.remove(fewest)
        tests = [(c.field, matcher(data.table.by_name[c.field], c)) for c in rest]
        rows = data.rows
        keys = [
            key
            for key in start
            if key in rows
            and all(test(rows[key].get(name)) for name, test in tests)
            and all(key in allowed for allowed in owners)
        ]
        return self._ordered(data, keys, query)

    def count_keys(self, table: str, query: Query) -> int:
        data = self._data[table]
        start, rest = data.plan(query.conditions)
        if not rest and not query.additional:
            return len(start)
        return len(self.select_keys(table, Query(query.conditions, query.additional)))

    def _owners(self, module: str, condition: Condition) -> set[Any]:
        """Records of ``module`` whose additional field ``condition.field`` matches."""
        values = self._data[af_table_name(module)]
        owner = AF_MODULES[module]
        indexed = values.lookup(Condition("value", condition.op, condition.operands))
        rows = values.rows.values() if indexed is None else (values.rows[k] for k in indexed)
        named = [row for row in rows if row["name"] == condition.field]
        if condition.op == "IS":
            present = {row[owner] for row in named}
            test = matcher(values.table.by_name["value"], condition)
            everyone = set(self._data[module].rows)  # an AF module is named as its table
            return everyone - present if test(None) else present
        test = matcher(values.table.by_name["value"], condition)
        return {row[owner] for row in named if test(row["value"])}

    def _ordered(self, data: _MemoryTable, keys: list[Any], query: Query) -> list[Any]:
        """Sorted as the SQL store sorts (ORDER BY the asked fields, then the key) and paged."""
        keys.sort()
        single_key = data.table.primary_key[0] if len(data.table.primary_key) == 1 else None
        for name, descending in reversed(query.order):
            if name == single_key:
                keys.sort(reverse=descending)
                continue
            keys.sort(key=_row_key(data, name), reverse=descending)
        end = None if query.limit is None else query.offset + query.limit
        return keys[query.offset : end]


def _row_key(data: _MemoryTable, name: str) -> Callable[[Any], tuple[int, Any]]:
    """Sort key of a row (by primary key) on one column, with MySQL's ordering."""
    by_value = sort_key(data.table.by_name[name])
    rows = data.rows

    def key(row_key: Any) -> tuple[int, Any]:
        return by_value(rows[row_key].get(name))

    return key


class _MemorySession:
    def __init__(self, store: MemoryStore, claims: ClaimSet) -> None:
        self._store = store
        self._data = store._data
        self._claims = claims

    async def claim(self, *keys: str) -> None:
        await self._claims.claim(*keys)

    async def insert(self, table: str, row: Row) -> int | None:
        return self._data[table].insert(self._store.complete(table, row))

    async def insert_many(self, table: str, rows: Sequence[Row]) -> None:
        for row in rows:
            self._data[table].insert(self._store.complete(table, row))

    async def fetch(self, table: str, key: Any) -> Row | None:
        row = self._data[table].rows.get(key)
        return None if row is None else dict(row)

    async def update(self, table: str, key: Any, changes: Row) -> None:
        self._data[table].update(key, dict(changes))

    async def delete_where(self, table: str, column: str, value: Any) -> None:
        data = self._data[table]
        match = matcher(data.table.by_name[column], Condition(column, "=", (str(value),)))
        for key in [k for k, row in data.rows.items() if match(row.get(column))]:
            data.remove(key)

    async def select(self, table: str, query: Query) -> list[Row]:
        data = self._data[table]
        return [dict(data.rows[key]) for key in self._store.select_keys(table, query)]

    async def count(self, table: str, query: Query) -> int:
        return self._store.count_keys(table, query)

    async def exists(self, table: str, query: Query) -> bool:
        return bool(self._store.select_keys(table, Query(query.conditions, query.additional)))
