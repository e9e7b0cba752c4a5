"""Checking a create or update body the way a Splynx (Yii2) model validates itself.

Order of checks, all problems collected into one 422 answer:

1. each attribute on its own: type, length from the real column size, enum
   members, e-mail format (``columns.Column.check`` for the messages);
2. defaults for a create, then the endpoint's own rules (``Behaviour.prepare``);
3. required attributes ("{label} cannot be blank.", Yii2's text);
4. foreign keys: the value must name a live row ("{label} is invalid.");
5. uniqueness among live rows, additional fields included
   ('{label} "x" has already been taken.').

Unknown attributes. Yii2 silently drops attributes a model does not have; we
answer 422 naming each one instead (assumption, deliberately stricter: a
misspelt marker field must never vanish without a word). What a real Splynx
does with an unknown *additional* attribute is not recorded either: it may drop
it silently, which ``--drop-unknown-attributes`` simulates (``drop_unknown``). Attributes the entity
has but does not let you write (``id``, ``added_by``, totals) are ignored, as
Yii2 ignores unsafe attributes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from migrator.sim.splynx.additional import AdditionalField, check_value, is_blank
from migrator.sim.splynx.columns import Column, Invalid
from migrator.sim.splynx.errors import FieldProblem, ValidationFailed
from migrator.sim.splynx.matching import normalize
from migrator.sim.splynx.query import Condition, Query, php_list
from migrator.sim.splynx.resources import (
    ArrayField,
    Context,
    Payload,
    Reference,
    Resource,
    humanize,
)
from migrator.sim.splynx.store import Row
from migrator.sim.splynx.table_layout import Table

__all__ = ["PayloadValidator"]

# Yii2's EmailValidator (enableIDN false, allowName false): its default pattern, and the
# lengths it checks first (a local part over 64 bytes, an address over 254, is invalid).
_EMAIL = re.compile(
    r"^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
    r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$"
)


class PayloadValidator:
    """Checks bodies for one endpoint; ``check`` returns the payload or raises ValidationFailed."""

    def __init__(
        self,
        resource: Resource,
        table: Table,
        titles: dict[str, str],
        additional: Mapping[str, AdditionalField],
        tables: dict[str, Table],
        *,
        drop_unknown: bool = False,
    ) -> None:
        self.resource = resource
        self.table = table
        self.titles = titles
        self.additional = additional  # live: fields defined later count
        self.drop_unknown = drop_unknown
        self.tables = tables
        ignored = {*resource.readonly, "deleted", *resource.behaviour.output_keys}
        ignored |= set(resource.rename.values())
        self._ignored = frozenset(ignored)

    def label(self, name: str) -> str:
        spec = self.additional.get(name)
        if spec is not None:
            return spec.label
        return self.titles.get(name) or humanize(name)

    def _problem(self, name: str, error: Invalid | str) -> FieldProblem:
        return FieldProblem(name, str(error).replace("{label}", self.label(name)))

    async def check(self, ctx: Context, body: dict[str, Any], current: Row | None) -> Payload:
        payload = Payload()
        problems = [p for key, value in body.items() for p in self._take(key, value, payload)]
        if current is None:
            self._apply_defaults(ctx, payload)
        try:
            await self.resource.behaviour.prepare(ctx, payload, current)
        except ValidationFailed as failure:  # "{label}" in a rule's message: the field's label
            problems.extend(self._problem(p.field, p.message) for p in failure.problems)
        refused = {p.field for p in problems}
        problems.extend(self._required(body, payload, current is None, refused))
        known = {p.field for p in problems}
        problems.extend(p for p in await self._references(ctx, payload) if p.field not in known)
        problems.extend(await self._unique(ctx, payload, current))
        if problems:
            raise ValidationFailed(problems)
        self._settle_nulls(ctx, payload)
        return payload

    # --- one attribute --------------------------------------------------------

    def _take(self, key: str, value: Any, payload: Payload) -> list[FieldProblem]:
        resource = self.resource
        if key == "additional_attributes":
            return self._take_additional(value, payload)
        if key in resource.behaviour.input_keys:
            payload.extra[key] = value
            return []
        array = resource.arrays.get(key)
        if array is not None:
            return self._take_array(key, array, value, payload) if array.writable else []
        column = self.table.by_name.get(key)
        if column is not None and key not in self._ignored:
            try:
                payload.values[key] = self._value(column, value)
            except Invalid as error:
                return [self._problem(key, error)]
            return []
        if key in self._ignored or key in self.table.by_name:
            return []
        return [FieldProblem(key, f'Unknown attribute "{key}".')]

    def _value(self, column: Column, value: Any) -> Any:
        if value is None:
            return None
        if column.name in self.resource.accepts_numbers and isinstance(value, int | float):
            value = str(value) if not isinstance(value, bool) else str(int(value))
        stored = column.check(value)
        allowed = self.resource.choices.get(column.name)
        if allowed is not None and str(stored) not in allowed:
            raise Invalid("{label} is invalid.")
        if column.name in self.resource.emails and stored and not _emails(str(stored)):
            raise Invalid("{label} is not a valid email address.")
        if column.name in self.resource.gps and stored and not _gps(str(stored)):
            raise Invalid("{label} is invalid.")
        return stored

    def _take_array(
        self, key: str, array: ArrayField, value: Any, payload: Payload
    ) -> list[FieldProblem]:
        items = php_list(value)
        if items is None or (array.always_empty and items):
            return [self._problem(key, "{label} is invalid.")]
        try:
            payload.arrays[key] = list(dict.fromkeys(array.element.check(v) for v in items))
        except Invalid:
            return [self._problem(key, "{label} is invalid.")]
        return []

    def _take_additional(self, value: Any, payload: Payload) -> list[FieldProblem]:
        if not isinstance(value, dict):
            return [FieldProblem("additional_attributes", "Additional attributes is invalid.")]
        problems = []
        for name, item in value.items():
            spec = self.additional.get(name)
            if spec is None:
                if not self.drop_unknown:
                    problems.append(FieldProblem(name, f'Unknown additional attribute "{name}".'))
                continue
            try:
                payload.additional[name] = "" if item is None else check_value(spec, item)
            except Invalid as error:
                problems.append(self._problem(name, error))
        return problems

    # --- the record as a whole -------------------------------------------------

    def _apply_defaults(self, ctx: Context, payload: Payload) -> None:
        for name, default in self.resource.defaults.items():
            if payload.values.get(name) is None:
                payload.values[name] = default(ctx) if callable(default) else default

    def _required(
        self, body: dict[str, Any], payload: Payload, creating: bool, refused: set[str]
    ) -> list[FieldProblem]:
        """Blank required attributes (not those already refused for their value)."""
        problems = []
        for name in self.resource.required:
            if not creating and name not in body:
                continue
            value = payload.arrays.get(name) if name in self.resource.arrays else None
            if name not in self.resource.arrays:
                value = payload.values.get(name, payload.extra.get(name))
            if is_blank(value) and name not in refused:
                refused.add(name)
                problems.append(self._problem(name, "{label} cannot be blank."))
        for spec in self.additional.values():
            asked = spec.is_required and (creating or spec.name in payload.additional)
            if asked and is_blank(payload.additional.get(spec.name)):
                problems.append(self._problem(spec.name, "{label} cannot be blank."))
        return problems

    def _settle_nulls(self, ctx: Context, payload: Payload) -> None:
        """A null for a NOT NULL column stores the column's blank (MySQL's non-strict fill-in)."""
        for name, value in payload.values.items():
            column = self.table.by_name[name]
            if value is None and not column.nullable:
                payload.values[name] = column.blank(ctx.now)

    async def _references(self, ctx: Context, payload: Payload) -> list[FieldProblem]:
        problems = []
        for name, reference in self.resource.references.items():
            value = payload.values.get(name)
            if value is not None and not await self._exists(ctx, reference, value):
                problems.append(self._problem(name, "{label} is invalid."))
        for name, array in self.resource.arrays.items():
            if array.references is None:
                continue
            for value in payload.arrays.get(name, []):
                if not await self._exists(ctx, array.references, value):
                    problems.append(self._problem(name, "{label} is invalid."))
                    break
        return problems

    async def _exists(self, ctx: Context, reference: Reference, value: Any) -> bool:
        if reference.zero_ok and value in (0, "0", ""):
            return True
        conditions = [Condition(reference.column, "=", (str(value),))]
        if self.tables[reference.table].soft_delete:
            conditions.append(Condition("deleted", "=", ("0",)))
        query = Query(tuple(conditions), limit=1)
        return await ctx.session.exists(reference.table, query)

    async def _unique(
        self, ctx: Context, payload: Payload, current: Row | None
    ) -> list[FieldProblem]:
        """Values taken by another live record; each value is claimed before it is looked up."""
        key = self.table.primary_key[0]
        others = () if current is None else (Condition(key, "!=", (str(current[key]),)),)
        live = (Condition("deleted", "=", ("0",)),) if self.table.soft_delete else ()
        checks: list[tuple[str, Any, Query]] = []
        for name in self.resource.unique:
            value = payload.values.get(name)
            if not is_blank(value):
                query = Query((Condition(name, "=", (str(value),)), *live, *others), limit=1)
                checks.append((name, value, query))
        module = self.resource.af_module
        for name, value in payload.additional.items():
            if module is not None and self.additional[name].is_unique and not is_blank(value):
                match = ((module, Condition(name, "=", (value,))),)
                checks.append((name, value, Query((*live, *others), match, limit=1)))
        await ctx.session.claim(*(self._claim(name, value) for name, value, _ in checks))
        problems = []
        for name, value, query in checks:
            if await ctx.session.exists(self.table.name, query):
                problems.append(self._problem(name, f'{{label}} "{value}" has already been taken.'))
        return problems

    def _claim(self, name: str, value: Any) -> str:
        """The claim on a value: equal for values MySQL's collation calls equal."""
        column = self.table.by_name.get(name) or _TEXT
        return f"{self.table.name}.{name}={normalize(column, value)}"


_TEXT = Column("value", "text")


def _email(address: str) -> bool:
    local, at, _ = address.rpartition("@")
    if not at or len(local.encode()) > 64 or len(address.encode()) > 254:
        return False
    return _EMAIL.match(address) is not None


def _emails(text: str) -> bool:
    """Every comma-separated address is well-formed (Splynx takes several per field)."""
    return all(_email(part.strip()) for part in text.split(","))


# Assumption: the blueprint gives a customer's gps the format '49.9902794,36.2303893'
# (L2623) and calls a network site's "Valid coordinates" (L6553); what a live Splynx
# does with another value is not recorded. We refuse anything but a latitude in
# [-90, 90] and a longitude in [-180, 180], decimal, comma-separated: the stricter reading.
_GPS = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def _gps(text: str) -> bool:
    found = _GPS.match(text)
    if found is None:
        return False
    latitude, longitude = float(found.group(1)), float(found.group(2))
    return abs(latitude) <= 90 and abs(longitude) <= 180
