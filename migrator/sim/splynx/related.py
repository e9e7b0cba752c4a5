"""Values kept outside a record's own row: array attributes and additional fields.

Reads are batched (one query per attribute for a whole page of records, never
one per record), writes replace what a request sent and leave the rest alone.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.resources import ArrayField
from migrator.sim.splynx.store import Row, Session
from migrator.sim.splynx.tables_inferred import AF_MODULES, af_table_name

__all__ = ["csv_text", "read_additional", "read_array", "write_additional", "write_array"]


def _in(column: str, keys: list[Any]) -> Condition:
    return Condition(column, "IN", tuple(str(k) for k in keys))


async def read_array(
    session: Session, array: ArrayField, rows: list[Row], key: str
) -> list[list[Any]]:
    """The array attribute of each row, in row order."""
    if array.always_empty:
        return [[] for _ in rows]
    if array.csv_column is not None:
        return [_split(array, row.get(array.csv_column)) for row in rows]
    assert array.link_table is not None
    keys = [row[key] for row in rows]
    grouped: defaultdict[Any, list[Any]] = defaultdict(list)
    if keys:
        query = Query((_in(array.owner_column, keys),), order=((array.value_column, False),))
        for link in await session.select(array.link_table, query):
            value = array.element.render(link[array.value_column])
            grouped[link[array.owner_column]].append(value)
    return [grouped.get(k, []) for k in keys]


def _split(array: ArrayField, text: Any) -> list[Any]:
    if not text:
        return []
    return [array.element.render(item) for item in str(text).split(",") if item != ""]


def csv_text(values: list[Any]) -> str:
    return ",".join(str(v) for v in values)


async def write_array(session: Session, array: ArrayField, owner: Any, values: list[Any]) -> None:
    """Replace a link-table array (csv arrays travel in the row itself)."""
    if array.link_table is None:
        return
    await session.delete_where(array.link_table, array.owner_column, owner)
    for value in values:
        row = {array.owner_column: owner, array.value_column: value}
        await session.insert(array.link_table, row)


async def read_additional(
    session: Session, module: str, names: list[str], keys: list[Any]
) -> list[dict[str, str]]:
    """Every defined additional field of each record ("" when unset), in key order."""
    owner = AF_MODULES[module]
    found: defaultdict[Any, dict[str, str]] = defaultdict(dict)
    if keys and names:
        query = Query((_in(owner, keys), Condition("name", "IN", tuple(names))))
        for row in await session.select(af_table_name(module), query):
            found[row[owner]][row["name"]] = row["value"]
    return [{name: found[k].get(name, "") for name in names} for k in keys]


async def write_additional(
    session: Session, module: str, owner_key: Any, values: dict[str, str], *, fresh: bool
) -> None:
    """Set the given additional fields of one record (a ``fresh`` record has none yet)."""
    table, owner = af_table_name(module), AF_MODULES[module]
    for name, value in values.items():
        if fresh:
            await session.insert(table, {owner: owner_key, "name": name, "value": value})
            continue
        query = Query((Condition(owner, "=", (str(owner_key),)), Condition("name", "=", (name,))))
        existing = await session.select(table, query)
        if existing:
            await session.update(table, existing[0]["id"], {"value": value})
        else:
            await session.insert(table, {owner: owner_key, "name": name, "value": value})
