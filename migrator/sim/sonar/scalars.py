"""Sonar's custom scalars, behaving as the reference schema's descriptions say.

The pruned schema keeps the scalar names but (like every type) loses its
descriptions; the behaviour they describe still binds. Each rule below
quotes the description it implements. Every rule has two halves:

- ``output``: what the API emits. It accepts the value already in its API
  spelling (generated records and fixture lines are held that way) or the
  natural Python value, checks it, and returns the API spelling.
- ``input``: what the API accepts in variables and literals, and the value
  the resolvers receive (``Int64Bit`` → ``int``, ``Datetime`` → an instant in
  microseconds, ``Date`` → ``YYYY-MM-DD``, others a canonical string or
  number). Anything else is refused with a message naming the scalar.

Where a description is silent on a spelling, the choice is marked
ASSUMPTION; clients must not depend on those choices.

graphql-core 3.3 renamed serialize/parse_value/parse_literal to
``coerce_output_value`` / ``coerce_input_value`` / ``coerce_input_literal``
(the old names warn); ``install_scalars`` sets the new ones.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from graphql import GraphQLError, GraphQLScalarType, GraphQLSchema, ValueNode
from graphql.utilities import value_from_ast_untyped

from migrator.sim.sonar.instance_time import instant_to_iso, iso_to_instant, to_instant

__all__ = ["SCALAR_RULES", "ScalarRule", "install_scalars"]

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
TEXT_MAX = 100_000

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?")
# ASSUMPTION: "user@domain format": one @, no spaces, a dot in the domain.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DIGITS = re.compile(r"[0-9]+")
_HEX6 = re.compile(r"[0-9A-Fa-f]{6}")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


class ScalarError(ValueError):
    """A value a scalar cannot represent; the message says why."""


def _refuse(scalar: str, value: Any, why: str) -> ScalarError:
    return ScalarError(f"{scalar} cannot represent {value!r}: {why}")


def _int64(value: Any) -> int:
    """Int64Bit: "non-fractional signed whole numeric values between -(2^63) and 2^63 - 1"."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _refuse("Int64Bit", value, "expected a whole number, as an integer or a string")
    if isinstance(value, str):
        if not _INTEGER.fullmatch(value):
            raise _refuse("Int64Bit", value, "not a whole number")
        value = int(value)
    if not INT64_MIN <= value <= INT64_MAX:
        raise _refuse("Int64Bit", value, "outside -(2^63) .. 2^63 - 1")
    return value


def _int64_output(value: Any) -> str:
    """ "Anything with this type is always output as a string"."""
    return str(_int64(value))


def _datetime_input(value: Any) -> int:
    """Datetime: "A date and time string, in ISO8601 format (e.g. 2017-01-01T12:33:12+04:00)".

    ASSUMPTION: the offset is required on input (a bare local time is ambiguous).
    """
    if not isinstance(value, str) or "T" not in value:
        raise _refuse("Datetime", value, "expected an ISO-8601 date and time with an offset")
    try:
        return iso_to_instant(value)
    except ValueError as exc:
        raise _refuse("Datetime", value, str(exc)) from None


def _datetime_output(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise _refuse("Datetime", value, "no UTC offset")
        return instant_to_iso(to_instant(value))
    _datetime_input(value)
    return str(value)


def _date(value: Any) -> str:
    """Date: "A date in YYYY-MM-DD format (e.g. 2017-01-01)"."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _refuse("Date", value, "expected YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise _refuse("Date", value, "no such day") from None
    return value


def _time(value: Any) -> str:
    """Time: "Time of day". ASSUMPTION: spelled HH:MM:SS (HH:MM accepted on input)."""
    if isinstance(value, time):
        return value.replace(microsecond=0).isoformat()
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise _refuse("Time", value, "expected a time of day as HH:MM:SS")
    return value if len(value) == 8 else value + ":00"


def _degrees(scalar: str, limit: float) -> Callable[[Any], float]:
    """Latitude / Longitude: "A geographical latitude/longitude".

    ASSUMPTION: a JSON number of decimal degrees, within ±90 / ±180.
    """

    def coerce(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _refuse(scalar, value, "expected a number of decimal degrees")
        if not math.isfinite(value) or abs(value) > limit:
            raise _refuse(scalar, value, f"outside -{limit:g} .. {limit:g}")
        return float(value)

    return coerce


def _geopoint(value: Any) -> str:
    """Geopoint: "A geo-point (lat, lon)". ASSUMPTION: the string ``"lat,lon"``."""
    if not isinstance(value, str) or value.count(",") != 1:
        raise _refuse("Geopoint", value, 'expected "latitude,longitude"')
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        raise _refuse("Geopoint", value, "latitude and longitude must be numbers") from None
    if abs(lat) > 90 or abs(lon) > 180:
        raise _refuse("Geopoint", value, "latitude or longitude out of range")
    return value


def _matching(scalar: str, pattern: re.Pattern[str], why: str) -> Callable[[Any], str]:
    def coerce(value: Any) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise _refuse(scalar, value, why)
        return value

    return coerce


def _numeric(value: Any) -> str:
    """Numeric: "A string that is numeric ... can have leading 0s, and it is output as a string".

    ASSUMPTION: digits only; an integer input is taken as its digits.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return _matching("Numeric", _DIGITS, "expected a string of digits")(value)


def _subnet(value: Any) -> str:
    """SubnetScalar: "An IPv4 or IPv6 subnet represented using CIDR notation"."""
    if not isinstance(value, str) or "/" not in value:
        raise _refuse("SubnetScalar", value, "expected CIDR notation, e.g. 192.0.2.10/32")
    try:
        ipaddress.ip_interface(value)
    except ValueError as exc:
        raise _refuse("SubnetScalar", value, str(exc)) from None
    return value


def _ip_range(value: Any) -> str:
    """IpRange: "A range of IPv4 addresses, represented as "x.x.x.x-y.y.y.y"".

    ASSUMPTION: the first address is not above the second (a range, not a wrap-around).
    """
    if not isinstance(value, str) or value.count("-") != 1:
        raise _refuse("IpRange", value, 'expected "x.x.x.x-y.y.y.y"')
    try:
        first, last = (ipaddress.IPv4Address(part) for part in value.split("-"))
    except ValueError as exc:
        raise _refuse("IpRange", value, str(exc)) from None
    if first > last:
        raise _refuse("IpRange", value, "the first address is above the last")
    return value


# ASSUMPTION: "A MAC address." is spelled as six colon-separated pairs of hex digits
# (AA:BB:CC:DD:EE:FF), the spelling Sonar's own UI shows; either case is accepted.
_MAC = re.compile(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}")


def _text(value: Any) -> str:
    """Text: "A string with a maximum length of 100000 characters"."""
    if not isinstance(value, str):
        raise _refuse("Text", value, "expected a string")
    if len(value) > TEXT_MAX:
        raise _refuse("Text", f"{value[:20]}...", f"longer than {TEXT_MAX} characters")
    return value


@dataclass(frozen=True)
class ScalarRule:
    """How one custom scalar is emitted and accepted."""

    name: str
    output: Callable[[Any], Any]
    input: Callable[[Any], Any]

    def coerce_output(self, value: Any) -> Any:
        try:
            return self.output(value)
        except ScalarError as exc:
            raise GraphQLError(str(exc)) from None

    def coerce_input(self, value: Any) -> Any:
        try:
            return self.input(value)
        except ScalarError as exc:
            raise GraphQLError(str(exc)) from None

    def coerce_literal(self, node: ValueNode) -> Any:
        # A plain exception lets graphql-core report "Expected value of type ..." with
        # the literal's location; ScalarError carries our reason into that message.
        return self.input(value_from_ast_untyped(node))


def _same(name: str, coerce: Callable[[Any], Any]) -> ScalarRule:
    return ScalarRule(name, coerce, coerce)


_EMAIL_RULE = _matching("EmailAddress", _EMAIL, "expected user@domain")
_COLOR_RULE = _matching("HtmlHexColor", _HEX6, "expected 6 hexadecimal characters, e.g. 1F6FEB")
_URL_RULE = _matching("URL", _URL, "expected a URL beginning with http:// or https://")

SCALAR_RULES: dict[str, ScalarRule] = {
    rule.name: rule
    for rule in (
        ScalarRule("Int64Bit", _int64_output, _int64),
        ScalarRule("Datetime", _datetime_output, _datetime_input),
        _same("Date", _date),
        _same("Time", _time),
        _same("Geopoint", _geopoint),
        _same("EmailAddress", _EMAIL_RULE),
        _same("Numeric", _numeric),
        _same("Latitude", _degrees("Latitude", 90.0)),
        _same("Longitude", _degrees("Longitude", 180.0)),
        # "A 6 character hexadecimal color code for HTML": six characters, so no '#'.
        _same("HtmlHexColor", _COLOR_RULE),
        _same("URL", _URL_RULE),
        _same("SubnetScalar", _subnet),
        _same("Text", _text),
        _same("IpRange", _ip_range),
        _same("MacAddress", _matching("MacAddress", _MAC, "expected AA:BB:CC:DD:EE:FF")),
    )
}


def install_scalars(schema: GraphQLSchema) -> None:
    """Give every custom scalar of ``schema`` its Sonar behaviour; refuse unknown ones."""
    builtin = {"String", "Int", "Float", "Boolean", "ID"}
    for name, named in schema.type_map.items():
        if not isinstance(named, GraphQLScalarType) or name in builtin:
            continue
        rule = SCALAR_RULES.get(name)
        if rule is None:
            raise LookupError(f"scalar {name} has no Sonar behaviour in the simulator")
        named.coerce_output_value = rule.coerce_output  # type: ignore[method-assign]
        named.coerce_input_value = rule.coerce_input  # type: ignore[method-assign]
        named.coerce_input_literal = rule.coerce_literal
