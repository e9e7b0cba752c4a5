"""Additional fields (Splynx "additional attributes"): definitions and value checks.

A fresh Splynx has none; an operator creates them per module (reference §2.6),
in the UI or through ``POST admin/config/additional-fields/{module}``
(``config_endpoints.py``). The migration needs one, ``sonar_id`` (unique,
searchable), on customers and both service kinds to mark each record's Sonar
origin: ``MARKER_FIELDS``. The simulator starts as a fresh Splynx does, without
them; ``--marker-fields`` starts it with them (a shortcut for tests and
benchmarks) and ``--additional-field`` defines others.

The definitions of one simulator live in one ``AdditionalFields`` registry,
which the endpoints read on every request, so a field created through the API
is listed by OPTIONS, accepted in bodies and searchable at once.
ASSUMPTION: definitions are kept in the simulator's memory, not in its store
(the reference names no table for them); with ``--db`` a restarted simulator
has only the fields its flags define.

Values are stored as text in ``<module>_values``; a record shows every field
of its module, ``""`` when unset (as the blueprint's example does).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from migrator.sim.splynx.columns import Column, Invalid
from migrator.sim.splynx.tables_inferred import AF_MODULES

__all__ = [
    "MARKER_FIELDS",
    "AdditionalField",
    "AdditionalFields",
    "ModuleFields",
    "check_value",
    "is_blank",
]

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
    readonly: bool = False
    is_add: bool = True
    show_in_list: bool = True
    disabled: bool = False
    hidden: bool = False
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
            "is_add": self.is_add,
            "show_in_list": self.show_in_list,
            "searchable": self.searchable,
            "readonly": self.readonly,
            "disabled": self.disabled,
            "hidden": self.hidden,
            "set_default_value": False,
        }

    def definition(self) -> dict[str, Any]:
        """This field as ``GET admin/config/additional-fields`` lists it (``Additional Field
        Base``: flags as 0/1, lengths as strings, as the blueprint's example shows them)."""
        flags = ("is_required", "is_unique", "is_add", "show_in_list", "searchable", "readonly")
        return {
            "name": self.name,
            "title": self.label,
            "type": self.type,
            "default_value": "",
            "min_length": "",
            "max_length": str(self.max_length),
            **{flag: int(getattr(self, flag)) for flag in flags},
            "disabled": int(self.disabled),
            "hidden": int(self.hidden),
            "decimals": 2,
        }


MARKER_FIELDS: tuple[AdditionalField, ...] = tuple(
    AdditionalField(module=module, name="sonar_id", title="Sonar ID", is_unique=True)
    for module in ("customers", "services_internet", "services_custom", "ticket")
)


class AdditionalFields:
    """Every additional field of one simulator, by module, in the order they were defined."""

    def __init__(self, fields: tuple[AdditionalField, ...] = ()) -> None:
        self._by_module: dict[str, dict[str, AdditionalField]] = {}
        for spec in fields:
            self.add(spec)

    def add(self, spec: AdditionalField) -> None:
        """Define a field; ValueError if its module has one of that name already."""
        fields = self._by_module.setdefault(spec.module, {})
        if spec.name in fields:
            raise ValueError(f'Name "{spec.name}" has already been taken.')
        fields[spec.name] = spec

    def replace(self, spec: AdditionalField) -> None:
        """Change a field's definition (title, flags), keeping its place."""
        self._by_module[spec.module][spec.name] = spec

    def remove(self, module: str, name: str) -> None:
        self._by_module.get(module, {}).pop(name, None)

    def of(self, module: str | None) -> ModuleFields:
        """A live view of one module's fields (empty for an entity without any)."""
        return ModuleFields(self._by_module, module)


class ModuleFields(Mapping[str, AdditionalField]):
    """One module's fields by name, as they are now (a field defined later shows up)."""

    def __init__(self, by_module: dict[str, dict[str, AdditionalField]], module: str | None):
        self._by_module = by_module
        self._module = module

    def _fields(self) -> dict[str, AdditionalField]:
        return self._by_module.get(self._module or "", {})

    def __getitem__(self, name: str) -> AdditionalField:
        return self._fields()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._fields()))

    def __len__(self) -> int:
        return len(self._fields())


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
