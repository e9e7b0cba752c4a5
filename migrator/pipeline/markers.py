"""Markers are guaranteed before, and proven after, the first write.

Effectively-once rests on each customer and service carrying its Sonar id in
the ``sonar_id`` additional field. Two guards, one per moment:

- ``require_markers``, before anything is written: Splynx must list the
  marker field of every endpoint the selected entities write (OPTIONS, as
  ``migrator check`` looks); otherwise ``MarkersMissing`` (exit 5) names the
  fix, ``migrator check --fix``.
- ``MarkerProof``, after the first record an entity creates in this run: it
  reads that record back once and raises ``MarkerNotKept`` if the marker is not
  on it (a Splynx may drop an additional attribute silently; what a real one
  does with one it does not define is not recorded). Until that first record
  is proven, the entity's creates go one at a time, so a Splynx that drops
  markers costs one unmarked record, which the run keeps in its id map so that
  a re-run skips it rather than creating it again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import anyio

from migrator.entity_map import mapped
from migrator.errors import Fatal, MarkerNotKept, MarkersMissing
from migrator.splynx.client import SplynxClient
from migrator.splynx.decode import parent_ids
from migrator.splynx.endpoints import Endpoint
from migrator.splynx.markers import marker_fields, missing_fields
from migrator.splynx.records import Created

__all__ = ["MarkerProof", "require_markers"]

FIX = "migrator check --fix"


async def require_markers(client: SplynxClient, entities: Iterable[str]) -> None:
    """Raise ``MarkersMissing`` unless Splynx has every marker field these entities need."""
    endpoints = [name for entity in entities for name in mapped(entity).endpoints]
    missing = await missing_fields(client, marker_fields(endpoints))
    if not missing:
        return
    where = ", ".join(f"'{f.name}' on {f.module}" for f in missing)
    raise MarkersMissing(
        f"Splynx has no additional field {where}: records written without their Sonar id "
        "could not be recognised by a resumed run (duplicates), so nothing was written. "
        f"Run `{FIX}` to create the missing fields (it says what it creates first), "
        "then run again"
    )


class MarkerProof:
    """Reads the first record created at one endpoint back, once, to prove its marker."""

    def __init__(self, client: SplynxClient, target: Endpoint) -> None:
        assert target.marker is not None and target.marker.additional
        self._client = client
        self._target = target
        self._marker = target.marker
        self._proven = False
        self._failed: MarkerNotKept | None = None
        self._first = anyio.Lock()

    async def create(
        self, create: Callable[[], Awaitable[Created]], body: dict[str, Any]
    ) -> Created:
        """Run ``create``; the first time (one at a time until then), prove the marker."""
        if self._proven:
            return await create()
        async with self._first:
            if self._failed is not None:  # the writers waiting behind the first create nothing
                raise Fatal(str(self._failed))
            if self._proven:
                return await create()
            created = await create()
            if not created.adopted:  # an adopted record was found by its marker: proven
                try:
                    await self._check(created.id, body)
                except MarkerNotKept as lost:
                    self._failed = lost
                    raise
            self._proven = True
            return created

    async def _check(self, splynx_id: int, body: dict[str, Any]) -> None:
        sent = self._marker.value_of(body)
        record = await self._client.get(self._target, splynx_id, **parent_ids(self._target, body))
        kept = None if record is None else self._marker.value_of(record.fields())
        if sent is None or (kept is not None and str(kept) == str(sent)):
            return
        name, module = self._marker.field, self._target.table or self._target.name
        raise MarkerNotKept(
            f"Splynx did not keep the marker of the first {self._target.name.replace('_', ' ')} "
            f"record this run created: {self._target.name} {splynx_id} was sent "
            f"additional_attributes[{name}]={sent!r} and reads back "
            f"{'nothing' if kept is None else repr(kept)}. Without it a resumed run cannot "
            "recognise what it created, so the run stopped. In Splynx, check the additional "
            f"field '{name}' of module '{module}' (Config > Additional fields): it must exist, "
            f"be enabled and accept API writes (`{FIX}` creates it). Record {splynx_id} is "
            "kept in the state file: a re-run will not create it again",
            splynx_id=splynx_id,
        )
