"""The additional fields that mark a record's Sonar origin: are they there, and making them.

Effectively-once rests on them: a customer or service carries its Sonar id in
the ``sonar_id`` additional field, and a resumed run (or one with a lost state
file) finds what was already created by searching for it. A fresh Splynx has
no such field, and what it does with an additional attribute it does not
define is not recorded (it may drop it silently), so nothing may be written
before the fields exist.

- ``marker_fields(endpoints)``: the fields the endpoints' markers need.
- ``missing_fields(client, fields)``: those Splynx's OPTIONS answer does not
  list (the same evidence ``migrator check`` reports).
- ``create_field(client, field)``: ``POST admin/config/additional-fields/{module}``
  with the blueprint's ``Additional Field Base``: unique (a second record with
  the same Sonar id is refused), searchable (the run looks records up by it),
  read-only (nobody edits it by hand in the UI), not required, shown in lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from migrator.errors import OutcomeUnknown, Rejected
from migrator.splynx.classify import Request
from migrator.splynx.client import SplynxClient
from migrator.splynx.endpoints import Endpoint, endpoint

__all__ = ["FIELDS_PATH", "MarkerField", "create_field", "marker_fields", "missing_fields"]

FIELDS_PATH = "admin/config/additional-fields"
TITLE = "Sonar ID"


@dataclass(frozen=True)
class MarkerField:
    """The additional field ``name`` of Splynx module ``module``, marking ``endpoint``'s records."""

    endpoint: str
    module: str
    name: str

    def definition(self) -> dict[str, Any]:
        """The body that creates it (blueprint ``Additional Field Base``; flags 0/1)."""
        return {
            "name": self.name,
            "title": TITLE,
            "type": "string",
            "is_required": 0,
            "is_unique": 1,
            "is_add": 1,
            "show_in_list": 1,
            "searchable": 1,
            "readonly": 1,
            "disabled": 0,
            "hidden": 0,
        }

    def describe(self) -> str:
        return (
            f"additional field '{self.name}' (title '{TITLE}', string, unique, searchable, "
            f"read-only) on module '{self.module}', for {self.endpoint.replace('_', ' ')}"
        )


def marker_fields(endpoints: Iterable[str | Endpoint]) -> list[MarkerField]:
    """The additional fields the markers of these endpoints need, each once."""
    found: dict[tuple[str, str], MarkerField] = {}
    for ref in endpoints:
        target = endpoint(ref)
        if target.marker is None or not target.marker.additional:
            continue
        module = target.table or target.name
        key = (module, target.marker.field)
        found.setdefault(key, MarkerField(target.name, module, target.marker.field))
    return list(found.values())


async def missing_fields(client: SplynxClient, fields: Iterable[MarkerField]) -> list[MarkerField]:
    """The fields Splynx does not list among the endpoint's additional attributes."""
    missing = []
    for field in fields:
        options = await client.options(field.endpoint)
        if not options.has_additional(field.name):
            missing.append(field)
    return missing


async def create_field(client: SplynxClient, field: MarkerField) -> None:
    """Create one marker field (201). A refusal raises ``Rejected`` with Splynx's answer,
    unless the field is there after all (an earlier attempt whose answer was lost)."""
    request = Request("POST", f"{FIELDS_PATH}/{field.module}", create=True)
    body = field.definition()
    try:
        await client.session.call(
            f"create additional field {field.module}.{field.name}",
            lambda: client.session.send(request, json=body),
        )
    except (Rejected, OutcomeUnknown):
        if await missing_fields(client, [field]):
            raise
