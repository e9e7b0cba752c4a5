"""Cut the real Sonar schema down to what migrator reads and the simulator serves.

The real schema (``../shared/reference/sonar_schema.graphql``) has 318 queries
and 1,391 types; graphql-core takes seconds to build it. The pruned copy keeps:

- the ``Query`` fields of the list queries in ``SERVED_QUERIES`` (those
  migrator reads, ``LIST_QUERIES``, and the equipment ones a client reading
  accounts may ask for), with their arguments and defaults, minus
  ``aggregation``;
- the ``Query`` fields of ``DERIVED_QUERIES`` (views without ids, such as
  ``account_ip_assignments``), their connection and entity types kept whole;
- for each entity type those queries return, every scalar and enum field, and
  every relation to another served entity: to-one fields, connections (with
  the arguments the real schema gives them) and polymorphic to-one fields
  (``contactable``), with their interface. Relations the simulator's data
  cannot hold (``PIVOT_RELATIONS``: they go through a join table that has no
  list query) are left out;
- every type those reach (connections, ``PageInfo``, the ``Search`` inputs,
  enums, the kept interfaces), with input types kept whole;
- no descriptions. Descriptions still bind the simulator's behaviour.

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
    GraphQLInterfaceType,
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
    "DERIVED_QUERIES",
    "EQUIPMENT_QUERIES",
    "LIST_QUERIES",
    "PIVOT_RELATIONS",
    "PRUNED_SCHEMA_PATH",
    "SERVED_QUERIES",
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
    "recurring_service_details",
    "taxes",
    "service_taxes",
    "account_services",
    "account_billing_parameters",
    "tax_exemptions",
    "ip_assignments",
    "radius_accounts",
    "uninventoried_mac_addresses",
    "subnets",
    "supernets",
    "ip_pools",
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

# Served besides what migrator reads: an account's equipment (the CPE at its address, its
# model, maker and field values such as the MAC), which clients reading accounts ask for.
EQUIPMENT_QUERIES: tuple[str, ...] = (
    "manufacturers",
    "inventory_models",
    "inventory_model_fields",
    "inventory_items",
    "inventory_model_field_data",
)
SERVED_QUERIES: tuple[str, ...] = LIST_QUERIES + EQUIPMENT_QUERIES

# Root queries kept beside the list queries whose entities have no id: a view over other
# entities, not a table. Nothing id-keyed (probes, keyset pages, fixture files, generated
# models) applies to them; each has its own document and reader.
DERIVED_QUERIES: tuple[str, ...] = ("account_ip_assignments",)

# Relations between served entities that go through a join table, not a foreign key on
# either side: no field of the served data (nor of a fixture line) says which records they
# link, so the simulator could only ever answer them empty. Left out, a query naming one
# fails validation, which says so plainly.
PIVOT_RELATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("Company", "custom_fields"),
        ("CustomField", "companies"),
        ("TicketGroup", "users"),
        ("User", "ticket_groups"),
        ("Ticket", "inventory_items"),
        ("InventoryItem", "tickets"),
    }
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
        self.keep_fields["Query"] = set(SERVED_QUERIES) | set(DERIVED_QUERIES)
        served = {self._entity_of(query.fields[name]).name for name in SERVED_QUERIES}
        self.served = frozenset(served)
        for name in served:
            entity = real.type_map[name]
            assert isinstance(entity, GraphQLObjectType)
            self.keep_fields[name] = {
                f for f, d in entity.fields.items() if _is_leaf(d) or self._is_relation(name, f)
            }

    def _is_relation(self, owner: str, name: str) -> bool:
        """A to-one, connection or polymorphic field leading to a served entity."""
        if (owner, name) in PIVOT_RELATIONS:
            return False
        owner_type = self.real.type_map[owner]
        assert isinstance(owner_type, GraphQLObjectType)
        target = get_named_type(owner_type.fields[name].type)
        if isinstance(target, GraphQLInterfaceType):
            return any(t.name in self.served for t in self.real.get_possible_types(target))
        if not isinstance(target, GraphQLObjectType):
            return False
        if target.name in self.served:
            return True
        entities = target.fields.get("entities")
        return entities is not None and get_named_type(entities.type).name in self.served

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
            copy = GraphQLObjectType(
                original.name,
                lambda: self._fields(original),
                interfaces=lambda: self._interfaces(original),
            )
        elif isinstance(original, GraphQLInterfaceType):
            copy = GraphQLInterfaceType(original.name, lambda: self._fields(original))
        else:
            raise TypeError(f"unexpected kind of type kept: {original}")
        self.copies[name] = copy
        return copy

    def copy_all_fields(self) -> None:
        """Copy every reachable field now, so that every kept interface exists before any
        object type is asked which interfaces it implements."""
        done: set[str] = set()
        while pending := [
            copy
            for name, copy in self.copies.items()
            if name not in done
            and isinstance(copy, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType)
        ]:
            for copy in pending:
                done.add(copy.name)
                assert copy.fields is not None

    def wrap(self, type_: Any) -> Any:
        """The same wrapping (non-null, list) around the copy of the named type."""
        if isinstance(type_, GraphQLNonNull):
            return GraphQLNonNull(self.wrap(type_.of_type))
        if isinstance(type_, GraphQLList):
            return GraphQLList(self.wrap(type_.of_type))
        assert isinstance(type_, GraphQLNamedType)
        return self.named(type_.name)

    def _interfaces(self, original: GraphQLObjectType) -> list[GraphQLInterfaceType]:
        """The interfaces it implements that a kept polymorphic field made us keep.

        Object types are all copied before any interface list is asked for (graphql-core
        resolves these thunks when the schema is assembled), so ``copies`` is complete.
        """
        kept = []
        for interface in original.interfaces:
            copy = self.copies.get(interface.name)
            if copy is not None:
                assert isinstance(copy, GraphQLInterfaceType)
                kept.append(copy)
        return kept

    def _kept(self, original: GraphQLObjectType | GraphQLInterfaceType) -> list[str]:
        wanted = self.keep_fields.get(original.name)
        if wanted is None:  # a helper type (connection, PageInfo): keep all but the dropped
            return [f for f in original.fields if f not in DROPPED_FIELDS]
        return [f for f in original.fields if f in wanted]

    def _fields(
        self, original: GraphQLObjectType | GraphQLInterfaceType
    ) -> dict[str, GraphQLField]:
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
    pruner = _Pruner(real)
    query = pruner.named("Query")
    assert isinstance(query, GraphQLObjectType)
    pruner.copy_all_fields()
    return GraphQLSchema(query=query)


def prune_text(reference_sdl: str) -> str:
    """The pruned schema as SDL text, exactly as it is committed."""
    header = (
        "# Generated by `python -m migrator.sonar.prune_schema` from the real Sonar schema.\n"
        "# Do not edit: change SERVED_QUERIES / PIVOT_RELATIONS and regenerate.\n\n"
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
