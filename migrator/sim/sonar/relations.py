"""How each relation of the pruned schema is read from the served data: its join.

The pruned schema keeps every relation between served entities (see
``migrator.sonar.prune_schema``); the data holds relations only as foreign
keys (``foreign_keys.FOREIGN_KEYS``). Each relation field is one of:

- ``ToOne``: the entity holds the key (``Account.account_status`` by
  ``account_status_id``);
- ``HasOne``: the other entity holds it (``Service.data_service_detail`` is the
  detail whose ``service_id`` is the service's id);
- ``ToMany``: a connection of the entities whose key names this one
  (``Account.contacts`` by ``contactable_id`` where ``contactable_type`` is
  ``Account``);
- ``Polymorphic``: the entity holds a key and the type it names
  (``Contact.contactable`` by ``contactable_id`` / ``contactable_type``).

The join is found from the keys alone where only one key fits. Where several
keys of the same entity name the owner's type, ``CHOSEN`` says which one the
relation follows; each choice is an ASSUMPTION read from the relation's name
(the reference gives no descriptions that settle it). A relation with no
fitting key fails the simulator's start, naming it, so a schema change cannot
leave a relation answered wrongly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from migrator.sim.sonar.foreign_keys import FOREIGN_KEYS, ForeignKey, key_field, query_of_type

__all__ = ["CHOSEN", "HasOne", "Join", "Polymorphic", "ToMany", "ToOne", "relation_joins"]

# (type, relation) → the key field, on the related entity, that the relation follows.
CHOSEN: dict[tuple[str, str], str] = {
    ("Account", "child_accounts"): "parent_account_id",
    ("User", "archived_accounts"): "archived_by_user_id",
    ("User", "tickets"): "user_id",  # the tickets a user opened, not those they closed
    ("User", "debits"): "user_id",  # the debits a user entered, not those they reversed
    ("User", "inventory_items"): "inventoryitemable_id",  # held by the user, not claimed
    ("Ticket", "child_tickets"): "parent_ticket_id",
    ("Invoice", "child_invoices"): "parent_invoice_id",
    ("InventoryItem", "child_inventory_items"): "parent_inventory_item_id",
    ("InventoryItem", "segments"): "segment_parent_id",
    ("Address", "linked_addresses"): "anchor_address_id",
}


@dataclass(frozen=True)
class ToOne:
    """The record of ``target`` whose id is in the entity's ``field``."""

    field: str
    target: str


@dataclass(frozen=True)
class HasOne:
    """The first record (by id) whose ``key`` names the entity."""

    key: ForeignKey


@dataclass(frozen=True)
class ToMany:
    """A page of the records whose ``key`` names the entity."""

    key: ForeignKey


@dataclass(frozen=True)
class Polymorphic:
    """The record named by ``field``, in the query of the type ``owner_field`` names."""

    field: str
    owner_field: str
    targets: Mapping[str, str]  # owner type name → its list query


Join = ToOne | HasOne | ToMany | Polymorphic


def _pointing_at(child: str, parent: str, parent_type: str) -> list[ForeignKey]:
    """Keys of ``child`` that can name a record of ``parent`` (of type ``parent_type``)."""
    return [
        key
        for key in FOREIGN_KEYS
        if key.query == child and key.target == parent and key.owner_type in (None, parent_type)
    ]


def _only(
    keys: list[ForeignKey], owner: str, relation: str, chosen: str | None = None
) -> ForeignKey:
    fitting = [key for key in keys if chosen is None or key.field == chosen]
    if len(fitting) != 1:
        named = ", ".join(f"{k.query}.{k.field}" for k in fitting) or "no foreign key"
        raise LookupError(f"{owner}.{relation}: {named} fits; name one in CHOSEN")
    return fitting[0]


def _join(owner: str, relation: str, target_name: str, many: bool, polymorphic: bool) -> Join:
    queries = query_of_type()
    query = queries[owner]
    if polymorphic:
        keys = [k for k in FOREIGN_KEYS if k.query == query and k.field == f"{relation}_id"]
        if not keys or any(k.owner_field is None for k in keys):
            raise LookupError(f"{owner}.{relation}: no polymorphic key {relation}_id")
        targets = {k.owner_type: k.target for k in keys if k.owner_type is not None}
        return Polymorphic(f"{relation}_id", f"{relation}_type", targets)
    target = queries[target_name]
    if many:
        keys = _pointing_at(target, query, owner)
        return ToMany(_only(keys, owner, relation, CHOSEN.get((owner, relation))))
    own = [k for k in FOREIGN_KEYS if k.query == query and k.field == key_field(query, relation)]
    if own:
        return ToOne(own[0].field, own[0].target)
    return HasOne(_only(_pointing_at(target, query, owner), owner, relation))


def relation_joins(schema: GraphQLSchema) -> dict[tuple[str, str], Join]:
    """Every relation field of every served entity type → its join."""
    joins: dict[tuple[str, str], Join] = {}
    for owner in query_of_type():
        entity = schema.type_map[owner]
        assert isinstance(entity, GraphQLObjectType)
        for name, field in entity.fields.items():
            named = get_named_type(field.type)
            if isinstance(named, GraphQLInterfaceType):
                joins[(owner, name)] = _join(owner, name, named.name, False, True)
            elif isinstance(named, GraphQLObjectType):
                entities = named.fields.get("entities")
                many = entities is not None
                target = get_named_type(entities.type).name if entities else named.name
                joins[(owner, name)] = _join(owner, name, target, many, False)
    return joins
