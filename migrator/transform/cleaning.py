"""Clean-ups with an obvious rule, each one noted so nothing changes silently.

Text is trimmed (names also lose doubled and stray whitespace and control
characters), cut to its Splynx column when the profile allows it (noted;
otherwise the record is rejected naming the field), emails are kept only in
a form Splynx takes (the first such of several wins) and GPS points only on
Earth. Every function is pure: the caller passes the list that collects the notes.
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
    "clean_email",
    "encodable",
    "first_valid_email",
    "gps_point",
    "is_email",
    "long_text",
    "name_text",
    "short_text",
]

# What Splynx (a Yii2 application: its EmailValidator, IDN off) takes as one address:
# dot-separated atoms of ASCII letters, digits and !#$%&'*+/=?^_`{|}~- before the @;
# after it, two or more labels of ASCII letters, digits and inner hyphens. At most 64
# characters before the @ and 254 in all. Nothing else (no quotes, no comments).
_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
_SEPARATORS = re.compile(r"[,;]")
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
    """A one-line text (a name, a city): trimmed, inner whitespace collapsed, fitted.

    Tabs and line breaks separate words like spaces ("512\t555" is "512 555"); other
    control characters are removed.
    """
    if value is None:
        return None
    value = encodable(value, field_name, notes)
    cleaned = " ".join(_without_controls(value, keep="\n\t").split())
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
    """One address Splynx would take, exactly as written."""
    local, at, _ = value.rpartition("@")
    if not at or len(local) > 64 or len(value) > 254:
        return False
    return _EMAIL.fullmatch(value) is not None


def _ascii_domain(address: str) -> str | None:
    """``address`` with an internationalized domain in its ASCII (punycode) form, if it has one."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return None
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return None


def _refused(field_name: str, message: str, drop: bool, notes: Notes) -> None:
    """A value Splynx would refuse: left out with a note, or (``drop`` false) the record refused."""
    if not drop:
        raise Rejected(f"{field_name}: {message}", [FieldError(field_name, message)])
    notes.add(field_name, f"{message}; left out")


def _takes_as_is(value: str, limit: int | None) -> bool:
    """Splynx takes several comma-separated addresses in one email field, each valid."""
    if limit is not None and len(value) > limit:
        return False
    return all(is_email(part.strip()) for part in value.split(","))


def clean_email(
    candidate: str | None,
    field_name: str,
    notes: Notes,
    *,
    limit: int | None = None,
    drop: bool = True,
) -> str | None:
    """The address(es) of one contact as Splynx will take them, or None (noted).

    Trimmed, and kept as they are when Splynx takes them so (comma-separated
    addresses included). Otherwise of several addresses (``a@x.com; b@y.com``)
    the first Splynx takes is kept, an internationalized domain written in
    ASCII (punycode), each noted; anything else Splynx would refuse is left
    out with a note (``drop``), or the record refused.
    """
    if candidate is None or not candidate.strip():
        return None
    value = candidate.strip()
    if _takes_as_is(value, limit):
        return value
    for part in (p.strip() for p in _SEPARATORS.split(value)):
        address = part if is_email(part) else _ascii_domain(part)
        if address is not None and is_email(address):
            notes.add(field_name, f"{value!r} written as {address!r}")
            return address
    _refused(field_name, f"{value!r} is not an email address Splynx accepts", drop, notes)
    return None


def first_valid_email(
    candidates: list[str | None],
    field_name: str,
    notes: Notes,
    *,
    limit: int | None = None,
    drop: bool = True,
) -> str | None:
    """The first candidate Splynx would take (``clean_email``); every refused one is noted."""
    chosen = None
    for candidate in candidates:
        address = clean_email(candidate, field_name, notes, limit=limit, drop=drop)
        if chosen is None:
            chosen = address
    return chosen


def gps_point(
    latitude: float | None, longitude: float | None, notes: Notes, *, drop: bool = True
) -> str | None:
    """``lat,lng`` in plain decimals, or None when a coordinate is missing or out of range."""
    if latitude is None or longitude is None:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        _refused("gps", f"{latitude},{longitude} is not a point on Earth", drop, notes)
        return None
    return f"{_decimal(latitude)},{_decimal(longitude)}"


def _decimal(number: float) -> str:
    """Positional notation, never 1e-05: Splynx reads ``lat,lng`` as plain decimals."""
    text = format(Decimal(repr(number)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def cents(amount: int | None, field_name: str, *, allow_negative: bool = False) -> Decimal | None:
    """Sonar's integer cents as a Splynx decimal; negative amounts refused unless allowed."""
    if amount is None:
        return None
    if amount < 0 and not allow_negative:
        raise Rejected(
            f"{field_name} is negative", [FieldError(field_name, f"{amount} cents is negative")]
        )
    return Decimal(amount).scaleb(-2)
