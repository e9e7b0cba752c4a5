"""Sonar's ``search`` and field filter arguments, turned into predicates.

The reference describes ``Search``: "All fields submitted within this
``Search`` object are treated as an ``AND``. Each outer ``Search`` object is
treated as an ``OR`` in relation to each other." So a ``search`` argument
compiles to a list of groups (OR) of predicates (AND). Field arguments on a
list query (``accounts(account_status_id: 1)``) are equality filters that
apply to every group; an explicit ``null`` means "is null".

Comparisons follow SQL, which Sonar sits on: a null field matches no range
operator, ``NEQ`` included; ``unset_fields``/``exists`` are how to ask for
nulls. String matching is case-insensitive (MySQL's default collation).

Supported: ``integer_fields``, ``float_fields``, ``datetime_fields``,
``date_fields``, ``boolean_fields``, ``string_fields``, ``unset_fields``,
``exists``. Refused with a clear error: ``ip_address_fields``,
``geopoint_fields``, ``reverse_relation_filters``, ``general_search``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from migrator.sim.sonar.fields import STRINGY, EntitySpec, FieldSpec

__all__ = ["NOT_FILTERS", "Predicate", "SearchError", "compile_filters", "compile_search"]

# Arguments of a list query that are not field filters.
NOT_FILTERS = frozenset(
    {
        "paginator",
        "sorter",
        "search",
        "general_search",
        "general_search_mode",
        "reverse_relation_filters",
        "include_archived",
    }
)
UNSUPPORTED = ("ip_address_fields", "geopoint_fields", "reverse_relation_filters")

_RANGE: dict[str, Callable[[Any, Any], bool]] = {
    "EQ": operator.eq,
    "NEQ": operator.ne,
    "GT": operator.gt,
    "GTE": operator.ge,
    "LT": operator.lt,
    "LTE": operator.le,
}
# Which field types each kind of search may name.
_KINDS: dict[str, frozenset[str]] = {
    "integer_fields": frozenset({"Int", "Int64Bit"}),
    "float_fields": frozenset({"Float", "Int", "Latitude", "Longitude"}),
    "datetime_fields": frozenset({"Datetime"}),
    "date_fields": frozenset({"Date"}),
    "boolean_fields": frozenset({"Boolean"}),
    "string_fields": STRINGY,
}


class SearchError(ValueError):
    """A search or filter argument the simulator cannot apply; the message says why."""


@dataclass(frozen=True)
class Predicate:
    """One condition on one field, tested against comparable values."""

    field: str
    op: str  # a RangeOperator, or NULL / NOT_NULL / MATCH / NO_MATCH
    value: Any = None
    partial: bool = False

    def test(self, actual: Any) -> bool:
        if self.op == "NULL":
            return actual is None or actual == []
        if self.op == "NOT_NULL":
            return actual is not None and actual != []
        if actual is None:
            return False
        if self.op in ("MATCH", "NO_MATCH"):
            text, wanted = str(actual).casefold(), str(self.value).casefold()
            found = wanted in text if self.partial else text == wanted
            return found == (self.op == "MATCH")
        return _RANGE[self.op](actual, self.value)


def _field(spec: EntitySpec, name: str) -> FieldSpec:
    try:
        return spec.field(name)
    except KeyError as exc:
        raise SearchError(str(exc.args[0])) from None


def _typed(spec: EntitySpec, kind: str, name: str) -> FieldSpec:
    field = _field(spec, name)
    allowed = _KINDS[kind]
    if field.type_name not in allowed and not (kind == "string_fields" and field.is_enum):
        raise SearchError(
            f"{kind} cannot search {spec.type_name}.{name}, which is a {field.type_name}"
        )
    return field


def _group(spec: EntitySpec, search: Mapping[str, Any]) -> list[Predicate]:
    """The AND of everything in one ``Search`` object."""
    for name in UNSUPPORTED:
        if search.get(name):
            raise SearchError(f"search.{name} is not supported by the Sonar simulator")
    group: list[Predicate] = []
    for kind in ("integer_fields", "float_fields", "datetime_fields", "date_fields"):
        for item in search.get(kind) or ():
            _typed(spec, kind, item["attribute"])
            group.append(Predicate(item["attribute"], item["operator"], item["search_value"]))
    for item in search.get("boolean_fields") or ():
        _typed(spec, "boolean_fields", item["attribute"])
        op = item.get("operator") or "EQ"
        group.append(Predicate(item["attribute"], op, item["search_value"]))
    for item in search.get("string_fields") or ():
        _typed(spec, "string_fields", item["attribute"])
        op = "MATCH" if item["match"] else "NO_MATCH"
        partial = bool(item.get("partial_matching"))
        group.append(Predicate(item["attribute"], op, item["search_value"], partial))
    for kind, op in (("unset_fields", "NULL"), ("exists", "NOT_NULL")):
        for name in search.get(kind) or ():
            _field(spec, name)
            group.append(Predicate(name, op))
    return group


def compile_search(
    spec: EntitySpec, searches: list[Mapping[str, Any]] | None
) -> list[list[Predicate]]:
    """``search: [...]`` as OR-ed groups of AND-ed predicates; no search is one empty group."""
    groups = [_group(spec, search) for search in searches or () if search is not None]
    return groups or [[]]


def compile_filters(spec: EntitySpec, arguments: Mapping[str, Any]) -> list[Predicate]:
    """Field arguments as equality predicates (``null`` → is null)."""
    if arguments.get("general_search"):
        raise SearchError(
            "general_search is not supported by the Sonar simulator; use search.string_fields"
        )
    if arguments.get("reverse_relation_filters"):
        raise SearchError("reverse_relation_filters is not supported by the Sonar simulator")
    predicates = []
    for name, value in arguments.items():
        if name in NOT_FILTERS:
            continue
        _field(spec, name)
        predicates.append(
            Predicate(name, "NULL") if value is None else Predicate(name, "EQ", value)
        )
    return predicates
