"""Python types for Sonar's scalars, and the base of every generated entity model.

Sonar's custom scalars carry their meaning in the reference schema's
descriptions (stripped from the pruned copy, still binding):

- ``Int64Bit`` "is always output as a string" → parsed to ``int``;
- ``Datetime`` is ISO-8601 with an offset → an aware ``datetime``;
- ``Date`` is ``YYYY-MM-DD`` → ``date``; ``Time`` is a time of day → ``time``;
- ``Numeric`` is "a string that is numeric ... can have leading 0s" → kept ``str``;
- money is an ``Int`` in the smallest currency unit → ``Cents`` (an ``int``);
- ``Geopoint`` ("a geo-point (lat, lon)") has no documented wire shape, so it is
  kept as the JSON value Sonar sent (an assumption nothing downstream relies on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, JsonValue

__all__ = [
    "CENTS",
    "REDACTED",
    "SECRET_FIELDS",
    "Cents",
    "Date",
    "Datetime",
    "Geopoint",
    "Int64",
    "SonarEntity",
    "Time",
    "without_secrets",
]


def _int64(value: Any) -> Any:
    """Accept Sonar's string form (and a JSON integer); refuse floats and booleans."""
    if type(value) is str and value.isdigit():  # the wire's usual form, checked first: it is hot
        return int(value)
    if isinstance(value, bool | float):
        raise ValueError("Int64Bit must be an integer or a string of digits")
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise ValueError(f"Int64Bit must be a string of digits, not {value!r}")
        return int(text)
    return value


Int64 = Annotated[int, BeforeValidator(_int64)]
"""Sonar ``Int64Bit``: sent as a string, held as an ``int``."""


class _Unit(str):
    """Metadata naming a field's unit (visible in ``Model.model_fields[name].metadata``)."""


CENTS = _Unit("cents")
Cents = Annotated[int, CENTS]
"""A money amount in the smallest currency unit, as Sonar keeps it."""

# Text fields that hold a secret, by name: ``SecretStr`` in the generated models (a repr, a
# log line or a JSON dump never shows them) and masked in a rejected entity's raw text.
SECRET_FIELDS = frozenset({"password"})
REDACTED = "[redacted]"


def without_secrets(raw: Any) -> Any:
    """``raw`` (an API entity, nested relations included) with every secret field masked."""
    if isinstance(raw, Mapping):
        return {
            key: REDACTED if key in SECRET_FIELDS and value is not None else without_secrets(value)
            for key, value in raw.items()
        }
    if isinstance(raw, list):
        return [without_secrets(item) for item in raw]
    return raw


Datetime = AwareDatetime
Date = dt.date
Time = dt.time
Geopoint = JsonValue


class SonarEntity(BaseModel):
    """Common ground of every Sonar entity: an id, immutable, unknown keys ignored.

    ``_version`` is not a legal pydantic field name (leading underscore), so the
    generated models call it ``version`` with ``_version`` as its alias.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    id: Int64
