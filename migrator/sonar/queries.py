"""Every GraphQL document migrator sends to Sonar, and the variables they take.

The documents are built from the bundled pruned schema with gql's DSL rather
than typed out: each entity selection is exactly ``entity_fields(query)`` in
schema order, so a response's keys come back in the order the fixture format
wants, and a field added to the schema cannot be forgotten in a document.
Nothing is built by pasting strings: values always travel as variables.

``python -m migrator.sonar.queries`` prints them all. ``check_documents()``
validates them against the bundled schema at start-up; the conformance tests
validate them against the real one.

The documents:

- ``page_document(query)``: one keyset page of a list query:
  ``query(paginator: $paginator, sorter: $sorter, search: $search)``.
- ``probe_document(query)``: the lowest and highest id and the count, in one
  request (two aliased fields), to plan id-range partitions.
- ``nested_accounts_document()``: a page of accounts with their relations
  (``ACCOUNT_RELATIONS``, or those named, ``FINANCE_RELATIONS`` among them)
  nested, each with its own paginator ``$nested``, and their one-to-one
  relations (``ACCOUNT_OBJECTS``: the billing parameters), a single object
  each, selected without a paginator.
- ``relation_page_document(parent_query, relation)``: one more page of one
  parent's relation, for a parent with more children than one nested page
  (at any depth: an account's RADIUS accounts, or one RADIUS account's IPs).
- ``account_ip_assignments_document()``: one numbered page of the
  ``account_ip_assignments`` view (no ids, so no keyset paging).
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

from gql import GraphQLRequest
from gql.dsl import (
    DSLField,
    DSLQuery,
    DSLSchema,
    DSLVariableDefinitions,
    dsl_gql,
)
from graphql import GraphQLSchema, print_ast, validate

from migrator.errors import ProtocolError
from migrator.sonar.relations import (
    ACCOUNT_OBJECTS,
    ACCOUNT_RELATIONS,
    CUSTOMER_RELATIONS,
    FINANCE_FIELDS,
    FINANCE_RELATIONS,
    SERVICE_RELATIONS,
    TICKET_RELATIONS,
    Relation,
    account_objects,
    account_relations,
    find_relation,
    relation_tree,
)
from migrator.sonar.schema import LIST_QUERIES, entity_fields, entity_type, pruned_schema

__all__ = [
    "ACCOUNT_OBJECTS",
    "ACCOUNT_RELATIONS",
    "CUSTOMER_RELATIONS",
    "FINANCE_FIELDS",
    "FINANCE_RELATIONS",
    "PAGE_INFO_FIELDS",
    "SERVICE_RELATIONS",
    "Relation",
    "account_ip_assignments_document",
    "account_relations",
    "all_documents",
    "check_documents",
    "includes_archived",
    "nested_accounts_document",
    "nested_tickets_document",
    "page_document",
    "probe_document",
    "relation_page_document",
    "validation_errors",
]

PAGE_INFO_FIELDS = ("page", "records_per_page", "total_count", "total_pages")


def includes_archived(query: str) -> bool:
    """Whether ``query`` hides archived entities unless asked (``include_archived``).

    The reference does not say what the default is; a snapshot must hold archived
    accounts too, so migrator always asks for them where the argument exists.
    """
    root = pruned_schema().query_type
    assert root is not None
    return "include_archived" in root.fields[query].args


def _root(ds: DSLSchema, var: DSLVariableDefinitions, query: str, **arguments: Any) -> DSLField:
    """The list query's root field with ``arguments`` (and ``include_archived`` if it has it)."""
    if includes_archived(query):
        arguments["include_archived"] = var.include_archived
    return getattr(ds.Query, query)(**arguments)  # type: ignore[no-any-return]


def _operation_name(query: str, suffix: str) -> str:
    return "".join(part.title() for part in query.split("_")) + suffix


@cache
def _dsl() -> DSLSchema:
    return DSLSchema(pruned_schema())


def _entity_selection(
    ds: DSLSchema, query: str, fields: tuple[str, ...] | None = None
) -> list[DSLField]:
    entity = getattr(ds, entity_type(query).name)
    return [getattr(entity, name) for name in fields or entity_fields(query)]


def _page_info_selection(ds: DSLSchema) -> list[DSLField]:
    return [getattr(ds.PageInfo, name) for name in PAGE_INFO_FIELDS]


def _connection(ds: DSLSchema, field: DSLField, query: str, entities: list[DSLField]) -> DSLField:
    """``field { entities { ... } page_info { ... } }`` for a connection of ``query``'s type."""
    connection_type = getattr(ds, f"{entity_type(query).name}Connection")
    return field.select(
        connection_type.entities.select(*entities),
        connection_type.page_info.select(*_page_info_selection(ds)),
    )


def _nested_selection(
    ds: DSLSchema,
    var: DSLVariableDefinitions,
    query: str,
    relations: tuple[Relation, ...],
    fields: tuple[str, ...] | None = None,
) -> list[DSLField]:
    """An entity's fields plus its relations, each paged by ``$nested`` and sorted by id."""
    selection = _entity_selection(ds, query, fields)
    parent = getattr(ds, entity_type(query).name)
    for relation in relations:
        field = getattr(parent, relation.field)(paginator=var.nested, sorter=var.nested_sorter)
        children = _nested_selection(ds, var, relation.query, relation.children, relation.fields)
        selection.append(_connection(ds, field, relation.query, children))
    return selection


def _operation(name: str, var: DSLVariableDefinitions, *fields: DSLField) -> GraphQLRequest:
    operation = DSLQuery(*fields)
    operation.variable_definitions = var
    operation.name = name
    return dsl_gql(operation)


@cache
def account_ip_assignments_document() -> GraphQLRequest:
    """Page ``$paginator`` of ``account_ip_assignments``: every IP associated with an account
    (on the account, its inventory items, RADIUS accounts or MACs) as ``{account_id, subnet}``.

    A view without ids, sorter or search: read by page number, not by keyset.
    """
    ds, var = _dsl(), DSLVariableDefinitions()
    connection = ds.AccountIpAssignmentsConnection
    entity = ds.AccountIpAssignments
    root = ds.Query.account_ip_assignments(paginator=var.paginator).select(
        connection.entities.select(entity.account_id, entity.subnet),
        connection.page_info.select(*_page_info_selection(ds)),
    )
    return _operation("AccountIpAssignmentsPage", var, root)


@cache
def page_document(query: str) -> GraphQLRequest:
    """One page of ``query``: every scalar field of its entity, with ``page_info``."""
    ds, var = _dsl(), DSLVariableDefinitions()
    field = _root(ds, var, query, paginator=var.paginator, sorter=var.sorter, search=var.search)
    root = _connection(ds, field, query, _entity_selection(ds, query))
    return _operation(_operation_name(query, "Page"), var, root)


@cache
def probe_document(query: str) -> GraphQLRequest:
    """The first and last id (by id ASC / DESC) and the total count of ``query``."""
    ds, var = _dsl(), DSLVariableDefinitions()
    connection = getattr(ds, f"{entity_type(query).name}Connection")
    entity = getattr(ds, entity_type(query).name)
    lowest = _root(ds, var, query, paginator=var.one, sorter=var.ascending, search=var.search)
    highest = _root(ds, var, query, paginator=var.one, sorter=var.descending, search=var.search)
    lowest = lowest.alias("lowest").select(
        connection.entities.select(entity.id),
        connection.page_info.select(ds.PageInfo.total_count),
    )
    highest = highest.alias("highest").select(connection.entities.select(entity.id))
    return _operation(_operation_name(query, "Probe"), var, lowest, highest)


@cache
def nested_accounts_document(fields: tuple[str, ...] | None = None) -> GraphQLRequest:
    """A page of accounts with the relations named (every one in ``ACCOUNT_RELATIONS``
    by default) nested; a reader that needs less asks for less."""
    ds, var = _dsl(), DSLVariableDefinitions()
    field = _root(
        ds, var, "accounts", paginator=var.paginator, sorter=var.sorter, search=var.search
    )
    relations = account_relations(fields)
    selection = _nested_selection(ds, var, "accounts", relations)
    account = getattr(ds, entity_type("accounts").name)
    objects = account_objects(fields)
    for one in objects:
        selection.append(getattr(account, one.field).select(*_entity_selection(ds, one.query)))
    named = (*relations, *objects)
    suffix = "" if fields is None else "With" + "".join(r.field.title() for r in named)
    name = f"AccountsNestedPage{suffix}".replace("_", "")
    return _operation(name, var, _connection(ds, field, "accounts", selection))


@cache
def nested_tickets_document() -> GraphQLRequest:
    """A page of tickets with their replies and comments nested (``TICKET_RELATIONS``)."""
    ds, var = _dsl(), DSLVariableDefinitions()
    field = _root(ds, var, "tickets", paginator=var.paginator, sorter=var.sorter, search=var.search)
    selection = _nested_selection(ds, var, "tickets", TICKET_RELATIONS)
    return _operation("TicketsNestedPage", var, _connection(ds, field, "tickets", selection))


@cache
def relation_page_document(parent_query: str, field: str) -> GraphQLRequest:
    """Page ``$paginator`` of one parent's ``field`` (the parent found by ``$search``)."""
    relation = find_relation(parent_query, field)
    ds, var = _dsl(), DSLVariableDefinitions()
    parent = getattr(ds, entity_type(parent_query).name)
    parent_connection = getattr(ds, f"{entity_type(parent_query).name}Connection")
    children = _nested_selection(ds, var, relation.query, relation.children, relation.fields)
    child = getattr(parent, field)(paginator=var.paginator, sorter=var.sorter)
    root = _root(ds, var, parent_query, paginator=var.one, search=var.search).select(
        parent_connection.entities.select(
            parent.id, _connection(ds, child, relation.query, children)
        )
    )
    name = _operation_name(parent_query, "") + _operation_name(field, "Page")
    return _operation(name, var, root)


def all_documents() -> dict[str, GraphQLRequest]:
    """Every document the client can send, by operation name."""
    documents = [page_document(q) for q in LIST_QUERIES]
    documents += [probe_document(q) for q in LIST_QUERIES]
    documents.append(nested_accounts_document())
    documents.append(nested_accounts_document(SERVICE_RELATIONS))
    documents.append(nested_accounts_document(CUSTOMER_RELATIONS))
    documents.append(nested_accounts_document(FINANCE_FIELDS))
    documents.append(nested_tickets_document())
    for parent_query, relation in relation_tree():
        documents.append(relation_page_document(parent_query, relation.field))
    documents.append(account_ip_assignments_document())
    return {_name_of(document): document for document in documents}


def _name_of(document: GraphQLRequest) -> str:
    operation = document.document.definitions[0]
    name = getattr(operation, "name", None)
    return name.value if name is not None else "?"


def validation_errors(schema: GraphQLSchema) -> list[str]:
    """``"OperationName: message"`` for every document ``schema`` does not accept."""
    problems = []
    for name, document in all_documents().items():
        problems += [f"{name}: {error.message}" for error in validate(schema, document.document)]
    return problems


@cache
def check_documents() -> None:
    """Start-up check: every document is valid against the bundled schema.

    Both are fixed for the life of the process, so it runs once (a failure is not
    cached: it is raised again at every client's start).
    """
    problems = validation_errors(pruned_schema())
    if problems:
        raise ProtocolError("invalid Sonar GraphQL documents: " + "; ".join(problems))


def _print_all(out: Any = sys.stdout) -> None:
    for name, document in all_documents().items():
        print(f"# {name}\n{print_ast(document.document)}\n", file=out)


if __name__ == "__main__":
    _print_all()
