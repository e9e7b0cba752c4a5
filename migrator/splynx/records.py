"""Typed views of what Splynx answers: records, OPTIONS listings, the API check.

Records differ per endpoint and carry additional attributes, so ``SplynxRecord``
types what every record shares (``id``, ``additional_attributes``) and keeps
the rest as Splynx sent it (strings for enum flags, numbers for ids).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["ApiCheck", "AttributeInfo", "Created", "EntityOptions", "SplynxRecord", "SplynxRow"]


class SplynxRow(BaseModel):
    """A row keyed by another record's id (a customer's info, its billing): no id of its own."""

    model_config = ConfigDict(extra="allow", frozen=True)

    def fields(self) -> dict[str, Any]:
        """Every field, as sent."""
        return self.model_dump()


class SplynxRecord(BaseModel):
    """One record as Splynx returned it; other fields via ``record["name"]``."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: int
    additional_attributes: dict[str, Any] = Field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        if name in type(self).model_fields:
            return getattr(self, name)
        return (self.model_extra or {})[name]

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def fields(self) -> dict[str, Any]:
        """Every field, as sent (``additional_attributes`` included)."""
        return self.model_dump()

    @model_validator(mode="before")
    @classmethod
    def _list_additional(cls, data: Any) -> Any:
        """Splynx sends an empty PHP array as ``[]`` where an object is meant."""
        if isinstance(data, dict) and data.get("additional_attributes") in ([], None):
            data = {**data, "additional_attributes": {}}
        return data


class CustomerBalance(BaseModel):
    """A customer's billing row as far as its balance goes (``deposit``, owing < 0)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    customer_id: int
    deposit: Decimal


class AttributeInfo(BaseModel):
    """One attribute in an OPTIONS answer (additional fields carry more keys)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    title: str = ""
    type: str = ""
    required: bool = False


class EntityOptions(BaseModel):
    """An OPTIONS answer: the live shape ``{attributes, additional_attributes}``.

    The blueprint documents a bare array instead; that is read as attributes only.
    ``additional_attributes`` is None when the entity has no additional fields at all.
    """

    attributes: list[AttributeInfo]
    additional_attributes: list[AttributeInfo] | None = None

    @model_validator(mode="before")
    @classmethod
    def _blueprint_array(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"attributes": data}
        return data

    def has_additional(self, name: str) -> bool:
        return any(a.name == name for a in self.additional_attributes or [])

    def required(self) -> list[str]:
        return [a.name for a in self.attributes if a.required]


class ApiCheck(BaseModel):
    """``GET admin/api/check``: ``{"status":"ok","message":"API is valid","same_server":0}``."""

    status: str
    message: str = ""
    same_server: bool | int = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class Created(BaseModel):
    """The outcome of a create-once: the Splynx id, and whether it already existed."""

    model_config = ConfigDict(frozen=True)

    id: int
    adopted: bool = False
