"""The variables each document in ``migrator.sonar.queries`` takes.

Keyset paging: sort by id ascending, ask for page 1 of ``id > after AND id <=
upto``; the next page starts after the last id seen. Unlike page numbers, this
neither skips nor repeats a row when the table changes during the run, and an
id range is a natural unit to split between producers and to checkpoint.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gql import GraphQLRequest

from migrator.sonar.queries import includes_archived, relation_page_document

__all__ = [
    "defined_variables",
    "keyset_variables",
    "numbered_page_variables",
    "probe_variables",
    "relation_page_variables",
]

ASCENDING = [{"attribute": "id", "direction": "ASC"}]
DESCENDING = [{"attribute": "id", "direction": "DESC"}]
ONE = {"page": 1, "records_per_page": 1}


def _search(conditions: list[dict[str, Any]], since: datetime | None) -> list[dict[str, Any]]:
    """One ``Search`` object: all its conditions are ANDed (Sonar's rule)."""
    search: dict[str, Any] = {}
    if conditions:
        search["integer_fields"] = conditions
    if since is not None:
        search["datetime_fields"] = [
            {"attribute": "updated_at", "operator": "GT", "search_value": since.isoformat()}
        ]
    return [search] if search else []


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
    since: datetime | None = None,
    nested_page_size: int | None = None,
) -> dict[str, Any]:
    """Page 1 of ``id > after AND id <= upto`` (and ``updated_at > since``), by id ASC."""
    conditions = [{"attribute": "id", "operator": "GT", "search_value": after}]
    if upto is not None:
        conditions.append({"attribute": "id", "operator": "LTE", "search_value": upto})
    variables: dict[str, Any] = {
        "paginator": {"page": 1, "records_per_page": page_size},
        "sorter": ASCENDING,
        "search": _search(conditions, since),
    }
    if nested_page_size is not None:
        variables["nested"] = {"page": 1, "records_per_page": nested_page_size}
        variables["nested_sorter"] = ASCENDING
    return _with_archived(query, variables)


def probe_variables(query: str, *, since: datetime | None = None) -> dict[str, Any]:
    """For ``probe_document(query)``: the whole table (or what changed since ``since``)."""
    variables: dict[str, Any] = {"one": ONE, "ascending": ASCENDING, "descending": DESCENDING}
    if since is not None:
        variables["search"] = _search([], since)
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
