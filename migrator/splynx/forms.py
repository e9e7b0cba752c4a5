"""``multipart/form-data`` bodies, for the creates the blueprint documents that way.

Tickets and ticket messages are created with a multipart form (so files can be
attached). Nested values use PHP's bracket names (``message[message]``), which
PHP turns back into arrays exactly as it does for a query string.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from migrator.splynx.query import php_pairs

__all__ = ["multipart_form"]


def _quoted(name: str) -> str:
    """A field name inside ``name="..."``: quotes and line breaks escaped as browsers do."""
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def multipart_form(
    fields: Mapping[str, object], *, boundary: str | None = None
) -> tuple[bytes, str]:
    """The encoded body and its Content-Type header (with the boundary)."""
    boundary = boundary or secrets.token_hex(16)
    parts: list[bytes] = []
    for name, value in php_pairs(fields):
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n'
        parts.append(head.encode() + value.encode() + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
