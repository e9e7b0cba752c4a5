"""The executable schema: the pruned real schema, Sonar's scalars, and our resolvers.

The simulator builds its own copy of ``migrator/sonar/schema.graphql`` (the
file the client validates against), so attaching scalar behaviour and
resolvers here never changes what the client's ``pruned_schema()`` does in
the same process. Resolvers (``resolvers``: every list query and every
relation, by the joins of ``relations``; ``views``: the derived root
queries) find the dataset and the page-size clamp in the execution context,
so one schema serves any number of simulators at once.

``execute_request`` runs one GraphQL-over-HTTP body (``query``,
``variables``, ``operationName``) and always answers a GraphQL result:
syntax and validation problems come back as ``errors``, never as an
exception. Parsed and validated documents are cached by their text, since an
extracting client sends the same few documents thousands of times.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from migrator.sim.sonar.relations import relation_joins
from migrator.sim.sonar.resolvers import (
    SonarContext,
    list_resolver,
    relation_resolver,
    resolve_type,
)
from migrator.sim.sonar.scalars import install_scalars
from migrator.sim.sonar.views import VIEW_RESOLVERS
from migrator.sonar.prune_schema import DERIVED_QUERIES, PRUNED_SCHEMA_PATH, SERVED_QUERIES

__all__ = ["SonarContext", "executable_schema", "execute_request"]


@cache
def executable_schema() -> GraphQLSchema:
    """The simulator's private schema copy, built once per process.

    Raises ``LookupError`` naming a relation the served data cannot answer.
    """
    schema = build_schema(PRUNED_SCHEMA_PATH.read_text(encoding="utf-8"))
    install_scalars(schema)
    root = schema.query_type
    assert root is not None
    for query in SERVED_QUERIES:
        field = root.fields[query]
        field.resolve = list_resolver(query, "include_archived" in field.args)
    for query in DERIVED_QUERIES:
        root.fields[query].resolve = VIEW_RESOLVERS[query]
    for (owner, relation), join in relation_joins(schema).items():
        entity = schema.type_map[owner]
        assert isinstance(entity, GraphQLObjectType)
        field = entity.fields[relation]
        field.resolve = relation_resolver(owner, join, "include_archived" in field.args)
    for named in schema.type_map.values():
        if isinstance(named, GraphQLInterfaceType):
            named.resolve_type = resolve_type
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
