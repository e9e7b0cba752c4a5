"""``rollback``: plan (or resume the plan kept in the state file), then delete.

Without ``apply`` it only plans and reports: nothing is written to Splynx or
the state file. Deciding what changed costs a verify of the entities involved
(Sonar re-read, every record compared); ``force`` skips it, and Sonar with it.
"""

from __future__ import annotations

import dataclasses
from contextlib import AsyncExitStack, nullcontext
from dataclasses import dataclass

from migrator.entity_map import ENTITY_ORDER
from migrator.errors import ConfigError
from migrator.events import Emit, Event
from migrator.first_contact import reach_splynx
from migrator.pipeline.state import StateStore
from migrator.profile import Profile
from migrator.rollback.conversations import answered_since
from migrator.rollback.execute import Deleter, Outcome
from migrator.rollback.plan import Changed, Plan, build_plan
from migrator.settings import Settings
from migrator.splynx.client import SplynxClient
from migrator.splynx.db import SplynxDatabase
from migrator.state_lock import StateLock
from migrator.verify.checks import CHECKS
from migrator.verify.reconcile import VerifyRequest, verify

__all__ = ["NO_API_DELETE", "RollbackRequest", "RollbackResult", "rollback"]

NO_API_DELETE = {
    "customer_notes": "Splynx's API cannot delete customer comments (the blueprint documents "
    "no DELETE); set SPLYNX_DB_DSN and roll back again to delete them in the database",
}


# what a record known by its content (a ticket message) is known by, named when it changed
KEYED_BY = ("its date, time, author or text",)


@dataclass(frozen=True)
class RollbackRequest:
    settings: Settings
    profile: Profile
    run_id: int | None  # None: every run
    apply: bool = False
    force: bool = False
    adopted: bool = False  # also records found by our marker rather than created


@dataclass
class RollbackResult:
    plan: Plan
    outcome: Outcome | None = None


def _open_state(request: RollbackRequest) -> StateStore:
    path = request.settings.state
    store = StateStore.open(path)
    if request.run_id is not None and request.run_id not in {r.id for r in store.runs()}:
        known = ", ".join(str(r.id) for r in store.runs()) or "none"
        store.close()
        raise ConfigError(f"no run {request.run_id} in {path} (runs: {known})")
    return store


async def rollback(request: RollbackRequest, emit: Emit) -> RollbackResult:
    """Plan, and with ``apply`` delete; the state file keeps the plan until it is done.

    Deleting holds the state file's lock (``StateLock``): never beside a run of it.
    """
    path = request.settings.state
    if not path.exists():
        raise ConfigError(f"no state file at {path}: rollback undoes what the runs it records did")
    with StateLock(path, "rollback") if request.apply else nullcontext():
        store = _open_state(request)
        try:
            return await _rollback(request, store, emit)
        finally:
            store.close()


async def _rollback(request: RollbackRequest, store: StateStore, emit: Emit) -> RollbackResult:
    settings = request.settings
    async with AsyncExitStack() as stack:
        await reach_splynx(settings)
        splynx = await stack.enter_async_context(SplynxClient.open(settings, emit=emit))
        db = None
        if settings.database_path:
            assert settings.splynx_db_dsn is not None
            db = await stack.enter_async_context(SplynxDatabase.open(settings.splynx_db_dsn))
        plan = _pending(store) or await _decide(request, store, splynx, emit, db)
        if not request.apply:
            return RollbackResult(plan)
        deleter = Deleter(store, splynx, db=db, emit=emit, writers=settings.writers)
        return RollbackResult(plan, await deleter.run())


async def _decide(
    request: RollbackRequest,
    store: StateStore,
    splynx: SplynxClient,
    emit: Emit,
    db: SplynxDatabase | None,
) -> Plan:
    """A new plan; with ``apply`` kept in the state file before anything is deleted."""
    changed: Changed = {}
    if not request.force:
        changed = await _changed(request, store, emit)
        answered = await answered_since(store, splynx, request.run_id)
        changed = {**changed, "tickets": {**changed.get("tickets", {}), **answered}}
    plan = await build_plan(
        store, splynx, run_id=request.run_id, changed=changed,
        undeletable={} if db else NO_API_DELETE, adopted=request.adopted, db=db,
    )  # fmt: skip
    if request.apply:
        for entity, sonar_ids in plan.gone.items():
            store.rolled_back(entity, sonar_ids)
        store.plan_rollback([row for rows in plan.deletes.values() for row in rows])
    return plan


def _pending(store: StateStore) -> Plan | None:
    """The plan an interrupted rollback left, or None."""
    rows = store.rollback_pending()
    if not rows:
        return None
    plan = Plan(resumed=True)
    for row in rows:
        plan.deletes.setdefault(row.entity, []).append(row)
    return plan


async def _changed(request: RollbackRequest, store: StateStore, emit: Emit) -> Changed:
    """Per entity, our records verify finds different from what the run would write now."""
    entities = [name for name in ENTITY_ORDER if store.ours(name, request.run_id)]
    if not entities:
        return {}
    checking = VerifyRequest(request.settings, request.profile, entities, sample=None)
    report = await verify(checking, _prefixed(emit, "check "))
    changed: dict[str, dict[int, list[str]]] = {}
    for entity in report.entities:
        found = changed.setdefault(entity.entity, {})
        for diff in entity.differences:
            found.setdefault(diff.splynx_id, []).append(diff.field)
        if CHECKS[entity.entity].key is None:
            continue  # an extra record with a marker: Sonar no longer has it, not changed
        # known by what it holds (a ticket message): ours, but no longer what Sonar has
        for extra in entity.extra:
            found.setdefault(extra.splynx_id, []).extend(KEYED_BY)
    return changed


def _prefixed(emit: Emit, prefix: str) -> Emit:
    """Verify's streams shown apart from the deletes' (``check customers``)."""

    def renamed(event: Event) -> None:
        stream = getattr(event, "stream", None)
        if isinstance(stream, str) and dataclasses.is_dataclass(event):
            event = dataclasses.replace(event, stream=prefix + stream)  # type: ignore[type-var,arg-type]
        emit(event)

    return renamed
