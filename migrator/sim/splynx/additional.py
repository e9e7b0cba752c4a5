"""Additional fields (Splynx "additional attributes"): definitions and value checks.

A fresh Splynx has none; an operator creates them per module (reference §2.6).
The migration needs one, ``sonar_id`` (unique, searchable), on customers and
both service kinds to mark each record's Sonar origin, so the simulator defines
those by default. ``--additional-field`` adds others and
``--no-default-additional-fields`` leaves the defaults out, which is how
``migrator check`` is tested against a Splynx missing its marker field.

Values are stored as text in ``<module>_values``; a record shows every field
of its module, ``""`` when unset (as the blueprint's example does).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from migrator.sim.splynx.columns import Column, Invalid
from migrator.sim.splynx.tables_inferred import AF_MODULES

__all__ = ["DEFAULT_ADDITIONAL_FIELDS", "AdditionalField", "check_value", "is_blank"]

FieldType = Literal["string", "integer", "decimal", "date", "datetime", "boolean"]

_CHECK_COLUMNS = {
    "integer": Column("value", "int"),
    "decimal": Column("value", "decimal(19,4)"),
    "date": Column("value", "date"),
    "datetime": Column("value", "datetime"),
    "boolean": Column("value", "enum('0','1')"),
}


class AdditionalField(BaseModel):
    """One additional field of one module, as ``/admin/config/additional-fields`` defines it."""

    module: str
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    title: str = ""
    type: FieldType = "string"
    is_unique: bool = False
    is_required: bool = False
    searchable: bool = True
    max_length: int = 255

    @field_validator("module")
    @classmethod
    def _known_module(cls, module: str) -> str:
        if module not in AF_MODULES:
            raise ValueError(f"unknown module {module!r}; one of: {', '.join(AF_MODULES)}")
        return module

    @property
    def label(self) -> str:
        return self.title or self.name.replace("_", " ").capitalize()

    @classmethod
    def parse(cls, spec: str) -> AdditionalField:
        """Read ``MODULE:NAME[:TYPE][:unique][:required]`` (the ``--additional-field`` flag)."""
        parts = spec.split(":")
        if len(parts) < 2 or not all(parts):
            raise ValueError(f"expected MODULE:NAME[:TYPE][:unique][:required], got {spec!r}")
        module, name, *flags = parts
        values: dict[str, Any] = {"module": module, "name": name}
        for flag in flags:
            if flag in {"unique", "required"}:
                values[f"is_{flag}"] = True
            elif flag in {"string", "integer", "decimal", "date", "datetime", "boolean"}:
                values["type"] = flag
            else:
                raise ValueError(f"unknown option {flag!r} in {spec!r}")
        return cls(**values)

    def options_entry(self, position: int) -> dict[str, Any]:
        """This field in an OPTIONS answer (``Base options with AFs response``)."""
        return {
            "name": self.name,
            "title": self.label,
            "type": self.type,
            "required": self.is_required,
            "module": self.module,
            "category": 0,
            "position": position,
            "decimals": 2,
            "is_unique": self.is_unique,
            "is_add": True,
            "show_in_list": True,
            "searchable": self.searchable,
            "readonly": False,
            "disabled": False,
            "hidden": False,
            "set_default_value": False,
        }


DEFAULT_ADDITIONAL_FIELDS: tuple[AdditionalField, ...] = tuple(
    AdditionalField(module=module, name="sonar_id", title="Sonar ID", is_unique=True)
    for module in ("customers", "services_internet", "services_custom")
)


def check_value(spec: AdditionalField, value: Any) -> str:
    """The stored text of a value, or ``Invalid``. Numbers are accepted for text fields:
    additional fields are kept as text, so an id sent as a number is the same marker."""
    if spec.type == "string":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Invalid("{label} must be a string.")
        text = str(value)
        if len(text) > spec.max_length:
            raise Invalid(f"{{label}} should contain at most {spec.max_length} characters.")
        return text
    return str(_CHECK_COLUMNS[spec.type].check(value))


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []
