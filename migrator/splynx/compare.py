"""One expected payload against one Splynx record, field by field (pure).

Splynx answers in its own spellings: numbers as strings (``"10.0000"``),
flags as ``"0"``/``"1"``, an empty PHP array for an empty object. ``same``
forgives exactly those, so a difference it reports is a difference in value.
Secret fields (passwords) are compared but never shown: both sides read ``***``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = [
    "UNRETURNED",
    "FieldDiff",
    "differing_part",
    "field_differences",
    "same",
    "unreturned_fields",
]

HIDDEN = "***"

# Per endpoint, the fields Splynx does not give back as they were sent (what a comparison
# of a record read back must leave out; ``items.x`` is a field of each row of ``items``).
UNRETURNED: dict[str, frozenset[str]] = {
    # needCreateIps asks Splynx to make the network's IP rows on create; it is an
    # instruction, not a column, and is never given back
    "ipv4_networks": frozenset({"needCreateIps"}),
    # an item's categoryIdForTransaction picks the category of the transaction Splynx
    # books for it; it is not a column of the item and is never given back
    "invoices": frozenset({"items.categoryIdForTransaction"}),
    # a password is kept hashed and never answered (the blueprint's GET lists no password)
    "administrators": frozenset({"password"}),
    # a ticket's first message is created with it and listed among the messages, not on
    # the ticket; and each message added moves the ticket's updated_at to its own time
    "tickets": frozenset({"message", "updated_at"}),
}


def unreturned_fields(endpoint: str) -> frozenset[str]:
    """The fields Splynx does not give back as sent at ``endpoint``."""
    return UNRETURNED.get(endpoint, frozenset())


@dataclass(frozen=True)
class FieldDiff:
    """One mapped field whose value in Splynx is not what the transform makes."""

    field: str
    expected: Any
    actual: Any


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def same(expected: Any, actual: Any) -> bool:
    """Whether Splynx's ``actual`` holds ``expected`` (in Splynx's own spelling)."""
    if isinstance(expected, Mapping):
        got = actual if isinstance(actual, Mapping) else {}
        return all(same(value, got.get(key)) for key, value in expected.items())
    if isinstance(expected, list | tuple) and any(isinstance(e, Mapping) for e in expected):
        # rows (an invoice's items): in order, each held like a record
        rows = list(actual) if isinstance(actual, list | tuple) else []
        return len(rows) == len(expected) and all(map(same, expected, rows))
    if isinstance(expected, list | tuple):
        if not isinstance(actual, list | tuple):
            actual = [] if actual in (None, "") else str(actual).split(",")
        return sorted(map(str, expected)) == sorted(str(a).strip() for a in actual)
    if isinstance(expected, bool):
        return str(actual).strip().lower() in ({"1", "true"} if expected else {"0", "false", ""})
    if isinstance(expected, int | float | Decimal):
        left, right = _number(expected), _number(actual)
        return right is not None and left == right
    if expected is None:
        return actual in (None, "", 0, "0")
    return str(expected) == ("" if actual is None else str(actual))


def _rows_without(value: Any, key: str, skip: Collection[str]) -> Any:
    """Rows (an invoice's items) less their fields named ``key.field`` in ``skip``."""
    if not isinstance(value, list | tuple) or not any(isinstance(v, Mapping) for v in value):
        return value
    gone = {name.split(".", 1)[1] for name in skip if name.startswith(f"{key}.")}
    return [{k: v for k, v in row.items() if k not in gone} for row in value]


def field_differences(
    expected: Mapping[str, Any],
    actual: Mapping[str, Any],
    *,
    skip: Collection[str] = (),
    secrets: Collection[str] = (),
) -> list[FieldDiff]:
    """Every field of ``expected`` (additional attributes one by one) that ``actual`` lacks.

    ``skip``: fields Splynx does not give back as sent (named where each entity
    is registered; ``items.x`` for a field of each row of ``items``); ``secrets``:
    compared, shown as ``***``.
    """
    found: list[FieldDiff] = []
    for key, value in expected.items():
        if key in skip:
            continue
        if key == "additional_attributes" and isinstance(value, Mapping):
            extra = actual.get(key)
            extra = extra if isinstance(extra, Mapping) else {}
            found.extend(
                FieldDiff(f"{key}.{name}", inner, extra.get(name))
                for name, inner in value.items()
                if not same(inner, extra.get(name))
            )
            continue
        value = _rows_without(value, key, skip)
        if not same(value, actual.get(key)):
            shown = (HIDDEN, HIDDEN) if key in secrets else (value, actual.get(key))
            found.append(FieldDiff(key, *shown))
    return found


def differing_part(body: Mapping[str, Any], differ: Collection[FieldDiff]) -> dict[str, Any]:
    """The part of ``body`` that ``differ`` names: whole fields, additional attributes one
    by one (what a partial update sends to make a record read back equal)."""
    part: dict[str, Any] = {}
    for diff in differ:
        key, _, inner = diff.field.partition(".")
        if key == "additional_attributes" and inner:
            part.setdefault(key, {})[inner] = body[key][inner]
        else:
            part[key] = body[key]
    return part
