"""Generate ``migrator/sonar/entities.py``: one pydantic model per list query's entity.

~370 fields across 23 entities are too many to type by hand without drift; the
pruned schema already says every name, type and nullability. The generated
module is committed (readable, greppable, type-checked) and
``tests/unit/test_sonar_models.py`` fails when it no longer matches what this
script would write, e.g. after the schema was regenerated.

Run ``python -m migrator.sonar.codegen`` after changing the pruned schema.

Type mapping: see ``migrator.sonar.scalars``. Enums with at most
``MAX_ENUM_VALUES`` values become ``StrEnum`` classes; the huge ones (countries,
US counties, time zones, icons, ...) stay ``str``: listing thousands of names
would help nobody, and a value added by Sonar must not reject a record.
"""

from __future__ import annotations

import argparse
import keyword
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLScalarType,
    get_named_type,
)

from migrator.sonar.scalars import SECRET_FIELDS
from migrator.sonar.schema import LIST_QUERIES, entity_fields, entity_type

__all__ = ["ENTITIES_PATH", "MAX_ENUM_VALUES", "MONEY_FIELDS", "SECRET_FIELDS", "generate"]

ENTITIES_PATH = Path(__file__).with_name("entities.py")
MAX_ENUM_VALUES = 40

SCALAR_TYPES = {
    "Int64Bit": "Int64",
    "Int": "int",
    "Float": "float",
    "Boolean": "bool",
    "ID": "str",
    "String": "str",
    "Text": "str",
    "EmailAddress": "str",
    "URL": "str",
    "HtmlHexColor": "str",
    "Numeric": "str",
    "SubnetScalar": "str",
    "IpRange": "str",
    "MacAddress": "str",
    "Datetime": "Datetime",
    "Date": "Date",
    "Time": "Time",
    "Latitude": "float",
    "Longitude": "float",
    "Geopoint": "Geopoint",
}

# Int fields that hold money (cents), by name; checked against the schema by a test.
MONEY_FIELDS = frozenset(
    {
        "amount",
        "amount_remaining",
        "child_invoice_remaining_due",
        "fee",
        "fractional_fee",
        "next_recurring_charge_amount",
        "price_override",
        "remaining_due",
        "total_debits",
        "total_taxes",
    }
)

HEADER = '''\
"""Pydantic models of the Sonar entities migrator reads. GENERATED: do not edit.

Written by ``python -m migrator.sonar.codegen`` from the pruned schema
(``migrator/sonar/schema.graphql``); a unit test fails when it is stale.
Field order is schema order, as in the fixture format.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, SecretStr

from migrator.sonar.scalars import Cents, Date, Datetime, Geopoint, Int64, SonarEntity, Time

'''


def _class_name(query: str) -> str:
    return entity_type(query).name


def _python_type(
    field_name: str, type_: GraphQLOutputType, enums: dict[str, GraphQLEnumType]
) -> str:
    required = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        item = _python_type(field_name, inner.of_type, enums)
        text = f"list[{item}]"
    else:
        named = get_named_type(inner)
        if isinstance(named, GraphQLEnumType):
            text = named.name if len(named.values) <= MAX_ENUM_VALUES else "str"
            if text != "str":
                enums[named.name] = named
        elif isinstance(named, GraphQLScalarType):
            text = SCALAR_TYPES[named.name]
            if text == "int" and field_name in MONEY_FIELDS:
                text = "Cents"
            if text == "str" and field_name in SECRET_FIELDS:
                text = "SecretStr"
        else:  # pragma: no cover - entity_fields only lists leaves
            raise TypeError(f"not a leaf: {named}")
    return text if required else f"{text} | None"


def _field_line(name: str, annotation: str) -> str:
    optional = annotation.endswith("| None")
    if name.startswith("_") or keyword.iskeyword(name):
        attribute = name.lstrip("_") or name
        default = "None, " if optional else ""
        return f'    {attribute}: {annotation} = Field({default}alias="{name}")'
    return f"    {name}: {annotation}" + (" = None" if optional else "")


def _model(query: str, enums: dict[str, GraphQLEnumType]) -> str:
    entity = entity_type(query)
    docstring = f'    """``{query}``: Sonar ``{entity.name}``."""'
    lines = [f"class {entity.name}(SonarEntity):", docstring, ""]
    for name in entity_fields(query):
        if name == "id":
            continue  # on SonarEntity
        lines.append(_field_line(name, _python_type(name, entity.fields[name].type, enums)))
    return "\n".join(lines)


def _enum(enum: GraphQLEnumType) -> str:
    lines = [f"class {enum.name}(StrEnum):"]
    lines += [f'    {value} = "{value}"' for value in enum.values]
    return "\n".join(lines)


def generate() -> str:
    """The text of ``entities.py`` for the current pruned schema."""
    enums: dict[str, GraphQLEnumType] = {}
    models = [_model(query, enums) for query in LIST_QUERIES]
    names = sorted(_class_name(query) for query in LIST_QUERIES)
    exported = ["ENTITY_MODELS", *sorted([*names, *enums])]
    parts = [HEADER + "__all__ = [\n" + "".join(f'    "{n}",\n' for n in exported) + "]"]
    parts += [_enum(enums[name]) for name in sorted(enums)]
    parts += models
    mapping = "".join(f'    "{q}": {_class_name(q)},\n' for q in LIST_QUERIES)
    parts.append(
        "ENTITY_MODELS: dict[str, type[SonarEntity]] = {\n" + mapping + "}\n"
        '"""The model of each list query\'s entity."""'
    )
    return "\n\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ENTITIES_PATH)
    args = parser.parse_args(argv)
    args.out.write_text(generate(), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
