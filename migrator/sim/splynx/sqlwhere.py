"""Search conditions as parameterized MySQL, for the MariaDB store.

Values always travel as ``%s`` parameters. Column and table names are
backtick-quoted identifiers taken from the static table catalog after the
handler checked the field exists: nothing from a request is ever spliced into
the SQL text. Semantics match ``matching.py`` (which mirrors these).
"""

from __future__ import annotations

from typing import Any

from migrator.sim.splynx.columns import quote_identifier
from migrator.sim.splynx.matching import is_null_test
from migrator.sim.splynx.query import Condition, Query
from migrator.sim.splynx.table_layout import Table
from migrator.sim.splynx.tables_inferred import AF_MODULES, af_table_name

__all__ = ["Clause", "order_clause", "where_clause"]

Clause = tuple[str, list[Any]]

_COMPARE = {"=": "=", "!=": "<>", "<>": "<>", ">": ">", "<": "<", ">=": ">=", "<=": "<="}


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def condition_sql(column_sql: str, condition: Condition) -> Clause:
    """One condition on an already quoted column expression."""
    op, operands = condition.op, list(condition.operands)
    if op == "IS":
        return (
            f"{column_sql} IS NULL" if is_null_test(condition) else f"{column_sql} IS NOT NULL"
        ), []
    if op in _COMPARE:
        if operands[0] is None:
            return "0 = 1", []
        return f"{column_sql} {_COMPARE[op]} %s", [operands[0]]
    if op == "BETWEEN":
        return f"{column_sql} BETWEEN %s AND %s", operands
    if op == "IN":
        if not operands:
            return "0 = 1", []
        return f"{column_sql} IN ({', '.join(['%s'] * len(operands))})", operands
    if op == "LIKE":
        return f"{column_sql} LIKE %s", [_like_pattern(operands[0] or "")]
    if op == "REGEXP":
        return f"{column_sql} REGEXP %s", [operands[0] or ""]
    if op == "FIND_IN_SET":
        return f"FIND_IN_SET(%s, {column_sql}) > 0", [operands[0] or ""]
    raise ValueError(f"unknown operator {op}")


def _additional_sql(table: Table, module: str, condition: Condition) -> Clause:
    """An additional-field condition: a matching row in ``<module>_values`` for this record."""
    values = quote_identifier(af_table_name(module))
    owner = quote_identifier(AF_MODULES[module])
    key = f"{quote_identifier(table.name)}.{quote_identifier(table.primary_key[0])}"
    if condition.op == "IS":
        absent = is_null_test(condition)
        exists = f"EXISTS (SELECT 1 FROM {values} v WHERE v.{owner} = {key} AND v.`name` = %s)"
        return ("NOT " if absent else "") + exists, [condition.field]
    inner, params = condition_sql("v.`value`", condition)
    sql = f"EXISTS (SELECT 1 FROM {values} v WHERE v.{owner} = {key} AND v.`name` = %s AND {inner})"
    return sql, [condition.field, *params]


def where_clause(table: Table, query: Query) -> Clause:
    """``WHERE ...`` (or empty) and its parameters."""
    parts: list[str] = []
    params: list[Any] = []
    for condition in query.conditions:
        column = f"{quote_identifier(table.name)}.{quote_identifier(condition.field)}"
        sql, values = condition_sql(column, condition)
        parts.append(sql)
        params.extend(values)
    for module, condition in query.additional:
        sql, values = _additional_sql(table, module, condition)
        parts.append(sql)
        params.extend(values)
    return ("WHERE " + " AND ".join(parts) if parts else ""), params


def order_clause(table: Table, query: Query) -> Clause:
    """``ORDER BY ... LIMIT ... OFFSET ...`` (primary key ascending when unordered)."""
    named = {name for name, _ in query.order}
    ties = tuple((name, False) for name in table.primary_key if name not in named)
    order = query.order + ties  # the primary key breaks ties, so pages never overlap
    terms = [f"{quote_identifier(name)} {'DESC' if desc else 'ASC'}" for name, desc in order]
    sql = "ORDER BY " + ", ".join(terms)
    params: list[Any] = []
    if query.limit is not None or query.offset:
        sql += " LIMIT %s OFFSET %s"
        params = [query.limit if query.limit is not None else 2**64 - 1, query.offset]
    return sql, params
