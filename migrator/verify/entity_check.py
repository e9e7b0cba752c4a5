"""One entity verified: its Splynx records indexed by marker, its Sonar records read,
transformed as the run would, and held against them.

Parents resolve from the state store's id map (the ids the run gave them),
without waiting: verify reads after a run, when every parent is settled. A
reference the run set after the entity (a parent account) resolves the same
way, so the expected record is the one the run left, links included.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import anyio

from migrator.errors import FieldError, Rejected
from migrator.events import Emit, RecordsRead, RecordsSettled, StreamFinished, StreamPlanned
from migrator.pipeline.entities import EntitySpec, Item
from migrator.pipeline.state import StateStore
from migrator.records import Cleaned, Resolved
from migrator.splynx.client import SplynxClient
from migrator.splynx.compare import field_differences
from migrator.splynx.endpoints import Endpoint, endpoint
from migrator.verify.checks import EntityCheck, Key
from migrator.verify.report import Difference, EntityReport, Extra, Missing, StateCounts
from migrator.verify.targets import Target

__all__ = ["EntityVerifier"]


class EntityVerifier:
    """Reconciles one entity: ``index`` its Splynx records, then ``reconcile`` returns its
    report."""

    def __init__(
        self,
        spec: EntitySpec[Any, Any],
        check: EntityCheck,
        *,
        splynx: SplynxClient,
        store: StateStore,
        emit: Emit,
        sample: int | None,
        partitions: int = 2,
    ) -> None:
        assert isinstance(spec.sink, Target)
        self._spec, self._check, self._target = spec, check, spec.sink
        self._endpoint = endpoint(check.endpoint)
        self._key = check.key or _marker_value(self._endpoint)
        self._splynx, self._store, self._emit = splynx, store, emit
        self._sample, self._partitions = sample, partitions
        self._ours = frozenset(splynx_id for _, splynx_id in store.created(spec.name))
        self._rejected = {row.sonar_id for row in store.rejects(spec.name)}
        self._index: dict[str, list[Kept]] = defaultdict(list)
        self._compared = _compared_fields(self._endpoint)
        self.report = EntityReport(entity=spec.name, state=_state_counts(store, spec.name))

    async def index(self) -> None:
        """Index this entity's Splynx records by marker (before any Sonar record is read)."""
        await self._index_splynx()

    async def reconcile(self) -> EntityReport:
        """Read Sonar against the index; what is left in it is extra."""
        source = self._spec.source
        self._emit(StreamPlanned(self._spec.name, await source.total()))
        async with anyio.create_task_group() as tg:
            for low, high in await source.partition_bounds(self._partitions):
                tg.start_soon(self._read, low, high)
        self._leftovers()
        self._emit(StreamFinished(self._spec.name))
        return self.report

    async def _index_splynx(self) -> None:
        async for record in self._splynx.iterate(self._endpoint, self._check.search):
            fields = record.fields()
            value = self._key(fields)
            if value is not None:
                self._index[value].append(Kept(record.id, _trimmed(fields, self._compared)))

    async def _read(self, low: int, high: int) -> None:
        async for page in self._spec.source.pages(low, high, low - 1):
            self._emit(RecordsRead(self._spec.name, len(page)))
            for item in page:
                self._settle(item)

    def _settle(self, item: Item[Any]) -> None:
        self.report.sonar += 1
        known_reject = item.sonar_id in self._rejected
        try:
            cleaned = self._expected(item)
        except Rejected as exc:
            if known_reject:
                self.report.rejected += 1
                self._emit(RecordsSettled(self._spec.name, "skipped", reason="rejected"))
            else:
                self._missing(Missing(sonar_id=item.sonar_id, reason=f"refused now: {exc}"))
            return
        body = self._target.body(cleaned.payload)
        value = str(self._key(body.body()))
        found = self._index.pop(value, [])
        if not found:
            if known_reject:
                self.report.rejected += 1
                self._emit(RecordsSettled(self._spec.name, "skipped", reason="rejected"))
            else:
                self._missing(Missing(sonar_id=item.sonar_id, marker=value))
            return
        self._found(item.sonar_id, value, found, body)

    def _expected(self, item: Item[Any]) -> Cleaned[Any]:
        """The payload the run would make of the record, parents from our id map."""
        if item.record is None:
            assert item.rejected is not None
            raise item.rejected
        parents: dict[str, int] = {}
        for ref in self._spec.parents(item.record):
            found = self._store.splynx_id(ref.entity, ref.sonar_id)
            if found is not None:
                parents[ref.field] = found
            elif ref.wait and ref.required:  # as the run: an optional one is left out
                raise Rejected(
                    f"{ref.entity} {ref.sonar_id} is not in our state",
                    [FieldError(ref.field, f"{ref.entity} {ref.sonar_id} was not migrated")],
                )
        try:
            return self._spec.transform(item.record, Resolved(parents))
        except Rejected:
            raise
        except Exception as exc:  # a transform bug costs this record, as in the run
            raise Rejected(f"could not transform: {type(exc).__name__}: {exc}") from exc

    def _found(self, sonar_id: int, value: str, found: Sequence[Kept], body: Any) -> None:
        self.report.splynx += len(found)
        if len(found) > 1:
            self.report.duplicates.extend(Extra(splynx_id=r.id, marker=value) for r in found)
        record = found[0]
        comparable = not self._check.natural_key or record.id in self._ours
        if not comparable or not self._in_sample():
            self._emit(RecordsSettled(self._spec.name, "checked"))
            return
        self.report.compared += 1
        diffs = field_differences(
            body.body(), record.fields, skip=self._check.skip, secrets=body.secret_fields()
        )
        self.report.differences.extend(
            Difference(sonar_id=sonar_id, splynx_id=record.id, field=d.field, sonar=d.expected,
                       splynx=d.actual)
            for d in diffs
        )  # fmt: skip
        self._emit(RecordsSettled(self._spec.name, "rejected" if diffs else "checked"))

    def _in_sample(self) -> bool:
        return self._sample is None or self.report.compared < self._sample

    def _missing(self, missing: Missing) -> None:
        self.report.missing.append(missing)
        self._emit(RecordsSettled(self._spec.name, "rejected"))

    def _leftovers(self) -> None:
        """Records of ours in Splynx that no Sonar record claimed."""
        for value, records in sorted(self._index.items()):
            for record in records:
                if self._check.ours(value, record.id, self._ours):
                    self.report.splynx += 1
                    self.report.extra.append(Extra(splynx_id=record.id, marker=value))


class Kept(NamedTuple):
    """A Splynx record in the index: its id and the fields a payload can hold."""

    id: int
    fields: dict[str, Any]


def _compared_fields(target: Endpoint) -> frozenset[str] | None:
    """The fields of the endpoint's payload (Splynx's names): all a comparison reads.
    None: every field (an endpoint without a payload model)."""
    if target.payload is None:
        return None
    names = {info.alias or name for name, info in target.payload.model_fields.items()}
    return frozenset({*names, "id", "additional_attributes"})


def _trimmed(fields: dict[str, Any], wanted: frozenset[str] | None) -> dict[str, Any]:
    """Only the ``wanted`` fields, short strings interned: at 10,000 accounts the index
    holds well over a million records, most of their values repeated ("0", dates)."""
    return {
        name: sys.intern(value) if isinstance(value, str) and len(value) <= 32 else value
        for name, value in fields.items()
        if wanted is None or name in wanted
    }


def _marker_value(target: Endpoint) -> Key:
    marker = target.marker
    assert marker is not None, f"{target.name} has no marker: its check needs a key"

    def value(fields: Mapping[str, Any]) -> str | None:
        found = marker.value_of(fields)
        return None if found is None else str(found)

    return value


def _state_counts(store: StateStore, entity: str) -> StateCounts:
    for row in store.counts():
        if row.entity == entity:
            return StateCounts(
                created=row.created, adopted=row.adopted, existing=row.existing,
                rejected=row.rejected,
            )  # fmt: skip
    return StateCounts()
