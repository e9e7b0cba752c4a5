"""Cut the real Sonar schema down to what migrator uses, and write it beside the client.

The real schema (``../shared/reference/sonar_schema.graphql``) has 318 queries
and 1,391 types; graphql-core takes seconds to build it. The pruned copy keeps:

- the ``Query`` fields of the list queries in ``LIST_QUERIES``, with their
  arguments, minus ``aggregation``;
- for each entity type those queries return, every scalar and enum field,
  plus the nested relation connections named in ``NESTED_RELATIONS``;
- every type those reach (connections, ``PageInfo``, the ``Search`` inputs,
  enums), with input types kept whole;
- no descriptions and no ``implements`` clauses (interfaces would demand
  fields we do not keep). Descriptions still bind the simulator's behaviour.

Run ``python -m migrator.sonar.prune_schema [REFERENCE]`` after changing the
lists; the conformance tests fail when the committed file is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    print_schema,
)

__all__ = [
    "LIST_QUERIES",
    "NESTED_RELATIONS",
    "PRUNED_SCHEMA_PATH",
    "prune",
    "prune_text",
]

PRUNED_SCHEMA_PATH = Path(__file__).with_name("schema.graphql")

LIST_QUERIES: tuple[str, ...] = (
    "companies",
    "account_statuses",
    "account_types",
    "accounts",
    "contacts",
    "phone_numbers",
    "addresses",
    "custom_fields",
    "custom_field_data",
    "services",
    "data_service_details",
    "account_services",
    "ip_assignments",
    "users",
    "notes",
    "invoices",
    "debits",
    "credits",
    "payments",
    "ticket_groups",
    "tickets",
    "ticket_replies",
    "ticket_comments",
)

# (entity type, relation field): connections fetched nested under their parent.
NESTED_RELATIONS: tuple[tuple[str, str], ...] = (
    ("Account", "contacts"),
    ("Account", "addresses"),
    ("Account", "account_services"),
    ("Account", "custom_field_data"),
    ("Account", "notes"),
    ("Account", "ip_assignments"),
    ("Contact", "phone_numbers"),
    ("Ticket", "ticket_replies"),
    ("Ticket", "ticket_comments"),
)

DROPPED_ARGUMENTS = frozenset({"aggregation"})
DROPPED_FIELDS = frozenset({"aggregations"})


def _is_leaf(field: GraphQLField) -> bool:
    return isinstance(get_named_type(field.type), GraphQLScalarType | GraphQLEnumType)


class _Pruner:
    """Copies the kept part of ``real`` type by type, without descriptions."""

    def __init__(self, real: GraphQLSchema) -> None:
        self.real = real
        self.copies: dict[str, GraphQLNamedType] = {}
        self.keep_fields: dict[str, set[str]] = {}
        query = real.query_type
        assert query is not None
        self.keep_fields["Query"] = set(LIST_QUERIES)
        for name in LIST_QUERIES:
            entity = self._entity_of(query.fields[name])
            leafs = {f for f, d in entity.fields.items() if _is_leaf(d)}
            self.keep_fields.setdefault(entity.name, set()).update(leafs)
        for type_name, relation in NESTED_RELATIONS:
            self.keep_fields.setdefault(type_name, set()).add(relation)

    @staticmethod
    def _entity_of(field: GraphQLField) -> GraphQLObjectType:
        connection = get_named_type(field.type)
        assert isinstance(connection, GraphQLObjectType)
        entity = get_named_type(connection.fields["entities"].type)
        assert isinstance(entity, GraphQLObjectType)
        return entity

    def named(self, name: str) -> GraphQLNamedType:
        if name in self.copies:
            return self.copies[name]
        original = self.real.type_map[name]
        if isinstance(original, GraphQLScalarType):
            if original.name in {"String", "Int", "Float", "Boolean", "ID"}:
                copy: GraphQLNamedType = original
            else:
                copy = GraphQLScalarType(original.name)
        elif isinstance(original, GraphQLEnumType):
            copy = GraphQLEnumType(original.name, {v: GraphQLEnumValue(v) for v in original.values})
        elif isinstance(original, GraphQLInputObjectType):
            copy = GraphQLInputObjectType(original.name, lambda: self._input_fields(original))
        elif isinstance(original, GraphQLObjectType):
            copy = GraphQLObjectType(original.name, lambda: self._fields(original))
        else:
            raise TypeError(f"unexpected kind of type kept: {original}")
        self.copies[name] = copy
        return copy

    def wrap(self, type_: Any) -> Any:
        """The same wrapping (non-null, list) around the copy of the named type."""
        if isinstance(type_, GraphQLNonNull):
            return GraphQLNonNull(self.wrap(type_.of_type))
        if isinstance(type_, GraphQLList):
            return GraphQLList(self.wrap(type_.of_type))
        assert isinstance(type_, GraphQLNamedType)
        return self.named(type_.name)

    def _kept(self, original: GraphQLObjectType) -> list[str]:
        wanted = self.keep_fields.get(original.name)
        if wanted is None:  # a helper type (connection, PageInfo): keep all but the dropped
            return [f for f in original.fields if f not in DROPPED_FIELDS]
        return [f for f in original.fields if f in wanted]

    def _fields(self, original: GraphQLObjectType) -> dict[str, GraphQLField]:
        fields = {}
        for name in self._kept(original):
            field = original.fields[name]
            args = {
                arg_name: GraphQLArgument(self.wrap(arg.type), default=arg.default)
                for arg_name, arg in field.args.items()
                if arg_name not in DROPPED_ARGUMENTS
            }
            fields[name] = GraphQLField(self.wrap(field.type), args=args)
        return fields

    def _input_fields(self, original: GraphQLInputObjectType) -> dict[str, GraphQLInputField]:
        return {
            name: GraphQLInputField(self.wrap(f.type), default=f.default)
            for name, f in original.fields.items()
        }


def prune(real: GraphQLSchema) -> GraphQLSchema:
    """The pruned schema as a graphql-core object."""
    query = _Pruner(real).named("Query")
    assert isinstance(query, GraphQLObjectType)
    return GraphQLSchema(query=query)


def prune_text(reference_sdl: str) -> str:
    """The pruned schema as SDL text, exactly as it is committed."""
    header = (
        "# Generated by `python -m migrator.sonar.prune_schema` from the real Sonar schema.\n"
        "# Do not edit: change LIST_QUERIES / NESTED_RELATIONS and regenerate.\n\n"
    )
    return header + print_schema(prune(build_schema(reference_sdl))) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "reference",
        nargs="?",
        type=Path,
        default=Path("../shared/reference/sonar_schema.graphql"),
        help="the real schema (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, default=PRUNED_SCHEMA_PATH)
    args = parser.parse_args(argv)
    if not args.reference.is_file():
        print(f"no reference schema at {args.reference}", file=sys.stderr)
        return 2
    args.out.write_text(prune_text(args.reference.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
