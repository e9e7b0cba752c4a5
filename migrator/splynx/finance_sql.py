"""The few statement shapes a finance batch needs, over allow-listed tables only.

Each builds its SQL from the fixed layouts (``tables.quoted``) and binds every
value; lists become runs of ``%s`` placeholders, never text. They run inside
one ``SqlTransaction`` (``db_transaction``), so a batch is all or nothing:

- ``live_ids``: which of these ids name a live row (a foreign key Splynx's API
  would check, e.g. the customer);
- ``find_markers``: the live rows already carrying these markers (adopted,
  not written again);
- ``insert_rows``: multi-row INSERTs of complete rows (what all share bound once);
  the lowest id they got;
- ``rows_by_id`` / ``sums_by``: what a payment needs to know of the invoices
  it pays (locked until the batch ends) and of what was allocated to them;
- ``ids_by``: the ids of rows just inserted, by a column's value (markers, or
  the payment a credit books), never by counting on consecutive auto-increment
  ids: only "every id of this INSERT is at least its ``LAST_INSERT_ID()``";
- ``update_by_id``: many rows' new values in one UPDATE (a join on a derived
  table of bound values);
- ``move_deposits``: each customer's stored balance moved by a signed sum,
  customers in ascending order (so two batches never wait on each other in a
  cycle), the billing row created where missing.

Markers are compared as MySQL's case-insensitive, trailing-space-blind
collation compares them (``marker_key``). ASSUMPTION: the markers are ASCII
(``SONAR-...``), where lower-casing is that collation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from migrator.splynx.db_transaction import SqlTransaction
from migrator.splynx.finance_rows import Insert
from migrator.splynx.tables import quoted, table

__all__ = [
    "CHUNK",
    "find_markers",
    "ids_by",
    "insert_rows",
    "live_ids",
    "marker_key",
    "move_deposits",
    "rows_by_id",
    "sums_by",
    "update_by_id",
]

T = TypeVar("T")
CHUNK = 1000  # rows per statement: well under max_allowed_packet for these tables


def marker_key(value: object) -> str:
    """A marker as the column's collation sees it (case and trailing spaces ignored)."""
    return str(value).rstrip(" ").lower()


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _live(name: str) -> str:
    return f" AND {quoted('deleted')} = '0'" if table(name).soft_deleted else ""


async def live_ids(tx: SqlTransaction, name: str, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` that name a live row of ``name``."""
    wanted = sorted(set(ids))
    found: set[int] = set()
    key = quoted(table(name).primary_key[0])
    for part in _chunks(wanted):
        sql = f"SELECT {key} FROM {quoted(name)} WHERE {key} IN ({_marks(len(part))}){_live(name)}"
        found.update(int(row[0]) for row in await tx.rows(sql, part))
    return found


async def find_markers(
    tx: SqlTransaction, name: str, column: str, values: Sequence[str], scope: Sequence[int] = ()
) -> dict[tuple[int, str], int]:
    """(owner, marker key) -> the oldest live row carrying it; owner 0 unless ``scope``.

    ``scope``: customer ids to look among (``customer_id IN ...``), for a marker
    column Splynx does not index: the customer index narrows the search.
    """
    found: dict[tuple[int, str], int] = {}
    marker, owner = quoted(table(name).column(column).name), quoted("customer_id")
    for part in _chunks(sorted(set(values))):
        sql = (
            f"SELECT `id`, {marker}, {owner} FROM {quoted(name)} "
            f"WHERE {marker} IN ({_marks(len(part))})"
        )
        params: list[object] = list(part)
        if scope:
            sql += f" AND {owner} IN ({_marks(len(set(scope)))})"
            params += sorted(set(scope))
        for ident, value, customer in await tx.rows(sql + _live(name) + " ORDER BY `id`", params):
            found.setdefault((int(customer) if scope else 0, marker_key(value)), int(ident))
    return found


async def insert_rows(tx: SqlTransaction, name: str, rows: Insert) -> int:
    """Insert the rows; the lowest id generated (0 if none).

    The values every row shares are bound once, to session variables
    (``SET @finance_0 = %s, ...``) that each row names: the same rows stored,
    a fraction of the values to escape and send.
    """
    if not rows.rows:
        return 0
    shared = [f"@finance_{n}" for n in range(len(rows.shared))]
    if shared:
        assign = ", ".join(f"{variable} = %s" for variable in shared)
        await tx.execute(f"SET {assign}", list(rows.shared.values()))
    layout = table(name)
    names = ", ".join(quoted(layout.column(c).name) for c in (*rows.columns, *rows.shared))
    one = f"({', '.join(['%s'] * len(rows.columns) + shared)})"
    first = 0
    for part in _chunks(rows.rows):
        sql = f"INSERT INTO {quoted(name)} ({names}) VALUES {', '.join([one] * len(part))}"
        got = await tx.execute(sql, [value for row in part for value in row])
        first = got if not first else min(first, got)
    return first


async def ids_by(
    tx: SqlTransaction,
    name: str,
    column: str,
    since: int,
    values: Sequence[object],
    *,
    owner: bool = False,
) -> list[tuple[int, object, int]]:
    """(id, value, customer) of live rows with ``id >= since`` whose ``column`` is in ``values``
    (customer 0 unless ``owner``: fewer bytes to read back when the value alone is unique)."""
    found: list[tuple[int, object, int]] = []
    target = quoted(table(name).column(column).name)
    customer = f", {quoted('customer_id')}" if owner else ", 0"
    for part in _chunks(sorted(set(values), key=str)):
        sql = (
            f"SELECT `id`, {target}{customer} FROM {quoted(name)} "
            f"WHERE `id` >= %s AND {target} IN ({_marks(len(part))}){_live(name)}"
        )
        found.extend((int(i), v, int(c)) for i, v, c in await tx.rows(sql, [since, *part]))
    return found


async def rows_by_id(
    tx: SqlTransaction, name: str, columns: Sequence[str], ids: Iterable[int], *, lock: bool
) -> dict[int, dict[str, Any]]:
    """The live rows of these ids (``lock``: ``FOR UPDATE``, ascending, so nobody else
    changes them before this transaction ends)."""
    wanted = sorted(set(ids))
    names = ", ".join(quoted(table(name).column(c).name) for c in columns)
    suffix = " ORDER BY `id` FOR UPDATE" if lock else ""
    found: dict[int, dict[str, Any]] = {}
    for part in _chunks(wanted):
        sql = f"SELECT `id`, {names} FROM {quoted(name)} WHERE `id` IN ({_marks(len(part))})"
        for row in await tx.rows(sql + _live(name) + suffix, part):
            found[int(row[0])] = dict(zip(columns, row[1:], strict=True))
    return found


async def sums_by(
    tx: SqlTransaction, name: str, key: str, amount: str, keys: Iterable[int]
) -> dict[int, Decimal]:
    """``SUM(amount)`` of the rows of ``name`` per value of ``key`` among ``keys``."""
    wanted = sorted(set(keys))
    column, total = quoted(table(name).column(key).name), quoted(table(name).column(amount).name)
    found: dict[int, Decimal] = {}
    for part in _chunks(wanted):
        sql = (
            f"SELECT {column}, SUM({total}) FROM {quoted(name)} "
            f"WHERE {column} IN ({_marks(len(part))}) GROUP BY {column}"
        )
        found.update((int(k), Decimal(str(v))) for k, v in await tx.rows(sql, part))
    return found


async def update_by_id(
    tx: SqlTransaction, name: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Set ``columns`` of each row ``(id, value, ...)`` in one statement per chunk."""
    fields = [quoted(table(name).column(c).name) for c in columns]
    first = "SELECT %s AS `id`, " + ", ".join(f"%s AS {f}" for f in fields)
    other = "SELECT " + _marks(len(fields) + 1)
    assign = ", ".join(f"t.{f} = v.{f}" for f in fields)
    for part in _chunks(sorted(rows, key=lambda r: int(str(r[0])))):
        derived = " UNION ALL ".join([first] + [other] * (len(part) - 1))
        sql = f"UPDATE {quoted(name)} t JOIN ({derived}) v ON t.`id` = v.`id` SET {assign}"
        await tx.execute(sql, [value for row in part for value in row])


async def move_deposits(tx: SqlTransaction, deltas: Mapping[int, Decimal]) -> None:
    """``deposit = deposit + delta`` per customer, ascending; a missing billing row is created.

    As ``ledger.move_deposit`` of the simulator: a zero delta writes nothing,
    a customer without a ``customer_billing`` row gets one holding the delta.
    """
    moves = [(customer, delta) for customer, delta in sorted(deltas.items()) if delta]
    billing = quoted("customer_billing")
    deposit = quoted(table("customer_billing").column("deposit").name)
    for part in _chunks(moves):
        sql = (
            f"INSERT INTO {billing} (`customer_id`, {deposit}) VALUES "
            f"{', '.join(['(%s, %s)'] * len(part))} "
            f"ON DUPLICATE KEY UPDATE {deposit} = {deposit} + VALUES({deposit})"
        )
        await tx.execute(sql, [value for move in part for value in move])
