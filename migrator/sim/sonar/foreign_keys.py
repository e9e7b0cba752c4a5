"""Which fields point at which served entity, and finding the ones that point nowhere.

A foreign key here is a field holding the id of a record of another list
query the simulator serves (``contacts.contactable_id`` → ``accounts`` when
``contactable_type`` is ``Account``). They are read off the pruned schema: a
leaf ``x_id`` beside a to-one relation ``x`` of a served type names a record
of that type, and a leaf ``x_id`` beside a polymorphic ``x`` (an interface)
names a record of whichever served type its ``x_type`` says. ``RENAMED_KEYS``
names the few to-one relations whose key is not ``x_id`` (``IpAssignment.parent_subnet``
by ``subnet_id``: ``subnet`` is the address itself), and ``UNRELATED_KEYS`` adds the
few the schema gives no relation field for. References to entities
the simulator does not serve (credit cards, vendors, roles) are not keys.

The generator must never break one (its tests say so); a fixture may, and
is then served as it is, with a warning: an orphan is exactly the kind of
record a migration must cope with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import GraphQLEnumType, GraphQLInterfaceType, GraphQLObjectType, get_named_type

from migrator.sim.sonar.table import Dataset
from migrator.sonar.schema import SERVED_QUERIES, entity_fields, entity_type

__all__ = [
    "FOREIGN_KEYS",
    "RENAMED_KEYS",
    "UNRELATED_KEYS",
    "BrokenReference",
    "ForeignKey",
    "broken_references",
    "key_field",
    "query_of_type",
]


@dataclass(frozen=True)
class ForeignKey:
    """``query.field`` names a record of ``target`` (when ``owner_field`` equals ``owner_type``)."""

    query: str
    field: str
    target: str
    owner_field: str | None = None
    owner_type: str | None = None


# Keys whose entity has no relation field for them in the real schema.
UNRELATED_KEYS: tuple[ForeignKey, ...] = (
    ForeignKey("payments", "user_id", "users"),
    ForeignKey("tickets", "company_id", "companies"),
)


# (list query, to-one relation) → the leaf holding its key, where it is not ``<relation>_id``.
# ASSUMPTION (no description says so): an assignment's ``parent_subnet`` is the subnet its
# ``subnet_id`` names; ``subnet`` is taken by the assigned CIDR.
RENAMED_KEYS: dict[tuple[str, str], str] = {("ip_assignments", "parent_subnet"): "subnet_id"}


def key_field(query: str, relation: str) -> str:
    """The leaf of ``query``'s entity that holds the key of its to-one ``relation``."""
    return RENAMED_KEYS.get((query, relation), f"{relation}_id")


def query_of_type() -> dict[str, str]:
    """Served entity type name → its list query (``Account`` → ``accounts``)."""
    return {entity_type(query).name: query for query in SERVED_QUERIES}


def _keys_of(query: str, served: dict[str, str]) -> Iterator[ForeignKey]:
    entity, leaves = entity_type(query), set(entity_fields(query))
    for name, field in entity.fields.items():
        key = key_field(query, name)
        if key not in leaves:
            continue
        target = get_named_type(field.type)
        if isinstance(target, GraphQLObjectType) and target.name in served:
            yield ForeignKey(query, key, served[target.name])
        elif isinstance(target, GraphQLInterfaceType) and f"{name}_type" in leaves:
            owners = get_named_type(entity.fields[f"{name}_type"].type)
            assert isinstance(owners, GraphQLEnumType)
            for owner in owners.values:
                if owner in served:
                    yield ForeignKey(query, f"{name}_id", served[owner], f"{name}_type", owner)


def _all_keys() -> tuple[ForeignKey, ...]:
    served = query_of_type()
    derived = [key for query in SERVED_QUERIES for key in _keys_of(query, served)]
    return (*derived, *UNRELATED_KEYS)


FOREIGN_KEYS: tuple[ForeignKey, ...] = _all_keys()


@dataclass(frozen=True)
class BrokenReference:
    key: ForeignKey
    row: int
    value: int


def broken_references(dataset: Dataset, key: ForeignKey) -> Iterator[BrokenReference]:
    """Rows of ``key.query`` whose ``key.field`` names no record of ``key.target``."""
    table, target = dataset.table(key.query), dataset.table(key.target)
    for row in range(len(table)):
        value = table.value(row, key.field)
        if value is None or target.row_of(value) is not None:
            continue
        if key.owner_field is not None and table.value(row, key.owner_field) != key.owner_type:
            continue
        yield BrokenReference(key, row, value)
