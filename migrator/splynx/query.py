"""Search, order and paging parameters, encoded exactly as PHP's ``http_build_query``.

Splynx parses its query string with PHP, so nested search arrays travel as
bracket keys (``main_attributes[login][0]=LIKE``), percent-encoded the way
``urlencode`` does it (RFC 1738: ``+`` for a space, everything but
``A-Za-z0-9-_.`` escaped, brackets included). The official PHP client builds its
URLs with ``http_build_query``; matching its bytes means a search we send is
parsed the same way as one from the documentation's own examples.

A condition on one attribute is either a plain value (equality) or a
``Condition`` holding one of Splynx's 13 operators and its operands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias
from urllib.parse import quote_plus

__all__ = [
    "OPERATORS",
    "Condition",
    "Operator",
    "Scalar",
    "Search",
    "between",
    "http_build_query",
    "is_in",
    "php_pairs",
    "php_urlencode",
    "where",
]

Operator = Literal[
    "=", "!=", ">=", "<=", ">", "<", "<>", "IS", "REGEXP", "BETWEEN", "LIKE", "IN", "FIND_IN_SET"
]
OPERATORS: tuple[str, ...] = (
    "=", "!=", ">=", "<=", ">", "<", "<>", "IS", "REGEXP", "BETWEEN", "LIKE", "IN", "FIND_IN_SET",
)  # fmt: skip
Scalar: TypeAlias = str | int | float | bool | None


def php_urlencode(text: str) -> str:
    """PHP ``urlencode``: like ``quote_plus`` but ``~`` is escaped too."""
    return quote_plus(text, safe="").replace("~", "%7E")


def _php_scalar(value: str | int | float | bool) -> str:
    """How PHP turns a scalar into query text: booleans are 1/0, whole floats lose ``.0``."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace("e+", "E+").replace("e-", "E-")
    return str(value)


def php_pairs(
    data: Mapping[str, object] | Sequence[object], prefix: str = ""
) -> list[tuple[str, str]]:
    """Flatten nested mappings and lists into PHP bracket names and scalar text.

    ``None`` values are left out (PHP drops nulls); lists become ``[0]``, ``[1]``...
    These are the fields of a PHP form as well as of a query string.
    """
    items = data.items() if isinstance(data, Mapping) else enumerate(data)
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, Mapping | list | tuple):
            pairs.extend(php_pairs(value, name))
        elif isinstance(value, str | int | float | bool):
            pairs.append((name, _php_scalar(value)))
        else:
            raise TypeError(f"cannot encode {type(value).__name__} in a query ({name})")
    return pairs


def http_build_query(data: Mapping[str, object] | Sequence[object]) -> str:
    """Encode nested mappings and lists byte for byte as PHP's ``http_build_query``."""
    return "&".join(f"{php_urlencode(k)}={php_urlencode(v)}" for k, v in php_pairs(data))


@dataclass(frozen=True)
class Condition:
    """One operator and its operands; encodes as ``[OP, a]``, ``[OP, a, b]`` or ``[IN, [..]]``."""

    op: Operator
    operands: tuple[Scalar | tuple[Scalar, ...], ...]

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown Splynx search operator {self.op!r}")
        if self.op == "BETWEEN" and len(self.operands) != 2:
            raise ValueError("BETWEEN takes exactly two operands")
        if self.op != "BETWEEN" and len(self.operands) != 1:
            raise ValueError(f"{self.op} takes exactly one operand")

    def to_php(self) -> list[object]:
        """The PHP array this condition stands for."""
        encoded: list[object] = [self.op]
        for operand in self.operands:
            encoded.append(list(operand) if isinstance(operand, tuple) else operand)
        return encoded


def where(op: Operator, value: Scalar | Sequence[Scalar]) -> Condition:
    """A one-operand condition, e.g. ``where("LIKE", "durden")``, ``where("IN", [1, 2])``."""
    if isinstance(value, str | int | float | bool) or value is None:
        return Condition(op, (value,))
    return Condition(op, (tuple(value),))


def between(low: Scalar, high: Scalar) -> Condition:
    """``BETWEEN low AND high`` (inclusive, as in SQL)."""
    return Condition("BETWEEN", (low, high))


def is_in(values: Sequence[Scalar]) -> Condition:
    """Membership in a list of values."""
    return Condition("IN", (tuple(values),))


Criterion: TypeAlias = Scalar | Condition


def _criteria(values: Mapping[str, Criterion]) -> dict[str, object]:
    return {
        name: value.to_php() if isinstance(value, Condition) else value
        for name, value in values.items()
    }


@dataclass(frozen=True)
class Search:
    """A Splynx list/count query: filters on main and additional attributes, order, paging."""

    main: Mapping[str, Criterion] = field(default_factory=dict)
    additional: Mapping[str, Criterion] = field(default_factory=dict)
    order: Mapping[str, Literal["ASC", "DESC"]] = field(default_factory=dict)
    limit: int | None = None
    offset: int | None = None

    def params(self) -> dict[str, object]:
        """The nested PHP array, in the documentation's key order."""
        params: dict[str, object] = {}
        if self.main:
            params["main_attributes"] = _criteria(self.main)
        if self.additional:
            params["additional_attributes"] = _criteria(self.additional)
        if self.order:
            params["order"] = dict(self.order)
        params["limit"] = self.limit
        params["offset"] = self.offset
        return params

    def encode(self) -> str:
        """The query string (without ``?``); empty when there is nothing to send."""
        return http_build_query(self.params())

    def page(self, limit: int, offset: int) -> Search:
        """The same filters and order with another window."""
        return Search(self.main, self.additional, self.order, limit, offset)
