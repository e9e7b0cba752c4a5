"""Clean-ups with an obvious rule, each one noted so nothing changes silently.

Text is trimmed (names also lose doubled and stray whitespace and control
characters), cut to its Splynx column when the profile allows it (noted;
otherwise the record is rejected naming the field), and emails are checked
so that the first valid one of several wins. Every function is pure: the
caller passes the list that collects the notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from migrator.errors import FieldError, Rejected

__all__ = [
    "REPLACEMENT",
    "Notes",
    "cents",
    "encodable",
    "first_valid_email",
    "is_email",
    "long_text",
    "name_text",
    "short_text",
]

# Deliberately plain: one @, no spaces, a dot in the domain, no dot at either end.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")  # exactly Unicode category Cc
_CONTROLS_KEEPING_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # \t and \n stay
# A UTF-16 surrogate on its own: JSON may carry one ("\ud800"), UTF-8 cannot, so neither can
# Splynx. Pairs never reach here (JSON's parser joins a valid pair into one character).
_SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


@dataclass
class Notes:
    """What a transform changed on the way, as ``field: what happened`` lines."""

    lines: list[str] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        self.lines.append(f"{field_name}: {message}")


def encodable(value: str, field_name: str, notes: Notes) -> str:
    """``value`` with each lone surrogate replaced by U+FFFD (noted): text UTF-8 can carry."""
    cleaned, count = _SURROGATES.subn(REPLACEMENT, value)
    if count:
        notes.add(field_name, f"{count} invalid character(s) (lone UTF-16 surrogate) made U+FFFD")
    return cleaned


def _without_controls(value: str, keep: str = "") -> str:
    """``value`` without control characters (Unicode category Cc), but those in ``keep``.

    Format characters (Cf) stay: zero-width joiners hold emoji together and
    direction marks keep right-to-left text readable.
    """
    if keep not in ("", "\n\t"):
        raise ValueError("only line breaks and tabs can be kept")
    pattern = _CONTROLS_KEEPING_LINES if keep else _CONTROLS
    return pattern.sub("", value)


def _fit(value: str, field_name: str, limit: int | None, truncate: bool, notes: Notes) -> str:
    if limit is None or len(value) <= limit:
        return value
    if not truncate:
        message = f"{len(value)} characters; Splynx keeps at most {limit}"
        raise Rejected(f"{field_name} too long", [FieldError(field_name, message)])
    notes.add(field_name, f"cut from {len(value)} to {limit} characters")
    return value[:limit].rstrip()


def name_text(
    value: str | None, field_name: str, limit: int | None, truncate: bool, notes: Notes
) -> str | None:
    """A one-line text (a name, a city): trimmed, inner whitespace collapsed, fitted."""
    if value is None:
        return None
    value = encodable(value, field_name, notes)
    cleaned = " ".join(_without_controls(value).split())
    if cleaned != value.strip():
        notes.add(field_name, "whitespace or control characters removed")
    return _fit(cleaned, field_name, limit, truncate, notes) if cleaned else None


def short_text(
    value: str | None, field_name: str, limit: int | None, truncate: bool, notes: Notes
) -> str | None:
    """An identifier-like text (zip, login): trimmed and fitted, nothing else."""
    if value is None:
        return None
    cleaned = _without_controls(encodable(value, field_name, notes)).strip()
    return _fit(cleaned, field_name, limit, truncate, notes) if cleaned else None


def long_text(value: str | None, field_name: str, limit: int | None, truncate: bool,
              notes: Notes) -> str | None:  # fmt: skip
    """A multi-line text (a comment): line breaks kept, ends trimmed, fitted."""
    if value is None:
        return None
    cleaned = _without_controls(encodable(value, field_name, notes), keep="\n\t").strip()
    return _fit(cleaned, field_name, limit, truncate, notes) if cleaned else None


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def first_valid_email(candidates: list[str | None], field_name: str, notes: Notes) -> str | None:
    """The first candidate that is a plausible address; every invalid one is noted."""
    chosen = None
    for candidate in candidates:
        if candidate is None or not candidate.strip():
            continue
        address = candidate.strip()
        if not is_email(address) or _SURROGATES.search(address):
            notes.add(field_name, f"{address!r} is not an email address; left out")
        elif chosen is None:
            chosen = address
    return chosen


def cents(amount: int | None, field_name: str, *, allow_negative: bool = False) -> Decimal | None:
    """Sonar's integer cents as a Splynx decimal; negative amounts refused unless allowed."""
    if amount is None:
        return None
    if amount < 0 and not allow_negative:
        raise Rejected(
            f"{field_name} is negative", [FieldError(field_name, f"{amount} cents is negative")]
        )
    return Decimal(amount).scaleb(-2)
