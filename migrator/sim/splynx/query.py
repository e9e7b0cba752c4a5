"""Splynx's search parameters, parsed the way PHP parses them.

Clients build the query string with PHP's ``http_build_query`` (reference
§2.4), so ``main_attributes[login][0]=LIKE&main_attributes[login][1]=durden``
arrives as bracketed keys. ``parse_php_query`` is PHP's ``parse_str``: it turns
those keys into nested dicts (lists stay dicts keyed "0", "1", ... as PHP
arrays do). ``parse_search`` reads the nested form into ``Condition``s:

- ``main_attributes[f]=v``                     -> f = v
- ``main_attributes[f][0]=OP&...[1]=v``        -> f OP v (13 operators)
- ``...[0]=BETWEEN&...[1]=a&...[2]=b``         -> f BETWEEN a AND b
- ``...[0]=IN&...[1][0]=a&...[1][1]=b``        -> f IN (a, b)
- ``main_attributes[f][0]=a&...[1]=b`` (no operator first) -> f IN (a, b), as Yii2's hash form
- ``additional_attributes[...]``               -> the same on additional fields
- ``order[f]=ASC|DESC``, ``limit``, ``offset``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

__all__ = [
    "OPERATORS",
    "Condition",
    "MalformedSearch",
    "Query",
    "Search",
    "SearchError",
    "parse_php_pairs",
    "parse_php_query",
    "parse_search",
    "php_list",
    "with_plain_filters",
]

OPERATORS = frozenset(
    {"=", "!=", ">=", "<=", ">", "<", "<>", "IS", "REGEXP", "BETWEEN", "LIKE", "IN", "FIND_IN_SET"}
)
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])+)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


class SearchError(ValueError):
    """The search parameters cannot be understood (answered 400)."""


class MalformedSearch(ValueError):
    """``main_attributes`` sent as a plain string: the live server answered 500 to this."""


@dataclass(frozen=True)
class Condition:
    """``field OP operands``; operands are the raw strings from the query (None = absent)."""

    field: str
    op: str
    operands: tuple[str | None, ...]


@dataclass(frozen=True)
class Search:
    main: tuple[Condition, ...] = ()
    additional: tuple[Condition, ...] = ()
    order: tuple[tuple[str, bool], ...] = ()  # (field, descending)
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class Query:
    """What a store is asked: column conditions, additional-field conditions, order, page."""

    conditions: tuple[Condition, ...] = ()
    additional: tuple[tuple[str, Condition], ...] = ()  # (af module, condition)
    order: tuple[tuple[str, bool], ...] = ()
    limit: int | None = None
    offset: int = 0


def parse_php_query(raw: str, errors: str = "replace") -> dict[str, Any]:
    """PHP ``parse_str`` of a raw (percent-encoded) query string.

    Bytes that are not UTF-8 read as U+FFFD, or with ``errors="surrogateescape"``
    as surrogates that give the original bytes back (a packed IP address).
    """
    return parse_php_pairs(parse_qsl(raw, keep_blank_values=True, errors=errors))


def parse_php_pairs(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """PHP's reading of decoded ``key=value`` pairs with bracketed keys into nested dicts."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            result[_php_name(key)] = value
            continue
        path = [_php_name(match.group(1)), *_SEGMENT.findall(match.group(2))]
        node = result
        for depth, segment in enumerate(path):
            if segment == "" and depth > 0:
                segment = str(_next_index(node))
            if depth == len(path) - 1:
                node[segment] = value
            else:
                child = node.get(segment)
                if not isinstance(child, dict):
                    child = node[segment] = {}
                node = child
    return result


def _php_name(name: str) -> str:
    """PHP turns spaces and dots in a top-level variable name into underscores."""
    return name.replace(" ", "_").replace(".", "_")


def _next_index(node: dict[str, Any]) -> int:
    numeric = [int(k) for k in node if k.isdigit()]
    return max(numeric) + 1 if numeric else 0


def parse_search(params: dict[str, Any]) -> Search:
    """The search, order and page a GET/HEAD asks for; ``SearchError`` if unreadable."""
    main = params.get("main_attributes", {})
    additional = params.get("additional_attributes", {})
    if isinstance(main, str) or isinstance(additional, str):
        raise MalformedSearch("search attributes must be bracket parameters")
    return Search(
        main=_conditions(main, "main_attributes"),
        additional=_conditions(additional, "additional_attributes"),
        order=_order(params.get("order", {})),
        limit=_whole(params.get("limit"), "limit"),
        offset=_whole(params.get("offset"), "offset") or 0,
    )


def with_plain_filters(search: Search, params: dict[str, Any], names: frozenset[str]) -> Search:
    """``?customer_id=3``: a filter an endpoint documents as a plain parameter (equality),
    as ``GET admin/finance/invoice-relations?customer_id=`` (blueprint L4948)."""
    extra = tuple(
        Condition(name, "=", (params[name],))
        for name in sorted(names)
        if isinstance(params.get(name), str)
    )
    return replace(search, main=search.main + extra) if extra else search


def _conditions(spec: Any, where: str) -> tuple[Condition, ...]:
    if not isinstance(spec, dict):
        raise SearchError(f"{where} must be an array")
    return tuple(_condition(field, value) for field, value in spec.items())


def _condition(field: str, value: Any) -> Condition:
    if isinstance(value, str):
        return Condition(field, "=", (value,))
    items = _as_list(value, field)
    head = items[0] if items else None
    if not isinstance(head, str) or head.upper() not in OPERATORS:
        return Condition(field, "IN", tuple(_scalar(v, field) for v in items))
    op = head.upper()
    rest = items[1:]
    if op == "IN":
        values = _as_list(rest[0], field) if rest and isinstance(rest[0], dict) else rest
        return Condition(field, op, tuple(_scalar(v, field) for v in values))
    if op == "IS":
        return Condition(field, op, (_scalar(rest[0], field) if rest else None,))
    needed = 2 if op == "BETWEEN" else 1
    if len(rest) < needed:
        raise SearchError(f"operator {op} on {field} needs {needed} value(s)")
    return Condition(field, op, tuple(_scalar(v, field) for v in rest[:needed]))


def php_list(value: Any) -> list[Any] | None:
    """A JSON array, or a PHP array from a query or form (a dict keyed "0".."n") in index
    order; None when it is neither."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and all(k.isdigit() for k in value):
        return [value[k] for k in sorted(value, key=int)]
    return None


def _as_list(value: Any, field: str) -> list[Any]:
    """A search's PHP list (a query string has no JSON arrays)."""
    items = php_list(value) if isinstance(value, dict) else None
    if items is None:
        raise SearchError(f"cannot read the search on {field}")
    return items


def _scalar(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise SearchError(f"cannot read the search on {field}")
    return value


def _order(spec: Any) -> tuple[tuple[str, bool], ...]:
    if not isinstance(spec, dict):
        raise SearchError("order must be an array")
    order = []
    for field, direction in spec.items():
        if not isinstance(direction, str) or direction.upper() not in {"ASC", "DESC"}:
            raise SearchError(f"order of {field} must be ASC or DESC")
        order.append((field, direction.upper() == "DESC"))
    return tuple(order)


def _whole(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.strip().isdigit():
        raise SearchError(f"{name} must be a non-negative integer")
    return int(value)
