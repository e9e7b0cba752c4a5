"""Search conditions evaluated in Python exactly as MySQL evaluates them for Splynx.

The in-memory store must answer a search the same as the MariaDB store, which
hands it to MySQL, so the MySQL rules are reproduced here:

- text compares case-insensitively and ignores trailing spaces (``_ci``
  collations, PAD SPACE); numbers compare as numbers, a non-numeric string
  counting as its numeric prefix (``'12abc'`` = 12, ``'abc'`` = 0);
- NULL matches nothing but ``IS NULL``;
- ``LIKE v`` means *contains v* (Yii2's like-condition wraps the escaped value
  in ``%``; assumption, reference §2.4 leaves it open);
- ``FIND_IN_SET(v, column)``: v is one of the column's comma-separated items;
- ``IS`` takes no value (PHP's ``http_build_query`` drops a null) or
  ``NULL`` for IS NULL, ``NOT NULL`` for IS NOT NULL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from migrator.sim.splynx.columns import Column, Kind
from migrator.sim.splynx.query import Condition, SearchError

__all__ = ["check_condition", "is_null_test", "matcher", "normalize", "sort_key"]

_NUMERIC = (Kind.INT, Kind.DECIMAL)
_PREFIX = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

Test = Callable[[Any], bool]


def mysql_number(value: Any) -> Decimal:
    """MySQL's string-to-number conversion: the numeric prefix, else 0."""
    if isinstance(value, int | Decimal):
        return Decimal(value)
    match = _PREFIX.match(str(value))
    return Decimal(match.group(0).strip()) if match else Decimal(0)


def normalize(column: Column, value: Any) -> Any:
    """The comparable form of a stored value or an operand for this column."""
    if value is None:
        return None
    if column.kind in _NUMERIC:
        return mysql_number(value)
    return str(value).rstrip(" ").casefold()


def is_null_test(condition: Condition) -> bool | None:
    """For IS: True = IS NULL, False = IS NOT NULL; SearchError for anything else."""
    operand = condition.operands[0] if condition.operands else None
    text = "NULL" if operand is None or operand == "" else " ".join(operand.upper().split())
    if text == "NULL":
        return True
    if text == "NOT NULL":
        return False
    raise SearchError(f"IS on {condition.field} takes NULL or NOT NULL")


def check_condition(condition: Condition) -> Condition:
    """Refuse (SearchError) what MySQL could not run: a bad IS operand, a broken REGEXP."""
    if condition.op == "IS":
        is_null_test(condition)
    elif condition.op == "REGEXP":
        try:
            re.compile(condition.operands[0] or "")
        except re.error as exc:
            raise SearchError(f"REGEXP on {condition.field}: {exc}") from None
    return condition


def matcher(column: Column, condition: Condition) -> Test:
    """A predicate on stored values of ``column`` implementing ``condition``."""
    op = condition.op
    if op == "IS":
        wants_null = is_null_test(condition)
        return lambda value: (value is None) is wants_null
    operands = [normalize(column, v) if v is not None else None for v in condition.operands]
    test = _builders[op](column, condition, operands)
    return lambda value: value is not None and test(normalize(column, value))


def _compare(op: str) -> Callable[[Column, Condition, list[Any]], Test]:
    def build(column: Column, condition: Condition, operands: list[Any]) -> Test:
        target = operands[0]
        if target is None:
            return lambda value: False
        return {
            "=": lambda v: v == target,
            "!=": lambda v: v != target,
            "<>": lambda v: v != target,
            ">": lambda v: v > target,
            "<": lambda v: v < target,
            ">=": lambda v: v >= target,
            "<=": lambda v: v <= target,
        }[op]

    return build


def _between(column: Column, condition: Condition, operands: list[Any]) -> Test:
    low, high = operands
    return lambda value: low <= value <= high


def _in(column: Column, condition: Condition, operands: list[Any]) -> Test:
    members = set(operands)
    return lambda value: value in members


def _like(column: Column, condition: Condition, operands: list[Any]) -> Test:
    needle = str(condition.operands[0] or "").casefold()
    return lambda value: needle in str(value).casefold()


def _regexp(column: Column, condition: Condition, operands: list[Any]) -> Test:
    try:
        pattern = re.compile(condition.operands[0] or "", re.IGNORECASE)
    except re.error as exc:
        raise SearchError(f"REGEXP on {condition.field}: {exc}") from None
    return lambda value: pattern.search(str(value)) is not None


def _find_in_set(column: Column, condition: Condition, operands: list[Any]) -> Test:
    needle = str(condition.operands[0] or "").casefold()
    if "," in needle:
        return lambda value: False
    return lambda value: needle in str(value).casefold().split(",")


_builders: dict[str, Callable[[Column, Condition, list[Any]], Test]] = {
    **{op: _compare(op) for op in ("=", "!=", "<>", ">", "<", ">=", "<=")},
    "BETWEEN": _between,
    "IN": _in,
    "LIKE": _like,
    "REGEXP": _regexp,
    "FIND_IN_SET": _find_in_set,
}


def sort_key(column: Column) -> Callable[[Any], tuple[int, Any]]:
    """MySQL order: NULL first; an ENUM by its members' declared order (MySQL sorts enums
    by index, not by text); anything else by the column's comparison rules."""
    if column.kind is Kind.ENUM:
        position = {member: n for n, member in enumerate(column.choices)}

        def by_member(value: Any) -> tuple[int, Any]:
            return (0, 0) if value is None else (1, position.get(str(value), -1))

        return by_member

    def key(value: Any) -> tuple[int, Any]:
        return (0, 0) if value is None else (1, normalize(column, value))

    return key
