"""The executable schema: the pruned real schema, Sonar's scalars, and our resolvers.

The simulator builds its own copy of ``migrator/sonar/schema.graphql`` (the
file the client validates against), so attaching scalar behaviour and
resolvers here never changes what the client's ``pruned_schema()`` does in
the same process. Resolvers find the dataset and the page-size clamp in the
execution context, so one schema serves any number of simulators at once.

``execute_request`` runs one GraphQL-over-HTTP body (``query``,
``variables``, ``operationName``) and always answers a GraphQL result:
syntax and validation problems come back as ``errors``, never as an
exception. Parsed and validated documents are cached by their text, since an
extracting client sends the same few documents thousands of times.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from migrator.sim.sonar.listing import Lister
from migrator.sim.sonar.scalars import install_scalars
from migrator.sim.sonar.search import Predicate, SearchError
from migrator.sim.sonar.table import Dataset
from migrator.sonar.prune_schema import LIST_QUERIES, NESTED_RELATIONS, PRUNED_SCHEMA_PATH

__all__ = ["RELATIONS", "SonarContext", "executable_schema", "execute_request"]

# (parent type, relation) → (child list query, foreign key field, owner type field or None)
RELATIONS: dict[tuple[str, str], tuple[str, str, str | None]] = {
    ("Account", "contacts"): ("contacts", "contactable_id", "contactable_type"),
    ("Account", "addresses"): ("addresses", "addressable_id", "addressable_type"),
    ("Account", "account_services"): ("account_services", "account_id", None),
    ("Account", "custom_field_data"): (
        "custom_field_data",
        "customfielddataable_id",
        "customfielddataable_type",
    ),
    ("Account", "notes"): ("notes", "noteable_id", "noteable_type"),
    ("Account", "ip_assignments"): (
        "ip_assignments",
        "ipassignmentable_id",
        "ipassignmentable_type",
    ),
    ("Contact", "phone_numbers"): ("phone_numbers", "contact_id", None),
    ("Ticket", "ticket_replies"): ("ticket_replies", "ticket_id", None),
    ("Ticket", "ticket_comments"): ("ticket_comments", "ticket_id", None),
}


@dataclass(frozen=True)
class SonarContext:
    """What resolvers need: the data and the listing rules."""

    dataset: Dataset
    lister: Lister


def _list_resolver(query: str, live_only: bool) -> Callable[..., Any]:
    """``live_only``: the query has ``include_archived`` (default false) and hides archived
    entities unless it is set."""

    def resolve(_root: Any, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
        context: SonarContext = info.context
        scope = []
        if live_only and not arguments.get("include_archived"):
            scope.append(Predicate("archived_at", "NULL"))
        try:
            return context.lister.page(context.dataset.table(query), arguments, scope)
        except SearchError as exc:
            raise GraphQLError(str(exc)) from None

    return resolve


def _nested_resolver(
    parent_type: str, child: str, key: str, owner: str | None
) -> Callable[..., Any]:
    def resolve(
        parent: Mapping[str, Any], info: GraphQLResolveInfo, **arguments: Any
    ) -> dict[str, Any]:
        context: SonarContext = info.context
        scope = [Predicate(key, "EQ", int(parent["id"]))]
        if owner is not None:
            scope.append(Predicate(owner, "EQ", parent_type))
        try:
            return context.lister.page(context.dataset.table(child), arguments, scope)
        except SearchError as exc:
            raise GraphQLError(str(exc)) from None

    return resolve


@cache
def executable_schema() -> GraphQLSchema:
    """The simulator's private schema copy, built once per process."""
    schema = build_schema(PRUNED_SCHEMA_PATH.read_text(encoding="utf-8"))
    install_scalars(schema)
    root = schema.query_type
    assert root is not None
    for query in LIST_QUERIES:
        field = root.fields[query]
        field.resolve = _list_resolver(query, "include_archived" in field.args)
    for parent_type, relation in NESTED_RELATIONS:
        if (parent_type, relation) not in RELATIONS:
            raise LookupError(f"no foreign key known for nested {parent_type}.{relation}")
        child, key, owner = RELATIONS[(parent_type, relation)]
        parent = schema.type_map[parent_type]
        assert isinstance(parent, GraphQLObjectType)
        parent.fields[relation].resolve = _nested_resolver(parent_type, child, key, owner)
    return schema


@lru_cache(maxsize=256)
def _document(text: str) -> DocumentNode | tuple[GraphQLError, ...]:
    try:
        document = parse(text)
    except GraphQLError as error:
        return (error,)
    errors = validate(executable_schema(), document)
    return tuple(errors) if errors else document


def execute_request(body: Mapping[str, Any], context: SonarContext) -> dict[str, Any]:
    """The JSON answer to one request body that has already been checked for shape."""
    checked = _document(body["query"])
    if isinstance(checked, tuple):
        return {"errors": [error.formatted for error in checked]}
    result = execute_sync(
        executable_schema(),
        checked,
        context_value=context,
        variable_values=body.get("variables"),
        operation_name=body.get("operationName"),
    )
    return dict(result.formatted)
