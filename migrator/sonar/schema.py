"""The pruned Sonar schema as graphql-core objects, and the shape of each list query.

Both the client (to validate its documents and know each entity's fields) and
the simulator (to execute queries) stand on this one copy. ``LIST_QUERIES``
are what migrator reads; ``SERVED_QUERIES`` adds what the simulator serves
besides (equipment), and the shape helpers answer for either.
"""

from __future__ import annotations

from functools import cache

from graphql import (
    GraphQLEnumType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
    get_named_type,
)

from migrator.sonar.prune_schema import LIST_QUERIES, PRUNED_SCHEMA_PATH, SERVED_QUERIES

__all__ = ["LIST_QUERIES", "SERVED_QUERIES", "entity_fields", "entity_type", "pruned_schema"]


@cache
def pruned_schema() -> GraphQLSchema:
    """The bundled pruned schema, built once per process.

    The file ships with migrator and the conformance tests build it with full SDL
    validation, so a process does not validate it again (that took over a second of
    CPU at every start).
    """
    return build_schema(PRUNED_SCHEMA_PATH.read_text(encoding="utf-8"), assume_valid_sdl=True)


def entity_type(query: str) -> GraphQLObjectType:
    """The entity type a list query returns (``accounts`` → ``Account``)."""
    if query not in SERVED_QUERIES:
        raise KeyError(f"{query!r} is not a list query migrator knows")
    root = pruned_schema().query_type
    assert root is not None
    connection = get_named_type(root.fields[query].type)
    assert isinstance(connection, GraphQLObjectType)
    entity = get_named_type(connection.fields["entities"].type)
    assert isinstance(entity, GraphQLObjectType)
    return entity


@cache
def entity_fields(query: str) -> tuple[str, ...]:
    """The scalar and enum fields of a list query's entity, in schema order.

    These are exactly the keys of a fixture line (see ``migrator.sonar.fixture``).
    """
    return tuple(
        name
        for name, field in entity_type(query).fields.items()
        if isinstance(get_named_type(field.type), GraphQLScalarType | GraphQLEnumType)
    )
