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

from collections.abc import Callable, Collection, Mapping
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

from migrator.sim.sonar.scalars import SCALAR_RULES, ScalarError
from migrator.sonar.schema import entity_fields, entity_type

__all__ = ["EntitySpec", "FieldSpec", "Problem", "entity_spec"]

Problem = tuple[str, str] | None  # (field, what is wrong with it)

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
STRINGY = frozenset(
    {
        "String", "ID", "Text", "EmailAddress", "Numeric", "URL", "HtmlHexColor",
        "SubnetScalar", "IpRange", "MacAddress",
    }
)  # fmt: skip


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


def _int64_spelled(value: Any) -> int:
    """An Int64Bit as the API spells it (a string), as a number; ``ScalarError`` otherwise."""
    if (
        type(value) is str
        and 0 < len(value) < 19
        and value.isascii()
        and value.isdigit()
        and (value[0] != "0" or len(value) == 1)
    ):
        return int(value)  # the common case, checked without the regular expression
    if not isinstance(value, str):
        raise ScalarError(f"Int64Bit is spelled as a string, got {value!r}")
    return SCALAR_RULES["Int64Bit"].input(value)  # type: ignore[no-any-return]


def _comparable(type_name: str) -> Callable[[Any], Any]:
    """Parses an API value into its comparable form, refusing what the API would not emit."""
    if type_name == "Int64Bit":
        return _int64_spelled
    if type_name == "Datetime":
        return SCALAR_RULES["Datetime"].input
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

    def key(self, value: Any) -> Any:
        """The comparable form of an API value (``None`` stays ``None``)."""
        return None if value is None else self.comparable(value)


@dataclass(frozen=True)
class EntitySpec:
    """A list query's entity: its fields in schema order."""

    query: str
    type_name: str
    fields: dict[str, FieldSpec]

    def field(self, name: str) -> FieldSpec:
        try:
            return self.fields[name]
        except KeyError:
            raise KeyError(f"{name!r} is not a field of {self.type_name}") from None

    def validator(self, skip: Collection[str] = ()) -> Callable[[Mapping[str, Any]], Problem]:
        """A fast whole-record check: the first ``(field, problem)``, or ``None``.

        Does what ``FieldSpec.validate`` does for every field not in ``skip`` (those
        are left to whoever parses them anyway, e.g. the column builder), with the
        common types reduced to a type test: fixtures of a million lines go through it.
        """
        plain = {"String": str, "ID": str, "Boolean": bool}
        plan = [
            (f.name, f.nullable, None if f.is_list else plain.get(f.type_name), f)
            for f in self.fields.values()
            if f.name not in skip
        ]

        def problem(record: Mapping[str, Any]) -> Problem:
            for name, nullable, kind, spec in plan:
                value = record.get(name)
                if value is None:
                    if nullable:
                        continue
                    return name, "null in a field that is never null"
                if kind is not None:
                    if type(value) is not kind:
                        return name, f"{spec.type_name} cannot represent {value!r}"
                    continue
                try:
                    spec.validate(value)
                except ScalarError as exc:
                    return name, str(exc)
            return None

        return problem


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
