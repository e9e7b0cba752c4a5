"""Queries valid on the real Sonar schema, within what the simulator serves, answer in shape.

Each ``sonar_corpus/*.graphql`` document (written the way a client other than ours would:
variables, aliases, named and inline fragments, directives, relations nested both ways,
polymorphic owners) is validated against the real schema, executed by the simulator, and
its answer walked against the *real* schema's types: every selected field present under
its response name and nothing else, objects where the type is an object, lists where it is
a list, ``null`` only where the type allows it, enums among the real values, and custom
scalars spelled as their real descriptions say (``Int64Bit`` as a string, ``Datetime``
ISO-8601 with an offset, ...). Every relation a document selects must come back non-empty
somewhere in its answer, unless the document's ``# empty:`` line names it, so a relation
that silently resolves to nothing fails here.

Header comments: ``# variables: {json}`` and ``# empty: path, path`` (response names
joined by dots, list levels skipped).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionNode,
    VariableNode,
    get_named_type,
    parse,
    validate,
)

from migrator.sim.sonar.generate import generate_dataset
from migrator.sim.sonar.graph import SonarContext, execute_request
from migrator.sim.sonar.listing import Lister
from migrator.sonar.schema import pruned_schema

CORPUS = sorted(Path(__file__).with_name("sonar_corpus").glob("*.graphql"))
ISO_WITH_OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d")


def _date(value: Any) -> bool:
    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _number(low: float, high: float) -> Callable[[Any], bool]:
    return lambda v: type(v) in (int, float) and low <= v <= high


def _matches(pattern: str) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and re.fullmatch(pattern, v) is not None


# Output spellings, from the real schema's scalar descriptions (and GraphQL's own).
SCALARS: dict[str, Callable[[Any], bool]] = {
    "Int": lambda v: type(v) is int and -(2**31) <= v < 2**31,
    "Float": lambda v: type(v) in (int, float),
    "Boolean": lambda v: type(v) is bool,
    "String": lambda v: isinstance(v, str),
    "ID": lambda v: isinstance(v, str),
    "Int64Bit": _matches(r"-?\d{1,19}"),  # "always output as a string"
    "Datetime": lambda v: isinstance(v, str) and ISO_WITH_OFFSET.fullmatch(v) is not None,
    "Date": _date,  # YYYY-MM-DD
    "Time": _matches(r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d"),
    "Numeric": _matches(r"\d+"),  # "can have leading 0s ... output as a string"
    "EmailAddress": _matches(r"[^@\s]+@[^@\s]+"),
    "URL": _matches(r"https?://\S+"),
    "HtmlHexColor": _matches(r"[0-9A-Fa-f]{6}"),
    "SubnetScalar": _matches(r"[0-9A-Fa-f:.]+/\d{1,3}"),
    "Text": lambda v: isinstance(v, str) and len(v) <= 100_000,
    "Latitude": _number(-90, 90),
    "Longitude": _number(-180, 180),
    "Geopoint": _matches(r"-?\d+(\.\d+)?,-?\d+(\.\d+)?"),  # "a geo-point (lat, lon)"
}


def header(text: str, name: str) -> str | None:
    found = re.search(rf"^# {name}: (.*)$", text, re.MULTILINE)
    return found[1] if found else None


class ShapeWalk:
    """Walks one answer along its document against the real schema, collecting problems
    and the relation paths that held something."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Any) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.problems: list[str] = []
        self.relations: set[str] = set()
        self.filled: set[str] = set()

    def check(self, value: Any, type_: Any, selections: list[SelectionNode], path: str) -> None:
        if isinstance(type_, GraphQLNonNull):
            if value is None:
                self.problems.append(f"{path}: null where {type_} is never null")
                return
            type_ = type_.of_type
        if value is None:
            return
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                self.problems.append(f"{path}: {type(value).__name__} where {type_} is a list")
                return
            for item in value:
                self.check(item, type_.of_type, selections, path)
            if value:
                self.filled.add(path)
            return
        if isinstance(type_, GraphQLScalarType):
            check = SCALARS.get(type_.name)
            if check is None or not check(value):
                self.problems.append(f"{path}: {value!r} is not a {type_.name}")
        elif isinstance(type_, GraphQLEnumType):
            if value not in type_.values:
                self.problems.append(f"{path}: {value!r} is not a {type_.name}")
        else:
            self.filled.add(path)
            self.check_object(value, type_, selections, path)

    def check_object(
        self, value: Any, type_: Any, selections: list[SelectionNode], path: str
    ) -> None:
        if not isinstance(value, dict):
            self.problems.append(f"{path}: {type(value).__name__} where {type_} is an object")
            return
        runtime = type_
        if isinstance(type_, GraphQLInterfaceType):
            runtime = self.schema.get_type(str(value.get("__typename")))
            if not isinstance(runtime, GraphQLObjectType) or not self.schema.is_sub_type(
                type_, runtime
            ):
                self.problems.append(f"{path}: {value.get('__typename')!r} is not a {type_}")
                return
        fields = self.collect(runtime, selections, {})
        if set(value) != set(fields):
            self.problems.append(f"{path}: keys {sorted(value)} where {sorted(fields)} asked")
            return
        for name, nodes in fields.items():
            field_name, where = nodes[0].name.value, f"{path}.{name}".lstrip(".")
            if field_name == "__typename":
                if value[name] != runtime.name:
                    self.problems.append(f"{where}: {value[name]!r} is not {runtime.name}")
                continue
            definition = runtime.fields[field_name]
            if isinstance(
                get_named_type(definition.type), GraphQLObjectType | GraphQLInterfaceType
            ):
                self.relations.add(where)
            inner = [
                s for node in nodes if node.selection_set for s in node.selection_set.selections
            ]
            self.check(value[name], definition.type, inner, where)

    def included(self, node: SelectionNode) -> bool:
        """``@skip(if:)`` and ``@include(if:)``, by a literal or a variable."""
        for directive in node.directives or ():
            argument = next(a for a in directive.arguments if a.name.value == "if")
            given = argument.value
            if isinstance(given, VariableNode):
                condition = bool(self.variables[given.name.value])
            else:
                assert isinstance(given, BooleanValueNode)
                condition = given.value
            if condition == (directive.name.value == "skip"):
                return False
        return True

    def applies(self, condition: str | None, runtime: GraphQLObjectType) -> bool:
        if condition is None or condition == runtime.name:
            return True
        named = self.schema.get_type(condition)
        return isinstance(named, GraphQLInterfaceType) and self.schema.is_sub_type(named, runtime)

    def collect(
        self,
        runtime: GraphQLObjectType,
        selections: Iterable[SelectionNode],
        into: dict[str, list[FieldNode]],
    ) -> dict[str, list[FieldNode]]:
        """Response name → field nodes, fragments applying to ``runtime`` merged in."""
        for node in selections:
            if not self.included(node):
                continue
            if isinstance(node, FieldNode):
                into.setdefault((node.alias or node.name).value, []).append(node)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else None
                if self.applies(condition, runtime):
                    self.collect(runtime, node.selection_set.selections, into)
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                if self.applies(fragment.type_condition.name.value, runtime):
                    self.collect(runtime, fragment.selection_set.selections, into)
        return into


@pytest.fixture(scope="module")
def context() -> SonarContext:
    return SonarContext(generate_dataset(320, seed=6), Lister(1_000_000))


def test_the_corpus_reads_every_served_entity() -> None:
    text = " ".join(path.read_text(encoding="utf-8") for path in CORPUS)
    root = pruned_schema().query_type
    assert root is not None
    read = {query for query in root.fields if re.search(rf"\b{query}\b", text)}
    assert len(CORPUS) >= 5 and len(read) >= 20


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_a_query_valid_on_the_real_schema_answers_in_its_shape(
    path: Path, real_sonar_schema: GraphQLSchema, context: SonarContext
) -> None:
    text = path.read_text(encoding="utf-8")
    document = parse(text)
    assert validate(real_sonar_schema, document) == [], "not valid on the real schema"
    variables = json.loads(header(text, "variables") or "{}")
    answer = execute_request({"query": text, "variables": variables}, context)
    assert "errors" not in answer, answer["errors"]
    walk = ShapeWalk(real_sonar_schema, document, variables)
    root = real_sonar_schema.query_type
    operation = next(d for d in document.definitions if not isinstance(d, FragmentDefinitionNode))
    walk.check_object(answer["data"], root, list(operation.selection_set.selections), "")  # type: ignore[attr-defined]
    assert walk.problems == []
    allowed_empty = {p.strip() for p in (header(text, "empty") or "").split(",") if p.strip()}
    assert allowed_empty <= walk.relations, "an # empty: path the document does not select"
    assert walk.relations - walk.filled - allowed_empty == set(), "relations that held nothing"
