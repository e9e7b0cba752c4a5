"""PHP's ``http_build_query`` for tests: requests encoded the way Splynx's PHP client encodes them.

Nested arrays become bracketed keys, keys and values are urlencoded (RFC 1738:
``+`` for a space, brackets as ``%5B``/``%5D``), ``null`` members are dropped,
``true``/``false`` become ``1``/``0`` (reference §2.4). Written for the tests
from PHP's documented behaviour; the simulator never imports it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

__all__ = ["http_build_query"]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def http_build_query(data: dict[str, Any] | list[Any], prefix: str | None = None) -> str:
    items = data.items() if isinstance(data, dict) else enumerate(data)
    parts = []
    for key, value in items:
        name = str(key) if prefix is None else f"{prefix}[{key}]"
        if value is None:
            continue
        if isinstance(value, dict | list | tuple):
            nested = http_build_query(list(value) if isinstance(value, tuple) else value, name)
            if nested:
                parts.append(nested)
        else:
            parts.append(f"{quote_plus(name)}={quote_plus(_scalar(value))}")
    return "&".join(parts)
