"""What each list query's entity looks like, field by field, read from the pruned schema.

The fixture loader checks lines against it, the search and sort code compares
values through it, and the generator's tests check its records against it,
so all three agree on one definition of a field: its GraphQL type, whether
it may be null, how its API spelling is checked, and how two values compare.

Comparable forms: ``Int64Bit`` → ``int``, ``Datetime`` → microsecond instant,
everything else as spelled by the API (``Date`` as ``YYYY-MM-DD`` and
``Time`` as ``HH:MM:SS`` sort correctly as strings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)

from migrator.sim.sonar.instance_time import iso_to_instant
from migrator.sim.sonar.scalars import SCALAR_RULES, ScalarError
from migrator.sonar.schema import entity_fields, entity_type

__all__ = ["EntitySpec", "FieldSpec", "entity_spec"]

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
STRINGY = frozenset(
    {"String", "ID", "Text", "EmailAddress", "Numeric", "URL", "HtmlHexColor", "SubnetScalar"}
)


def _check_builtin(type_name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if type_name == "Boolean":
            ok = isinstance(value, bool)
        elif type_name == "Int":
            ok = isinstance(value, int) and not isinstance(value, bool)
            ok = ok and INT32_MIN <= value <= INT32_MAX
        elif type_name == "Float":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        else:  # String, ID
            ok = isinstance(value, str)
        if not ok:
            raise ScalarError(f"{type_name} cannot represent {value!r}")
        return value

    return check


def _check_enum(enum: GraphQLEnumType) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in enum.values:
            raise ScalarError(f"{enum.name} has no value {value!r}")
        return value

    return check


def _comparable(type_name: str) -> Callable[[Any], Any]:
    if type_name == "Int64Bit":
        return int
    if type_name == "Datetime":
        return iso_to_instant
    return lambda value: value


@dataclass(frozen=True)
class FieldSpec:
    """One scalar or enum field of an entity."""

    name: str
    type_name: str
    nullable: bool
    is_list: bool
    is_enum: bool
    check: Callable[[Any], Any]
    comparable: Callable[[Any], Any]
    choices: tuple[str, ...] = ()  # an enum's values, in schema order
    codes: Mapping[str, int] = field(default_factory=dict)  # value → position in choices

    def validate(self, value: Any) -> None:
        """Raise ``ScalarError`` unless ``value`` is how the API would spell this field."""
        if value is None:
            if not self.nullable:
                raise ScalarError("null in a field that is never null")
            return
        if self.is_list:
            if not isinstance(value, list):
                raise ScalarError(f"expected a list of {self.type_name}")
            for item in value:
                if item is not None:
                    self.check(item)
            return
        self.check(value)
        if self.type_name == "Int64Bit" and not isinstance(value, str):
            raise ScalarError("Int64Bit is spelled as a string")

    def code(self, value: str) -> int:
        """An enum value's position in ``choices`` (for compact columns)."""
        return self.codes[value]

    def key(self, value: Any) -> Any:
        """The comparable form of an API value (``None`` stays ``None``)."""
        return None if value is None else self.comparable(value)


@dataclass(frozen=True)
class EntitySpec:
    """A list query's entity: its fields in schema order."""

    query: str
    type_name: str
    fields: dict[str, FieldSpec]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.fields)

    def field(self, name: str) -> FieldSpec:
        try:
            return self.fields[name]
        except KeyError:
            raise KeyError(f"{name!r} is not a field of {self.type_name}") from None


def _field_spec(name: str, gql_type: Any) -> FieldSpec:
    nullable = not isinstance(gql_type, GraphQLNonNull)
    inner = gql_type.of_type if isinstance(gql_type, GraphQLNonNull) else gql_type
    named = get_named_type(gql_type)
    if isinstance(named, GraphQLEnumType):
        check = _check_enum(named)
    elif isinstance(named, GraphQLScalarType) and named.name in SCALAR_RULES:
        check = SCALAR_RULES[named.name].output
    else:
        check = _check_builtin(named.name)
    choices = tuple(named.values) if isinstance(named, GraphQLEnumType) else ()
    return FieldSpec(
        name=name,
        type_name=named.name,
        nullable=nullable,
        is_list=isinstance(inner, GraphQLList),
        is_enum=isinstance(named, GraphQLEnumType),
        check=check,
        comparable=_comparable(named.name),
        choices=choices,
        codes={value: position for position, value in enumerate(choices)},
    )


@cache
def entity_spec(query: str) -> EntitySpec:
    """The spec of a list query's entity (``accounts`` → ``Account``)."""
    entity = entity_type(query)
    fields = {name: _field_spec(name, entity.fields[name].type) for name in entity_fields(query)}
    return EntitySpec(query, entity.name, fields)
