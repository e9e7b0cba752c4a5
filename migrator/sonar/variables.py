"""The variables each document in ``migrator.sonar.queries`` takes.

Keyset paging: sort by id ascending, ask for page 1 of ``id > after AND id <=
upto``; the next page starts after the last id seen. Unlike page numbers, this
neither skips nor repeats a row when the table changes during the run, and an
id range is a natural unit to split between producers and to checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gql import GraphQLRequest

from migrator.sonar.queries import includes_archived, relation_page_document

__all__ = [
    "Window",
    "defined_variables",
    "keyset_variables",
    "numbered_page_variables",
    "probe_variables",
    "relation_page_variables",
]

ASCENDING = [{"attribute": "id", "direction": "ASC"}]
DESCENDING = [{"attribute": "id", "direction": "DESC"}]
ONE = {"page": 1, "records_per_page": 1}


@dataclass(frozen=True)
class Window:
    """What a delta reads of one list query: the records changed after ``since``
    (``updated_at``), and besides them the records whose ids are in ``also`` (parents
    whose children changed while they did not). ``changed=False`` reads only ``also``:
    for accounts read for their ledgers, whose own ``updated_at`` says nothing of them.
    """

    since: datetime
    also: frozenset[int] = frozenset()
    changed: bool = True

    def widened(self, ids: Iterable[int], *, changed: bool = True) -> Window:
        return Window(self.since, frozenset(ids), changed)


def _search(conditions: list[dict[str, Any]], window: Window | None) -> list[dict[str, Any]]:
    """The ``search`` argument: each object's conditions are ANDed, the objects ORed
    (Sonar's rule). Without a window one object, the conditions; with one, an object for
    what changed and one per id of ``also``, each within the conditions (an id range)."""
    if window is None:
        return [{"integer_fields": conditions}] if conditions else []
    groups: list[dict[str, Any]] = []
    if window.changed:
        changed = [
            {"attribute": "updated_at", "operator": "GT", "search_value": window.since.isoformat()}
        ]
        groups.append(
            {**({"integer_fields": conditions} if conditions else {}), "datetime_fields": changed}
        )
    for record_id in sorted(window.also):
        named = [*conditions, {"attribute": "id", "operator": "EQ", "search_value": record_id}]
        groups.append({"integer_fields": named})
    if not groups:  # nothing changed and nothing named: an id no record has
        groups.append(
            {"integer_fields": [{"attribute": "id", "operator": "LT", "search_value": 0}]}
        )
    return groups


def _with_archived(query: str, variables: dict[str, Any]) -> dict[str, Any]:
    if includes_archived(query):
        variables["include_archived"] = True
    return variables


def keyset_variables(
    query: str,
    after: int,
    upto: int | None,
    page_size: int,
    *,
    window: Window | None = None,
    nested_page_size: int | None = None,
) -> dict[str, Any]:
    """Page 1 of ``id > after AND id <= upto`` (and within ``window``), by id ASC."""
    conditions = [{"attribute": "id", "operator": "GT", "search_value": after}]
    if upto is not None:
        conditions.append({"attribute": "id", "operator": "LTE", "search_value": upto})
    if window is not None and window.also:  # only the named ids this page can hold
        named = (i for i in window.also if i > after and (upto is None or i <= upto))
        window = window.widened(named, changed=window.changed)
    variables: dict[str, Any] = {
        "paginator": {"page": 1, "records_per_page": page_size},
        "sorter": ASCENDING,
        "search": _search(conditions, window),
    }
    if nested_page_size is not None:
        variables["nested"] = {"page": 1, "records_per_page": nested_page_size}
        variables["nested_sorter"] = ASCENDING
    return _with_archived(query, variables)


def probe_variables(query: str, *, window: Window | None = None) -> dict[str, Any]:
    """For ``probe_document(query)``: the whole table (or what ``window`` reads of it)."""
    variables: dict[str, Any] = {"one": ONE, "ascending": ASCENDING, "descending": DESCENDING}
    if window is not None:
        variables["search"] = _search([], window)
    return _with_archived(query, variables)


def defined_variables(document: GraphQLRequest) -> frozenset[str]:
    """The variable names ``document`` declares."""
    operation = document.document.definitions[0]
    definitions = getattr(operation, "variable_definitions", None) or ()
    return frozenset(definition.variable.name.value for definition in definitions)


def relation_page_variables(
    parent_query: str,
    field: str,
    parent_id: int,
    page: int,
    page_size: int,
    nested_page_size: int,
) -> dict[str, Any]:
    """For ``relation_page_document(parent_query, field)``: page ``page`` of one parent's."""
    parent = [{"attribute": "id", "operator": "EQ", "search_value": parent_id}]
    variables = {
        "one": ONE,
        "search": _search(parent, None),
        "paginator": {"page": page, "records_per_page": page_size},
        "sorter": ASCENDING,
    }
    if "nested" in defined_variables(relation_page_document(parent_query, field)):
        variables["nested"] = {"page": 1, "records_per_page": nested_page_size}
        variables["nested_sorter"] = ASCENDING
    return _with_archived(parent_query, variables)


def numbered_page_variables(page: int, page_size: int) -> dict[str, Any]:
    """For ``account_ip_assignments_document()``: page ``page`` (from 1) of ``page_size``."""
    return {"paginator": {"page": page, "records_per_page": page_size}}
