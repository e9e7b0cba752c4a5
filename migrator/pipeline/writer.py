"""Settling one record: migrated (created, adopted, existing), skipped, or rejected.

The effectively-once rules live here and in the sink:
- a record already in the id map is skipped; so is one whose parent is not in
  a ``--limit`` sample (not rejected: a run without the limit migrates it);
- a record in the resume window is looked up by its marker before anything is
  created (``verify``), and adopted if found; the sink never re-sends a
  create whose answer was lost without looking first;
- a create Splynx refuses is rejected with Splynx's answer kept.
In a delta sync (``sync``) a record already in the id map is brought up to date
instead (``Updatable``): only the fields that differ change; a record the ISP
had (``existing``) and history (money, tickets: ``WRITTEN_ONCE``) are left as
they are.
Every outcome is reported as an event; none is silent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import anyio

from migrator.errors import FieldError, MarkerNotKept, Rejected
from migrator.events import Emit, RecordsSettled
from migrator.pipeline.budget import ErrorBudget
from migrator.pipeline.entities import BatchSink, Delivered, EntitySpec, Item, Updatable
from migrator.pipeline.parents import NotInSample, ParentIndex, Stopped
from migrator.pipeline.state import StateStore
from migrator.policy.time_slice import TimeSlice
from migrator.records import Cleaned, ParentRef, Resolved, Skipped

__all__ = ["OUTSIDE_SAMPLE", "WRITTEN_ONCE", "EntityWriter", "WorkItem"]

log = logging.getLogger(__name__)

R = TypeVar("R")
P = TypeVar("P")

OUTSIDE_SAMPLE = "parent not in this sample"
# History: a delta adds to it and never rewrites what was written (an account's whole
# ledger is read again when one payment is new; the rest is already there).
WRITTEN_ONCE = frozenset(
    {"invoices", "payments", "transactions", "opening_balances", "tickets", "ticket_messages",
     "administrators"}
)  # fmt: skip


@dataclass(frozen=True)
class WorkItem(Generic[R]):
    """One item on its way from a producer to a writer."""

    part: int
    item: Item[R]
    verify: bool = False  # look up by marker before creating (the resume window)


class EntityWriter(Generic[R, P]):
    """Takes one entity's records to Splynx, one ``settle`` call per record."""

    def __init__(
        self,
        spec: EntitySpec[R, P],
        *,
        store: StateStore,
        parents: ParentIndex,
        budget: ErrorBudget,
        slots: anyio.Semaphore,
        run_id: int | None,
        emit: Emit,
        fresh: bool = False,
        sync: bool = False,
    ) -> None:
        self.spec = spec
        self._store = store
        self._parents = parents
        self._budget = budget
        self._slots = slots
        self._run_id = run_id
        self._emit = emit
        # An entity this state file has never seen cannot have a record mapped already:
        # its writers need not ask for each one (a look-up per record saved).
        self._fresh = fresh
        sink = spec.sink
        self._updates = (
            sync
            and spec.name not in WRITTEN_ONCE
            and isinstance(sink, Updatable)
            and sink.can_update
        )

    def _known(self, item: Item[R]) -> bool:
        """Already in the id map (from an earlier run): skipped."""
        if self._fresh or self._store.splynx_id(self.spec.name, item.sonar_id) is None:
            return False
        self._emit(RecordsSettled(self.spec.name, "skipped"))
        return True

    async def settle(self, work: WorkItem[R]) -> bool:
        """Settle one record; False when the run stopped before it could be."""
        item = work.item
        if self._updates and item.record is not None:
            mapping = self._store.mapping(self.spec.name, item.sonar_id)
            if mapping is not None:
                return await self._update(item, *mapping)
        elif self._known(item):
            return True
        try:
            if item.rejected is not None:
                raise item.rejected
            assert item.record is not None
            cleaned, deferred, linked = await self._prepare(item.record)
            async with self._slots:
                delivered = await self.spec.sink.deliver(cleaned.payload, verify=work.verify)
            if delivered.how == "adopted":
                # Found already there (a crash, another state file): it may have been created
                # before the record it refers to existed, so its links are set again after.
                deferred = deferred + linked
        except MarkerNotKept as lost:
            # Created without its marker: kept in the id map so a re-run does not create it
            # again, then the run stops (the error says what to fix).
            self._mapped(item, Delivered(lost.splynx_id, "created"))
            raise
        except Stopped:
            return False
        except NotInSample:
            self._outside_sample(item)
            return True
        except Skipped as skipped:
            self._skipped(item, str(skipped))
            return True
        except Rejected as rejected:
            self._reject(item, rejected)
            return True
        self._mapped(item, delivered)
        for ref in deferred:
            self._store.defer_link(
                self.spec.name, item.sonar_id, ref.field, ref.entity, ref.sonar_id
            )
        if cleaned.notes:
            self._store.cleaned(self.spec.name, item.sonar_id, cleaned.notes)
        return True

    async def _update(self, item: Item[R], splynx_id: int, how: str) -> bool:
        """A delta: bring a record migrated before up to date (not one the ISP had)."""
        name = self.spec.name
        if how == "existing":
            self._emit(RecordsSettled(name, "skipped"))
            return True
        assert item.record is not None and isinstance(self.spec.sink, Updatable)
        try:
            cleaned, _, _ = await self._prepare(item.record)
            async with self._slots:
                changed = await self.spec.sink.update(splynx_id, cleaned.payload)
        except Stopped:
            return False
        except NotInSample:
            self._outside_sample(item)
            return True
        except Skipped as skipped:  # it stays in Splynx as it was
            self._emit(RecordsSettled(name, "skipped", reason=str(skipped)))
            return True
        except Rejected as rejected:
            # It stays in Splynx as it was (and in the id map: its children are there).
            self._store.rejected(
                name, item.sonar_id, field=rejected.field,
                reason=f"changed in Sonar, not updated in Splynx {splynx_id}: {rejected}",
                record=self.spec.describe(item.record), answer=rejected.raw, run_id=self._run_id,
            )  # fmt: skip
            self._emit(RecordsSettled(name, "rejected"))
            self._budget.record(rejected=True)
            return True
        if changed:
            log.info(
                "%s %s: updated %s in Splynx %s", name, item.sonar_id, ", ".join(changed), splynx_id
            )
        # mapped again as it was: clears the reject an earlier sync may have left
        self._store.mapped(name, item.sonar_id, splynx_id, how=how, run_id=self._run_id)
        self._emit(RecordsSettled(name, "updated" if changed else "skipped"))
        self._budget.record(rejected=False)
        return True

    async def settle_batch(self, works: Sequence[WorkItem[R]], sink: BatchSink[P]) -> bool:
        """Settle records together through a ``BatchSink``; False when the run stopped.

        Each record is prepared on its own (parents, transform: a refusal costs that
        record only), then the prepared ones are delivered in one call. A batch sink
        looks every marker up before it writes, so ``verify`` needs no special case,
        and it sets no late links (its entities name none that may wait).
        """
        ready: list[tuple[Item[R], Cleaned[P]]] = []
        turns = TimeSlice()  # hundreds of transforms: let the API writers run meanwhile
        for work in works:
            await turns.share()
            item = work.item
            if self._known(item):
                continue
            try:
                if item.rejected is not None:
                    raise item.rejected
                assert item.record is not None
                cleaned, _, _ = await self._prepare(item.record)
            except Stopped:
                return False
            except NotInSample:
                self._outside_sample(item)
                continue
            except Skipped as skipped:
                self._skipped(item, str(skipped))
                continue
            except Rejected as rejected:
                self._reject(item, rejected)
                continue
            ready.append((item, cleaned))
        if not ready:
            return True
        outcomes = await sink.deliver_many([cleaned.payload for _, cleaned in ready])
        for (item, cleaned), outcome in zip(ready, outcomes, strict=True):
            if isinstance(outcome, Rejected):
                self._reject(item, outcome)
                continue
            self._mapped(item, outcome)
            if cleaned.notes:
                self._store.cleaned(self.spec.name, item.sonar_id, cleaned.notes)
        return True

    async def _prepare(self, record: R) -> tuple[Cleaned[P], list[ParentRef], list[ParentRef]]:
        """Resolve the record's parents, then transform it.

        Also returns the references that do not wait: those deferred (not in Splynx
        yet, linked after the entity) and those resolved at once.
        """
        parents: dict[str, int] = {}
        deferred: list[ParentRef] = []
        linked: list[ParentRef] = []
        for ref in self.spec.parents(record):
            if not ref.wait:
                found = self._store.splynx_id(ref.entity, ref.sonar_id)
                if found is None:
                    deferred.append(ref)
                else:
                    parents[ref.field] = found
                    linked.append(ref)
                continue
            found = await self._parents.resolve(ref)
            if found is None and not ref.required:
                continue
            if found is None:
                raise Rejected(
                    f"{ref.entity} {ref.sonar_id} is not in Splynx (missing in Sonar, or rejected)",
                    [FieldError(ref.field, f"{ref.entity} {ref.sonar_id} was not migrated")],
                )
            parents[ref.field] = found
        try:
            return self.spec.transform(record, Resolved(parents)), deferred, linked
        except (Rejected, Skipped):
            raise
        except Exception as exc:  # a transform bug must cost one record, not the run
            log.debug("transform of a %s record failed", self.spec.name, exc_info=True)
            raise Rejected(f"could not transform: {type(exc).__name__}: {exc}") from exc

    def _outside_sample(self, item: Item[R]) -> None:
        """Its parent is not in this ``--limit`` sample: skipped (so are its children)."""
        self._skipped(item, OUTSIDE_SAMPLE)

    def _skipped(self, item: Item[R], reason: str) -> None:
        """Not written this time, for ``reason``; its children are skipped too."""
        self._parents.skipped(self.spec.name, item.sonar_id)
        self._emit(RecordsSettled(self.spec.name, "skipped", reason=reason))

    def _mapped(self, item: Item[R], delivered: Delivered) -> None:
        name = self.spec.name
        self._store.mapped(
            name, item.sonar_id, delivered.splynx_id, how=delivered.how, run_id=self._run_id
        )
        self._parents.mapped(name, item.sonar_id)
        self._emit(RecordsSettled(name, delivered.how))
        self._budget.record(rejected=False)

    def _reject(self, item: Item[R], rejected: Rejected) -> None:
        described: dict[str, Any] = (
            self.spec.describe(item.record) if item.record is not None else {}
        )
        if not described and rejected.raw is not None and item.record is None:
            described = {"raw": rejected.raw}
        self._store.rejected(
            self.spec.name,
            item.sonar_id,
            field=rejected.field,
            reason=str(rejected),
            record=described,
            answer=rejected.raw if item.record is not None else None,
            run_id=self._run_id,
        )
        self._parents.failed(self.spec.name, item.sonar_id)
        self._emit(RecordsSettled(self.spec.name, "rejected"))
        self._budget.record(rejected=True)
