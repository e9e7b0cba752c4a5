"""One page of a list query: filter, sort, clamp and slice, the way Sonar answers.

``Lister.page(table, arguments, scope)`` is what every list query and every
nested connection resolves through. Its fast path is the one an extracting
client lives on, keyset paging:

    sorter: [{attribute: "id", direction: ASC}]
    search: [{integer_fields: [{attribute: "id", operator: GT, search_value: $after},
                               {attribute: "id", operator: LTE, search_value: $upto}]}]
    paginator: {page: 1, records_per_page: N}

Id bounds become a row range by bisection on the sorted ids, so such a page
costs O(log n + N) however large the table. An equality on a foreign-key
column (``account_id``, a nested relation) goes through a per-column index, built
on first use (from the records, for a key the table keeps no column of).
Everything else is tested row by row over what is left.

``page_info.records_per_page`` shows the clamped page size, so a client can
see it asked for more than it got.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from typing import Any

from migrator.sim.sonar.search import Predicate, SearchError, compile_filters, compile_search
from migrator.sim.sonar.table import Table

__all__ = ["DEFAULT_PAGE_SIZE", "Lister"]

# ASSUMPTION: without a paginator Sonar's page size is undocumented; we use 100.
DEFAULT_PAGE_SIZE = 100
_ID_BOUNDS = {"EQ", "GT", "GTE", "LT", "LTE"}


def _bounds(predicates: list[Predicate]) -> tuple[int | None, int | None, list[Predicate]]:
    """Fold the id range predicates into inclusive ``[low, high]``; return the rest."""
    low: int | None = None
    high: int | None = None
    rest = []
    for p in predicates:
        if p.field != "id" or p.op not in _ID_BOUNDS or p.value is None:
            rest.append(p)
            continue
        value = int(p.value)
        if p.op in ("GT", "GTE", "EQ"):
            floor = value + 1 if p.op == "GT" else value
            low = floor if low is None else max(low, floor)
        if p.op in ("LT", "LTE", "EQ"):
            ceiling = value - 1 if p.op == "LT" else value
            high = ceiling if high is None else min(high, ceiling)
    return low, high, rest


def _matching(table: Table, predicates: list[Predicate]) -> Sequence[int]:
    """Rows (in id order) satisfying every predicate."""
    low, high, rest = _bounds(predicates)
    if low is not None and high is not None and low > high:
        return range(0)
    keyed = next((p for p in rest if p.op == "EQ" and table.indexable(p.field)), None)
    rows: Sequence[int]
    if keyed is None:
        rows = table.id_bounds(low, high)
    else:
        rest.remove(keyed)
        rows = table.index(keyed.field).lookup(keyed.value)
        ids = table.ids.__getitem__
        start = 0 if low is None else bisect_left(rows, low, key=ids)
        stop = len(rows) if high is None else bisect_right(rows, high, key=ids)
        rows = rows[start:stop]
    for p in rest:
        column = table.columns.get(p.field)
        if column is not None:
            rows = [row for row in rows if p.test(column[row])]
        else:
            rows = [row for row in rows if p.test(table.value(row, p.field))]
    return rows


def _ordered(table: Table, rows: Sequence[int], sorters: list[Mapping[str, Any]]) -> Sequence[int]:
    """Rows sorted as asked; ties (and no sorter) go by id ascending. Nulls sort lowest."""
    keys = [(s["attribute"], s["direction"]) for s in sorters if s is not None]
    for attribute, _ in keys:
        if attribute not in table.spec.fields:
            raise SearchError(
                f"cannot sort by {attribute!r}: not a field of {table.spec.type_name}"
            )
    if not keys or keys == [("id", "ASC")]:
        return rows
    if keys == [("id", "DESC")]:
        return rows[::-1]
    ordered = list(rows)
    for attribute, direction in reversed(keys):  # stable sorts, least significant key first
        ordered.sort(key=_sort_key(table, attribute), reverse=direction == "DESC")
    return ordered


def _sort_key(table: Table, attribute: str) -> Any:
    column = table.columns.get(attribute)

    def key(row: int) -> tuple[bool, Any]:
        value = column[row] if column is not None else table.value(row, attribute)
        return value is not None, value

    return key


class Lister:
    """Answers list arguments over a table with Sonar's paging rules."""

    def __init__(self, max_page_size: int) -> None:
        if max_page_size < 1:
            raise ValueError("the maximum page size must be at least 1")
        self.max_page_size = max_page_size

    def page(
        self, table: Table, arguments: Mapping[str, Any], scope: Sequence[Predicate] = ()
    ) -> dict[str, Any]:
        """``{"entities": [...], "page_info": {...}}`` for one list query or nested connection.

        ``scope`` narrows to a parent's children (``contactable_id = 5``) or to
        live accounts (``archived_at`` is null unless ``include_archived``).
        Raises ``SearchError`` for arguments that cannot be applied.
        """
        fixed = [*scope, *compile_filters(table.spec, arguments)]
        groups = compile_search(table.spec, arguments.get("search"))
        selected = self._select(table, [fixed + group for group in groups])
        ordered = _ordered(table, selected, arguments.get("sorter") or [])
        window, page_info = self.window(arguments.get("paginator"), len(ordered))
        return {"entities": [table.record(row) for row in ordered[window]], "page_info": page_info}

    def window(
        self, paginator: Mapping[str, Any] | None, total: int
    ) -> tuple[slice, dict[str, Any]]:
        """The slice of ``total`` ordered results the paginator asks for, and ``page_info``.

        Raises ``SearchError`` for a paginator that cannot be applied.
        """
        page, per_page = self._paginator(paginator)
        start = (page - 1) * per_page
        return slice(start, start + per_page), {
            "page": page,
            # ASSUMPTION: an empty result still has one (empty) page, as Laravel counts.
            "total_pages": max(1, math.ceil(total / per_page)),
            "total_count": total,
            "records_per_page": per_page,
        }

    def _paginator(self, paginator: Mapping[str, Any] | None) -> tuple[int, int]:
        if paginator is None:
            return 1, min(DEFAULT_PAGE_SIZE, self.max_page_size)
        page, per_page = paginator["page"], paginator["records_per_page"]
        if page < 1:
            raise SearchError(f"paginator.page must be 1 or more, got {page}")
        if per_page < 1:
            raise SearchError(f"paginator.records_per_page must be 1 or more, got {per_page}")
        return page, min(per_page, self.max_page_size)

    @staticmethod
    def _select(table: Table, groups: list[list[Predicate]]) -> Sequence[int]:
        """The OR of the groups, in id order."""
        if len(groups) == 1:
            return _matching(table, groups[0])
        union: set[int] = set()
        for group in groups:
            union.update(_matching(table, group))
        return sorted(union)
