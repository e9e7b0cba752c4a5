"""One MySQL column of a Splynx table: what it accepts, how it is stored, how it is shown.

Splynx is a Yii2 application on MySQL, so a value sent through the API is
checked the way Yii2's validators check it (an integer column wants digits, a
``varchar(32)`` at most 32 characters, an ``enum`` one of its members), stored
as MySQL would store it, and answered as Splynx answers it (reference §2.7):
integers as JSON numbers, everything else (decimals, enum flags, dates) as
strings, e.g. ``"is_active": "1"``, ``"price": "10.0000"``,
``"date_add": "2024-01-31"``.

Error texts are Yii2's stock messages with ``{label}`` standing for the
attribute's title (the OPTIONS ``title``), e.g. "Portal login should contain at
most 128 characters." (assumption: the real texts were never recorded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

__all__ = ["CURRENT_TIMESTAMP", "Column", "Invalid", "Kind", "quote_identifier"]

CURRENT_TIMESTAMP = "CURRENT_TIMESTAMP"
ZERO_DATE = "0000-00-00"
ZERO_DATETIME = "0000-00-00 00:00:00"

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")
_NUMBER = re.compile(r"^\s*[-+]?\d*\.?\d+([eE][-+]?\d+)?\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}$")
_TEXT_LENGTH = {"tinytext": 255, "text": 65535, "mediumtext": 16777215, "longtext": 4294967295}
_INT_MAX = {"tinyint": 127, "smallint": 32767, "mediumint": 8388607, "int": 2147483647}


class Kind(StrEnum):
    INT = "int"
    DECIMAL = "decimal"
    STRING = "string"
    ENUM = "enum"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"


class Invalid(ValueError):
    """A value a column refuses; the message has ``{label}`` for the attribute title."""


def quote_identifier(name: str) -> str:
    """Backtick-quote a table or column name from the static catalog (never from a request)."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return f"`{name}`"


@dataclass(frozen=True)
class Column:
    """A column as ``splynx_tables.json`` describes it (field, type, null, default, extra)."""

    name: str
    sql_type: str
    nullable: bool = False
    default: str | None = None
    auto_increment: bool = False
    kind: Kind = field(init=False)
    length: int | None = field(init=False, default=None)
    choices: tuple[str, ...] = field(init=False, default=())
    unsigned: bool = field(init=False, default=False)
    scale: int = field(init=False, default=0)
    maximum: int | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        quote_identifier(self.name)
        for key, value in _parse_type(self.sql_type).items():
            object.__setattr__(self, key, value)

    @classmethod
    def from_reference(cls, spec: list[Any]) -> Column:
        """Build from a ``[field, type, nullable, default, extra]`` row of reference.json."""
        name, sql_type, nullable, default, extra = spec
        return cls(name, sql_type, bool(nullable), default, "auto_increment" in extra)

    # --- input ---------------------------------------------------------------

    def check(self, value: Any) -> Any:
        """The stored form of an API value, or ``Invalid`` with Yii2's message."""
        checker = _CHECKERS[self.kind]
        return checker(self, value)

    def blank(self, now: datetime) -> Any:
        """What MySQL stores when an insert leaves this column out (non-strict fill-in)."""
        if self.default == CURRENT_TIMESTAMP:
            return now.strftime("%Y-%m-%d %H:%M:%S")
        if self.default is not None:
            return int(self.default) if self.kind is Kind.INT else self.default
        if self.nullable or self.auto_increment:
            return None
        return _ZERO[self.kind](self)

    # --- output --------------------------------------------------------------

    def render(self, value: Any) -> Any:
        """The JSON value Splynx answers for a stored value."""
        if value is None:
            return None
        if self.kind is Kind.INT:
            return int(value)
        return str(value)

    # --- DDL -----------------------------------------------------------------

    def ddl(self) -> str:
        """The column's definition inside CREATE TABLE (static catalog text only)."""
        parts = [
            quote_identifier(self.name),
            self.sql_type,
            "NULL" if self.nullable else "NOT NULL",
        ]
        if self.auto_increment:
            parts.append("AUTO_INCREMENT")
        elif self.default == CURRENT_TIMESTAMP:
            parts.append("DEFAULT CURRENT_TIMESTAMP")
        elif self.default is not None:
            parts.append("DEFAULT " + _sql_literal(self.default))
        elif self.nullable:
            parts.append("DEFAULT NULL")
        return " ".join(parts)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _parse_type(sql_type: str) -> dict[str, Any]:
    text = sql_type.lower().strip()
    base = re.match(r"^[a-z]+", text)
    if base is None:
        raise ValueError(f"unknown column type {sql_type!r}")
    name = base.group(0)
    unsigned = "unsigned" in text
    if name in {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}:
        top = _INT_MAX.get("int" if name == "integer" else name)
        maximum = None if top is None else (2 * top + 1 if unsigned else top)
        return {"kind": Kind.INT, "unsigned": unsigned, "maximum": maximum}
    if name == "decimal":
        precision, scale = (int(x) for x in re.findall(r"\d+", text)[:2])
        return {"kind": Kind.DECIMAL, "unsigned": unsigned, "scale": scale, "length": precision}
    if name in {"varchar", "char"}:
        return {"kind": Kind.STRING, "length": int(re.findall(r"\d+", text)[0])}
    if name in _TEXT_LENGTH:
        return {"kind": Kind.STRING, "length": _TEXT_LENGTH[name]}
    if name == "enum":
        return {"kind": Kind.ENUM, "choices": tuple(re.findall(r"'((?:[^']|'')*)'", sql_type))}
    if name in {"date", "datetime", "time"}:
        return {"kind": Kind(name)}
    if name == "timestamp":
        return {"kind": Kind.DATETIME}
    raise ValueError(f"unknown column type {sql_type!r}")


def _check_int(column: Column, value: Any) -> int:
    if isinstance(value, bool):
        number = int(value)
    elif isinstance(value, int):
        number = value
    elif _integral(value):
        number = int(value)
    else:
        raise Invalid("{label} must be an integer.")
    if column.unsigned and number < 0:
        raise Invalid("{label} must be no less than 0.")
    if column.maximum is not None and number > column.maximum:
        raise Invalid("{label} must be no greater than " + str(column.maximum) + ".")
    return number


def _integral(value: Any) -> bool:
    """A float with no fraction, or a string of digits (Yii2's integer pattern)."""
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and bool(_INTEGER.match(value))


def _check_decimal(column: Column, value: Any) -> str:
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise Invalid("{label} must be a number.") from None
    else:
        raise Invalid("{label} must be a number.")
    if column.unsigned and number < 0:
        raise Invalid("{label} must be no less than 0.")
    limit = Decimal(10) ** ((column.length or 19) - column.scale)
    if abs(number) >= limit:
        raise Invalid("{label} must be no greater than " + str(limit - 1) + ".")
    return f"{number:.{column.scale}f}"


def _check_string(column: Column, value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("{label} must be a string.")
    if column.length is not None and len(value) > column.length:
        unit = "character" if column.length == 1 else "characters"
        raise Invalid("{label} should contain at most " + f"{column.length:,} {unit}.")
    return value


def _check_enum(column: Column, value: Any) -> str:
    if isinstance(value, bool):
        value = "1" if value else "0"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if not isinstance(value, str) or value not in column.choices:
        raise Invalid("{label} is invalid.")
    return value


def _check_date(column: Column, value: Any) -> str:
    valid = isinstance(value, str) and bool(_DATE.match(value))
    if valid and (value == ZERO_DATE or _parses(value, "%Y-%m-%d")):
        return str(value)
    raise Invalid("The format of {label} is invalid.")


def _check_datetime(column: Column, value: Any) -> str:
    valid = isinstance(value, str) and bool(_DATETIME.match(value))
    if valid and (value == ZERO_DATETIME or _parses(value, "%Y-%m-%d %H:%M:%S")):
        return str(value)
    raise Invalid("The format of {label} is invalid.")


def _check_time(column: Column, value: Any) -> str:
    if isinstance(value, str) and _TIME.match(value) and _parses(value, "%H:%M:%S"):
        return value
    raise Invalid("The format of {label} is invalid.")


def _parses(text: str, pattern: str) -> bool:
    try:
        datetime.strptime(text, pattern)
    except ValueError:
        return False
    return True


_CHECKERS = {
    Kind.INT: _check_int,
    Kind.DECIMAL: _check_decimal,
    Kind.STRING: _check_string,
    Kind.ENUM: _check_enum,
    Kind.DATE: _check_date,
    Kind.DATETIME: _check_datetime,
    Kind.TIME: _check_time,
}

_ZERO = {
    Kind.INT: lambda column: 0,
    Kind.DECIMAL: lambda column: f"{Decimal(0):.{column.scale}f}",
    Kind.STRING: lambda column: "",
    Kind.ENUM: lambda column: column.choices[0],
    Kind.DATE: lambda column: ZERO_DATE,
    Kind.DATETIME: lambda column: ZERO_DATETIME,
    Kind.TIME: lambda column: "00:00:00",
}
