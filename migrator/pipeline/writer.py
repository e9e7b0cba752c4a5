"""Settling one record: migrated (created or adopted), skipped, or rejected with a reason.

The effectively-once rules live here:
- a record already in the id map is skipped;
- a record in the resume window, or whose create had an unknown outcome, is
  looked up by its marker before anything is created, and adopted if found;
- a create that Splynx refuses is checked once by marker too (a unique marker
  clash means an earlier attempt did land), and otherwise rejected with
  Splynx's answer kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import anyio

from migrator.errors import FieldError, OutcomeUnknown, Rejected
from migrator.pipeline.budget import ErrorBudget
from migrator.pipeline.entities import EntitySpec, Resolved
from migrator.pipeline.parents import ParentIndex, Stopped
from migrator.pipeline.state import StateStore
from migrator.pipeline.stats import EntityStats
from migrator.policy.clock import SYSTEM_CLOCK, Clock

__all__ = ["EntityWriter", "WorkItem"]

log = logging.getLogger(__name__)

R = TypeVar("R")
P = TypeVar("P")


@dataclass(frozen=True)
class WorkItem(Generic[R]):
    """One record on its way from a producer to a writer."""

    part: int
    sonar_id: int
    record: R
    verify: bool = False  # look up by marker before creating


class EntityWriter(Generic[R, P]):
    """Takes one entity's records to Splynx, one ``settle`` call per record."""

    def __init__(
        self,
        spec: EntitySpec[R, P],
        *,
        store: StateStore,
        parents: ParentIndex,
        stats: EntityStats,
        budget: ErrorBudget,
        slots: anyio.CapacityLimiter,
        run_id: int | None,
        clock: Clock = SYSTEM_CLOCK,
        unknown_attempts: int = 5,
    ) -> None:
        self.spec = spec
        self._store = store
        self._parents = parents
        self._stats = stats
        self._budget = budget
        self._slots = slots
        self._run_id = run_id
        self._clock = clock
        self._unknown_attempts = unknown_attempts

    async def settle(self, item: WorkItem[R]) -> bool:
        """Settle one record; False when the run stopped before it could be."""
        name = self.spec.name
        if self._store.splynx_id(name, item.sonar_id) is not None:
            self._stats.skipped += 1
            return True
        try:
            payload = await self._prepare(item)
            splynx_id, how = await self._deliver(item, payload)
        except Stopped:
            return False
        except Rejected as rejected:
            self._reject(item, rejected)
            return True
        self._store.mapped(name, item.sonar_id, splynx_id, how=how, run_id=self._run_id)
        self._parents.mapped(name, item.sonar_id)
        self._stats.count(how)
        self._budget.record(rejected=False)
        return True

    async def _prepare(self, item: WorkItem[R]) -> P:
        parents: dict[str, int] = {}
        for ref in self.spec.parents(item.record):
            found = await self._parents.resolve(ref)
            if found is not None:
                parents[ref.field] = found
            elif ref.required:
                raise Rejected(
                    f"{ref.field}: {ref.entity} {ref.sonar_id} is not in Splynx "
                    "(missing from Sonar or rejected)",
                    [FieldError(ref.field, f"{ref.entity} {ref.sonar_id} was not migrated")],
                )
        try:
            return self.spec.transform(item.record, Resolved(parents))
        except Rejected:
            raise
        except Exception as exc:  # a transform bug must cost one record, not the run
            log.debug("transform of %s %s failed", self.spec.name, item.sonar_id, exc_info=True)
            raise Rejected(f"could not transform: {type(exc).__name__}: {exc}") from exc

    async def _deliver(self, item: WorkItem[R], payload: P) -> tuple[int, str]:
        marker = self.spec.marker(item.record)
        verify = item.verify
        for attempt in range(1, self._unknown_attempts + 1):
            if verify:
                async with self._slots:
                    found = await self.spec.sink.find(marker)
                if found is not None:
                    return found, "adopted"
            try:
                async with self._slots:
                    return await self.spec.sink.create(payload), "created"
            except OutcomeUnknown:
                log.debug(
                    "%s %s: outcome unknown (attempt %d)", self.spec.name, item.sonar_id, attempt
                )
                self._stats.retried += 1
                verify = True
                await self._clock.sleep(min(2.0**attempt, 30.0))
            except Rejected:
                async with self._slots:
                    found = await self.spec.sink.find(marker)
                if found is not None:
                    return found, "adopted"
                raise
        raise Rejected(f"create kept ending with no answer after {self._unknown_attempts} tries")

    def _reject(self, item: WorkItem[R], rejected: Rejected) -> None:
        record: dict[str, Any] = self.spec.describe(item.record)
        self._store.rejected(
            self.spec.name,
            item.sonar_id,
            field=rejected.field,
            reason=str(rejected),
            record=record,
            answer=rejected.raw,
            run_id=self._run_id,
        )
        self._parents.failed(self.spec.name, item.sonar_id)
        self._stats.rejected += 1
        self._budget.record(rejected=True)
