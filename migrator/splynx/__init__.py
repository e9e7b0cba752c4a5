"""The Splynx side: API client (one shared ``httpx.AsyncClient`` per run), auth strategies,
payloads, database gateway.

What the migration engine uses:

- ``SplynxClient`` (``client``): ``async with SplynxClient.open(settings) as client``;
  ``create``, ``create_once``, ``update``, ``get``, ``list``, ``iterate``, ``count``,
  ``delete``, ``options``, ``find_by_marker``, ``check``; counters in ``client.stats``.
- ``ENDPOINTS`` (``endpoints``): every endpoint the migration writes, with its
  path, verbs, payload model, marker, table and API-key permission.
- ``payloads``: the typed request bodies and ``field_limits`` for truncation.
- ``Search`` / ``where`` / ``between`` / ``is_in`` (``query``): PHP-encoded searches.
- ``SplynxDatabase`` (``db``): look-ups, counts and bulk inserts over SQL.
"""

from migrator.splynx.client import SplynxClient
from migrator.splynx.db import BulkReport, SplynxDatabase
from migrator.splynx.endpoints import ENDPOINTS, Endpoint, Marker, build_payload, endpoint
from migrator.splynx.query import Search, between, is_in, where
from migrator.splynx.records import Created, EntityOptions, SplynxRecord
from migrator.splynx.session import SplynxStats

__all__ = [
    "ENDPOINTS",
    "BulkReport",
    "Created",
    "Endpoint",
    "EntityOptions",
    "Marker",
    "Search",
    "SplynxClient",
    "SplynxDatabase",
    "SplynxRecord",
    "SplynxStats",
    "between",
    "build_payload",
    "endpoint",
    "is_in",
    "where",
]
