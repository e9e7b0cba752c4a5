"""The resolvers of list queries and relations: every answer goes through one ``Lister``.

A list query, a nested connection and a to-one relation all come down to
``Lister.page`` over one table with a *scope* (the parent's children, the one
record a key names, live accounts only), so arguments mean the same wherever
the real schema declares them: field filters, ``search``, ``sorter``,
``paginator``, ``include_archived``.

ASSUMPTIONS (the references are silent on each):

- A nested connection is paged and clamped like a list query: its own
  ``paginator`` (100 records without one), clamped to ``--max-page-size``
  per connection, so a page of 100 accounts may carry 100 contacts each.
- The request budget counts HTTP requests (reference/sonar_volumes.md:
  "400 requests per minute per user"), so nesting costs no extra budget, and
  no query-size or complexity limit is modelled.
- ``include_archived`` (default false) hides archived accounts wherever the
  real schema offers it, to-one relations included: an invoice's ``account``
  is ``null`` for an archived account unless the query says
  ``account(include_archived: true)``, as the argument's description ("whether
  or not to include archived entities in the results") reads.
- A to-one relation whose arguments exclude its record, or whose key names
  no served record (a fixture's orphan, an owner type the simulator does not
  serve), is ``null``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from migrator.sim.sonar.listing import Lister
from migrator.sim.sonar.relations import HasOne, Join, Polymorphic, ToMany, ToOne
from migrator.sim.sonar.search import Predicate, SearchError
from migrator.sim.sonar.table import Dataset

__all__ = ["TYPE_KEY", "SonarContext", "list_resolver", "relation_resolver", "resolve_type"]

TYPE_KEY = "__typename"  # set on records reached through a polymorphic relation
Resolver = Callable[..., Any]


class SonarContext:
    """What resolvers need: the data and the listing rules."""

    def __init__(self, dataset: Dataset, lister: Lister) -> None:
        self.dataset = dataset
        self.lister = lister

    def page(
        self,
        query: str,
        arguments: Mapping[str, Any],
        scope: list[Predicate],
        live_only: bool = False,
    ) -> dict[str, Any]:
        """``live_only``: the field has ``include_archived``, so archived entities (of a
        type that has them: a polymorphic field offers it whatever the type) are hidden
        unless it is set."""
        table = self.dataset.table(query)
        if (
            live_only
            and not arguments.get("include_archived")
            and "archived_at" in table.spec.fields
        ):
            scope.append(Predicate("archived_at", "NULL"))
        try:
            return self.lister.page(table, arguments, scope)
        except SearchError as exc:
            raise GraphQLError(str(exc)) from None

    def one(self, query: str, record_id: Any, arguments: Mapping[str, Any], live_only: bool) -> Any:
        """The record ``record_id`` names, if it exists and the arguments keep it."""
        if record_id is None:
            return None
        scope = [Predicate("id", "EQ", int(record_id))]
        page = self.page(query, arguments, scope, live_only)
        return page["entities"][0] if page["entities"] else None


def _context(info: GraphQLResolveInfo) -> SonarContext:
    context: SonarContext = info.context
    return context


def list_resolver(query: str, live_only: bool) -> Resolver:
    def resolve(_root: Any, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
        return _context(info).page(query, arguments, [], live_only)

    return resolve


def _owned(
    key_field: str, owner_field: str | None, owner: str, parent: Mapping[str, Any]
) -> list[Predicate]:
    scope = [Predicate(key_field, "EQ", int(parent["id"]))]
    if owner_field is not None:
        scope.append(Predicate(owner_field, "EQ", owner))
    return scope


def relation_resolver(owner: str, join: Join, live_only: bool) -> Resolver:
    """The resolver of one relation field of ``owner`` (a type name); ``live_only`` as
    for ``SonarContext.page``."""

    def resolve(parent: Mapping[str, Any], info: GraphQLResolveInfo, **arguments: Any) -> Any:
        context = _context(info)
        if isinstance(join, ToOne):
            return context.one(join.target, parent[join.field], arguments, live_only)
        if isinstance(join, Polymorphic):
            target = join.targets.get(parent[join.owner_field])
            if target is None:
                return None
            found = context.one(target, parent[join.field], arguments, live_only)
            return None if found is None else {**found, TYPE_KEY: parent[join.owner_field]}
        key = join.key
        scope = _owned(key.field, key.owner_field, owner, parent)
        if isinstance(join, ToMany):
            return context.page(key.query, arguments, scope, live_only)
        assert isinstance(join, HasOne)
        entities = context.page(key.query, arguments, scope, live_only)["entities"]
        return entities[0] if entities else None

    return resolve


def resolve_type(value: Mapping[str, Any], _info: GraphQLResolveInfo, _abstract: Any) -> str:
    """The concrete type of a record reached through a polymorphic relation."""
    return str(value[TYPE_KEY])
