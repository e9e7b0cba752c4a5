"""PHP's ``http_build_query`` for tests: requests encoded the way Splynx's PHP client encodes them.

Nested arrays become bracketed keys, keys and values are urlencoded (RFC 1738:
``+`` for a space, brackets as ``%5B``/``%5D``), ``null`` members are dropped,
``true``/``false`` become ``1``/``0`` (reference §2.4). Written for the tests
from PHP's documented behaviour; the simulator never imports it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

__all__ = ["DOCUMENTED_PARAMS", "DOCUMENTED_QUERY", "http_build_query"]


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
            text = value if isinstance(value, bytes) else _scalar(value)  # PHP strings are bytes
            parts.append(f"{quote_plus(name)}={quote_plus(text)}")
    return "&".join(parts)


# The blueprint's search example (BP L220-245) with date('Y-m-d') fixed.
DOCUMENTED_PARAMS = {
    "main_attributes": {
        "login": ["LIKE", "durden"],
        "partner_id": ["BETWEEN", 1, 10],
        "date_add": "2024-01-31",
        "added_by": "api",
    },
    "additional_attributes": {"sex": ["IN", ["male", "female"]]},
    "order": {"id": "DESC"},
    "limit": 10,
    "offset": 20,
}
# Its exact encoding as given in the reference digest.
DOCUMENTED_QUERY = (
    "main_attributes%5Blogin%5D%5B0%5D=LIKE&main_attributes%5Blogin%5D%5B1%5D=durden"
    "&main_attributes%5Bpartner_id%5D%5B0%5D=BETWEEN&main_attributes%5Bpartner_id%5D%5B1%5D=1"
    "&main_attributes%5Bpartner_id%5D%5B2%5D=10&main_attributes%5Bdate_add%5D=2024-01-31"
    "&main_attributes%5Badded_by%5D=api&additional_attributes%5Bsex%5D%5B0%5D=IN"
    "&additional_attributes%5Bsex%5D%5B1%5D%5B0%5D=male"
    "&additional_attributes%5Bsex%5D%5B1%5D%5B1%5D=female&order%5Bid%5D=DESC&limit=10&offset=20"
)
