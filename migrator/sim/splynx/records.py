"""Rows as Splynx answers them, and the OPTIONS answer that describes them.

A record is the row's columns in table order (minus hidden ones such as
``deleted`` and passwords) rendered per ``Column.render`` (ids as numbers,
flags, money and dates as strings), then its array attributes, the endpoint's
computed keys, and ``additional_attributes`` when the entity has any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from migrator.sim.splynx.additional import AdditionalField
from migrator.sim.splynx.columns import Kind
from migrator.sim.splynx.related import read_additional, read_array
from migrator.sim.splynx.resources import Context, Resource, humanize
from migrator.sim.splynx.store import Row
from migrator.sim.splynx.table_layout import Table

__all__ = ["Renderer"]

_OPTION_TYPES = {
    Kind.INT: "integer",
    Kind.DECIMAL: "float",
    Kind.STRING: "string",
    Kind.ENUM: "string",
    Kind.DATE: "date",
    Kind.DATETIME: "datetime",
    Kind.TIME: "string",
}


class Renderer:
    """Renders one endpoint's rows and describes its attributes."""

    def __init__(
        self,
        resource: Resource,
        table: Table,
        titles: dict[str, str],
        additional: Mapping[str, AdditionalField],
        live_options: dict[str, Any] | None,
    ) -> None:
        self.resource = resource
        self.table = table
        self.titles = titles
        self.additional = additional
        self.live_options = live_options
        csv = {a.csv_column for a in resource.arrays.values() if a.csv_column}
        self._columns = [
            c for c in table.columns if c.name not in resource.hidden and c.name not in csv
        ]

    async def render(self, ctx: Context, rows: list[Row]) -> list[dict[str, Any]]:
        rename = self.resource.rename
        records = [
            {rename.get(c.name, c.name): c.render(row.get(c.name)) for c in self._columns}
            for row in rows
        ]
        key = self.table.primary_key[0]
        for name, array in self.resource.arrays.items():
            values = await read_array(ctx.session, array, rows, key)
            for record, value in zip(records, values, strict=True):
                record[name] = value
        await self.resource.behaviour.decorate(ctx, rows, records)
        module = self.resource.af_module
        if module is not None:
            names = list(self.additional)
            extras = await read_additional(ctx.session, module, names, [r[key] for r in rows])
            for record, extra in zip(records, extras, strict=True):
                record["additional_attributes"] = extra
        return records

    def options(self) -> dict[str, Any]:
        """The OPTIONS answer: the live one where recorded, else derived from our fields."""
        attributes = (
            self.live_options["attributes"] if self.live_options else self._derived_attributes()
        )
        answer: dict[str, Any] = {"attributes": attributes}
        if self.resource.af_module is not None:
            answer["additional_attributes"] = [
                spec.options_entry(position)
                for position, spec in enumerate(self.additional.values(), 1)
            ]
        return answer

    def _derived_attributes(self) -> list[dict[str, Any]]:
        required = set(self.resource.required)
        rename = self.resource.rename
        entries = [
            (rename.get(c.name, c.name), c.name, _OPTION_TYPES[c.kind]) for c in self._columns
        ]
        entries += [(name, name, "array") for name in self.resource.arrays]
        entries += [(name, name, "string") for name in self.resource.behaviour.output_keys]
        return [
            {
                "name": shown,
                "title": self.titles.get(source) or self.titles.get(shown) or humanize(shown),
                "type": kind,
                "required": source in required,
            }
            for shown, source, kind in entries
        ]
