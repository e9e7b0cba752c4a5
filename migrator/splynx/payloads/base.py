"""Building blocks of the typed Splynx payloads.

Field types say what Splynx stores, so a payload that validates here fits the
real columns: ``Text(n)`` is a ``varchar(n)`` (MySQL counts characters, as
Python does), ``Money`` a ``decimal(19,4)``, ``Flag`` an ``enum('0','1')`` sent as
the string Splynx itself returns. The transforms truncate to ``field_limits()``
before they build a payload, so a length error here means a transform bug.

Passwords are ``Secret128`` / ``Secret512``: pydantic ``SecretStr`` values that
print as ``**********`` (in a repr, a log line, a traceback) and reach the wire
only through ``body()``. ``redacted()`` is the body to keep anywhere else (a
reject, a report): secret fields keep their name, not their value.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    StringConstraints,
)

__all__ = [
    "REDACTED",
    "AdditionalAttributes",
    "Date",
    "DateTime",
    "Flag",
    "Id",
    "Money",
    "Percent",
    "Secret128",
    "Secret512",
    "SplynxPayload",
    "Str16",
    "Str32",
    "Str50",
    "Str64",
    "Str128",
    "Str255",
    "Str256",
    "Str512",
    "field_limits",
]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def _as_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _as_datetime(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def _as_flag(value: object) -> object:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int) and value in (0, 1):
        return str(value)
    return value


# Splynx dates: "YYYY-MM-DD"; "0000-00-00" (no date, e.g. an endless service) is allowed.
Date = Annotated[str, BeforeValidator(_as_date), StringConstraints(pattern=_DATE.pattern)]
DateTime = Annotated[
    str, BeforeValidator(_as_datetime), StringConstraints(pattern=_DATETIME.pattern)
]
Flag = Annotated[Literal["0", "1"], BeforeValidator(_as_flag)]
Id = Annotated[int, Field(ge=0)]
# decimal(19,4); sent as a JSON number (exact for 4 decimals below 1e11).
Money = Annotated[
    Decimal,
    Field(max_digits=19, decimal_places=4),
    PlainSerializer(float, return_type=float, when_used="json"),
]
Percent = Annotated[
    Decimal,
    Field(ge=0, max_digits=10, decimal_places=4),
    PlainSerializer(float, return_type=float, when_used="json"),
]
# varchar(n) columns, named by their size.
Str16 = Annotated[str, StringConstraints(max_length=16)]
Str32 = Annotated[str, StringConstraints(max_length=32)]
Str50 = Annotated[str, StringConstraints(max_length=50)]
Str64 = Annotated[str, StringConstraints(max_length=64)]
Str128 = Annotated[str, StringConstraints(max_length=128)]
Str255 = Annotated[str, StringConstraints(max_length=255)]
Str256 = Annotated[str, StringConstraints(max_length=256)]
Str512 = Annotated[str, StringConstraints(max_length=512)]
AdditionalAttributes = dict[str, str | int | float | bool | None]
REDACTED = "***"


def _reveal(value: SecretStr) -> str:
    return value.get_secret_value()


# A password in a varchar(n) column: hidden everywhere but the JSON body sent to Splynx.
Secret128 = Annotated[
    SecretStr,
    StringConstraints(max_length=128),
    PlainSerializer(_reveal, return_type=str, when_used="json"),
]
Secret512 = Annotated[
    SecretStr,
    StringConstraints(max_length=512),
    PlainSerializer(_reveal, return_type=str, when_used="json"),
]


class SplynxPayload(BaseModel):
    """A request body for one Splynx endpoint: unknown fields are refused, not dropped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    def body(self) -> dict[str, Any]:
        """The JSON body: Splynx's field names, unset (None) fields left out.

        It holds passwords in clear: send it, never keep or log it (``redacted()``).
        """
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    @classmethod
    def secret_fields(cls) -> frozenset[str]:
        """Splynx's names of the fields holding secrets (passwords)."""
        return frozenset(
            info.alias or name
            for name, info in cls.model_fields.items()
            if _holds_secret(info.annotation)
        )

    def secrets(self) -> list[str]:
        """The secret values this payload carries (to scrub from an answer quoting them)."""
        body = self.body()
        return [str(body[name]) for name in self.secret_fields() if body.get(name)]

    def redacted(self) -> dict[str, Any]:
        """The body safe to keep in a reject, a report or a log: secrets as ``***``."""
        body = self.body()
        return {k: (REDACTED if k in self.secret_fields() else v) for k, v in body.items()}


def _holds_secret(annotation: object) -> bool:
    if annotation is SecretStr:
        return True
    return any(_holds_secret(arg) for arg in get_args(annotation))


def _max_length(annotation: object) -> int | None:
    """The ``max_length`` inside an annotation such as ``Str32 | None``."""
    for meta in getattr(annotation, "__metadata__", ()):
        if getattr(meta, "max_length", None) is not None:
            return int(meta.max_length)
    for arg in get_args(annotation):
        found = _max_length(arg)
        if found is not None:
            return found
    return None


def field_limits(model: type[BaseModel]) -> dict[str, int]:
    """Maximum length per field (by Splynx's name) where the column size is known."""
    limits: dict[str, int] = {}
    for name, info in model.model_fields.items():
        found = next(
            (m.max_length for m in info.metadata if getattr(m, "max_length", None) is not None),
            None,
        )
        if found is None:
            found = _max_length(info.annotation)
        if found is not None:
            limits[info.alias or name] = found
    return limits
