"""One migration run, start to finish: clients, state, engine, signals, links, outcome.

``migrate`` locks the state file (one run per state file: ``StateLock``),
opens the Sonar and Splynx clients and the state store, loads
Sonar's reference tables, builds the selected entities' specs and runs the
engine under the live display, with Ctrl-C handling: the first SIGINT or
SIGTERM drains (in-flight writes finish, state is flushed) and gives up
waiting after ``drain_seconds``; a second aborts at once. Either way the
state is flushed, shielded, and the next run resumes.

Money and tickets go through the API, or, with ``SPLYNX_DB_DSN``, straight
into Splynx's tables (``FinanceTables``, ``SupportTables`` behind a ``TableSink``).
A run that moves money checks every customer's balance against Sonar's account by account as
its money is written (``BalanceWatch``); a difference is exit 5.

``since`` (``--since last`` or a date and time) makes the run a delta sync: the
entities read only what Sonar changed after that instant (``Window``), plus the
parents of changed children (``ChangedParents``); new records are created, the
ones migrated before are brought up to date field by field, in partitions kept
apart from the full run's (``StateStore.partition_scope``).

``--dry-run`` runs the same pipeline against a throwaway in-memory state and
sinks that only validate: everything is read and transformed, nothing is
written, and the rejects it would produce are reported.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import anyio

from migrator.errors import MarkersMissing, MigratorError, most_telling
from migrator.events import BudgetKnown, Emit
from migrator.exitcodes import ExitCode
from migrator.first_contact import reach
from migrator.pipeline.archived import ArchivedSince
from migrator.pipeline.balance_check import (
    BalanceReport,
    BalanceWatch,
    settled_ranges,
    splynx_deposits,
)
from migrator.pipeline.budget import ErrorBudget, ErrorBudgetExceeded
from migrator.pipeline.engine import Engine, EngineOptions
from migrator.pipeline.entities import EntitySpec
from migrator.pipeline.finance_specs import FINANCE_ENTITIES, finance_entities
from migrator.pipeline.late_lookups import LateNetworks
from migrator.pipeline.lookups import Lookups, load_lookups, load_network_lookups
from migrator.pipeline.markers import require_markers
from migrator.pipeline.since import resolve_since, scope_of
from migrator.pipeline.sinks import SinkFactory
from migrator.pipeline.skips import SkipTally
from migrator.pipeline.state import StateStore
from migrator.pipeline.support_specs import load_support_targets, password_resets
from migrator.pipeline.table_sinks import WriteRows
from migrator.pipeline.wiring import NETWORK_ENTITIES, build_specs
from migrator.profile import Profile
from migrator.settings import Settings
from migrator.sonar.changed_parents import ChangedParents
from migrator.sonar.client import SonarClient
from migrator.sonar.extract import Extractor
from migrator.sonar.variables import Window
from migrator.splynx.client import SplynxClient
from migrator.splynx.db import SplynxDatabase
from migrator.splynx.finance_db import FinanceTables
from migrator.splynx.support_db import SupportTables
from migrator.state_lock import StateLock

__all__ = ["DryRunEstimate", "MigrationRequest", "MigrationResult", "link_deferred", "migrate"]

log = logging.getLogger(__name__)

# (Sonar requests a dry run sent, Splynx writes the real run would send) -> the line
# saying how long the real run will take (the command line passes the pre-flight's).
DryRunEstimate = Callable[[int, int], Awaitable[str]]


@dataclass(frozen=True)
class MigrationRequest:
    settings: Settings
    profile: Profile
    entities: Sequence[str]
    command: str = "run"
    dry_run: bool = False
    limit: int | None = None
    drain_seconds: float = 4.0
    # Refuse to write when Splynx lacks a marker field (exit 5). Off only in the test
    # proving the second guard (the read-back after the first write) on its own.
    require_markers: bool = True
    since: str | None = None  # a delta sync: "last", or an ISO date and time


@dataclass
class MigrationResult:
    exit_code: ExitCode
    status: str  # completed | rejects | balances | budget | blocked | fatal | interrupted
    message: str = ""
    run_id: int | None = None
    rejects: list[dict[str, Any]] = field(default_factory=list)  # a dry run's, in memory
    lookups: Lookups | None = None  # Sonar's reference tables, as read (the mapping they give)
    balances: BalanceReport | None = None  # the end-of-run balance check, when money moved


async def _watch_signals(engine: Engine, drain_seconds: float, scope: anyio.CancelScope) -> None:
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for signum in signals:
            if engine.draining:
                log.warning("second %s: stopping at once", signal.Signals(signum).name)
                engine.abort()
                return
            log.warning(
                "%s: finishing the writes in flight (Ctrl-C again to stop at once)",
                signal.Signals(signum).name,
            )
            engine.drain()
            scope.deadline = anyio.current_time() + drain_seconds


async def _run_engine(
    engine: Engine,
    drain_seconds: float,
    watch: BalanceWatch | None,
    beside: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
) -> None:
    """Run the engine with the balance check and ``beside`` (reads the entities wait for)."""
    async with anyio.create_task_group() as tg:
        tg.start_soon(_watch_signals, engine, drain_seconds, tg.cancel_scope)
        async with anyio.create_task_group() as work:
            for task in beside:
                work.start_soon(task)
            if watch is not None:
                work.start_soon(watch.run, engine.finished)
            await engine.run()
            if engine.draining:  # the money may not be all there: no check this time
                work.cancel_scope.cancel()
        tg.cancel_scope.cancel()


async def _read_networks(
    extractor: Extractor, networks: LateNetworks, store: StateStore, window: Window | None
) -> None:
    """The network lookups, and the RADIUS logins kept for the next delta (a delta reads
    only the logins changed since, over those kept; none kept: all of them)."""
    known = store.radius_logins() if window is not None else None
    changed = extractor.within(window) if window is not None and known else None
    lookups, logins = await load_network_lookups(extractor, known=known, changed=changed)
    networks.set(lookups)
    store.keep_radius_logins(logins)


async def link_deferred(specs: Sequence[EntitySpec[Any, Any]], store: StateStore) -> None:
    """Set the references that had to wait (a parent account created after its child)."""
    for spec in specs:
        for link in store.links(spec.name):
            child = store.splynx_id(spec.name, link.sonar_id)
            target = store.splynx_id(link.target_entity, link.target_sonar_id)
            if child is not None and target is not None:
                await spec.sink.link(child, link.field, target)
            elif child is not None:
                note = (
                    f"{link.target_entity} {link.target_sonar_id} is not in Splynx; link left empty"
                )
                store.cleaned(spec.name, link.sonar_id, (f"{link.field}: {note}",))
            store.linked(link)


async def migrate(
    request: MigrationRequest,
    emit: Emit,
    *,
    estimate: DryRunEstimate | None = None,
) -> MigrationResult:
    """Run the migration the request describes; never raises for a record's sake.

    The state file is locked for the whole run (``StateInUse`` when another process
    holds it); a dry run keeps its state in memory and locks nothing.
    """
    if request.dry_run:
        return await _migrate(request, emit, Path(":memory:"), estimate)
    with StateLock(request.settings.state, request.command):
        return await _migrate(request, emit, request.settings.state, estimate)


async def _migrate(
    request: MigrationRequest,
    emit: Emit,
    path: Path,
    estimate: DryRunEstimate | None,
) -> MigrationResult:
    settings = request.settings
    # the money entities the profile's [finance] mode moves (a list from the entity map has all)
    request = replace(request, entities=finance_entities(request.entities, request.profile.finance))
    store = StateStore.open(path)
    window = None
    if request.since is not None:
        try:
            window = Window(resolve_since(request.since, store.runs()))
        except MigratorError as exc:  # nothing started: no run to record
            store.close()
            return _failed(exc)
        store.partition_scope = scope_of(window.since)
    run_id = store.begin_run(request.command)
    budget = ErrorBudget(settings.max_errors, settings.max_error_rate)
    result = MigrationResult(ExitCode.OK, "completed", run_id=run_id)
    try:
        async with AsyncExitStack() as stack:
            await reach(settings, splynx=not request.dry_run)
            sonar = await stack.enter_async_context(SonarClient.from_settings(settings, emit=emit))
            emit(BudgetKnown("sonar", settings.sonar_rate))
            splynx = None
            if not request.dry_run:
                splynx = await stack.enter_async_context(SplynxClient.open(settings, emit=emit))
                emit(BudgetKnown("splynx", settings.splynx_rate * 60.0))
                if request.require_markers:
                    await require_markers(splynx, request.entities)
            extractor = Extractor(sonar, page_size=settings.page_size, producers=settings.producers)
            if window is not None:
                log.info("a delta: what Sonar changed after %s", window.since.isoformat())
            lookups = result.lookups = await load_lookups(extractor)
            networks = LateNetworks()
            tables = None
            if splynx is not None and settings.database_path:
                tables = await _database_tables(stack, settings)
            sinks = SinkFactory(splynx, store, tables)
            archived = None
            if window is not None:
                archived = ArchivedSince(window.since, request.profile.sync.archived)
            support = None  # the Splynx ticket settings the profile names (tickets need them)
            if splynx is not None and "tickets" in request.entities:
                support = await load_support_targets(
                    splynx, request.profile.support, lookups.ticket_groups
                )
            specs = build_specs(
                request.entities,
                profile=request.profile,
                lookups=lookups,
                networks=networks,
                extractor=extractor if window is None else extractor.within(window),
                sink=sinks,
                nested_page_size=settings.nested_page_size,
                ledger=store.sonar_balance,
                support=support,
                changed=None if window is None else ChangedParents(extractor.within(window)),
                archived=archived,
            )
            options = EngineOptions(
                producers=settings.producers,
                writers=settings.writers,
                queue_size=settings.queue_size,
                limit=request.limit,
                sync=window is not None,
            )
            skips = SkipTally(emit)
            engine = Engine(
                specs, store=store, options=options, budget=budget, run_id=run_id, emit=skips
            )
            watch = _balance_watch(request, splynx, store, emit, delta=window is not None)
            beside: list[Callable[[], Coroutine[Any, Any, None]]] = []
            if NETWORK_ENTITIES & set(request.entities):
                beside.append(partial(_read_networks, extractor, networks, store, window))
            await _run_engine(engine, request.drain_seconds, watch, beside)
            if engine.draining:
                result = MigrationResult(ExitCode.INTERRUPTED, "interrupted", "stopped on a signal")
            elif request.dry_run and estimate is not None:
                result.message = await estimate(sonar.stats.requests, sinks.dry_writes)
            else:
                await link_deferred(specs, store)
                result.message = password_resets(store)
                if archived is not None:
                    gone = archived.summary(request.profile.customers.archived_status)
                    result.message = "\n".join(filter(None, (result.message, gone)))
                if watch is not None:
                    result.balances = watch.report
                    differ = watch.verdict()
                    if differ:
                        result.exit_code, result.status = ExitCode.BLOCKED, "balances"
                        result.message = "\n".join(filter(None, (result.message, *differ)))
            skipped = skips.summary(sample=request.limit is not None)
            result.message = "\n".join(line for line in (result.message, skipped) if line)
    except BaseExceptionGroup as group:
        result = _failed(most_telling(group))
    except MigratorError as exc:
        result = _failed(exc)
    finally:
        # Synchronous on purpose: no await, so no cancellation can cut the final flush short.
        result.run_id = run_id
        _finish(store, result, budget, request, window)
    return result


async def _database_tables(stack: AsyncExitStack, settings: Settings) -> dict[str, WriteRows]:
    """With ``SPLYNX_DB_DSN``: money, tickets and their messages written straight into
    Splynx's tables, in batches (the rest goes through the API)."""
    assert settings.splynx_db_dsn is not None
    db = await stack.enter_async_context(
        SplynxDatabase.open(settings.splynx_db_dsn, pool_size=_DB_CONNECTIONS)
    )
    log.info("money and tickets go straight into the Splynx database %s", db.dsn)
    money, support = FinanceTables(db), SupportTables(db)
    return {
        "invoices": money.invoices,
        "payments": money.payments,
        "transactions": money.transactions,
        "tickets": support.tickets,
        "ticket_messages": support.ticket_messages,
    }


# the batches in flight (TableSink's concurrency: two for each money entity and tickets,
# one for messages), and one to spare
_DB_CONNECTIONS = 10


def _balance_watch(
    request: MigrationRequest,
    splynx: SplynxClient | None,
    store: StateStore,
    emit: Emit,
    *,
    delta: bool,
) -> BalanceWatch | None:
    """The balance check, when this run moves money into Splynx (not a sample, not a dry
    run); in a delta, of the accounts whose ledger it read."""
    money = FINANCE_ENTITIES.keys() & set(request.entities)
    if splynx is None or request.limit is not None or not money:
        return None

    def balances() -> Iterator[tuple[int, int, int]]:
        for row in store.customer_balances():
            if not delta or row[0] in store.balanced:
                yield row

    return BalanceWatch(
        splynx_deposits(splynx), balances, emit,
        waits_for=("customers", *sorted(money)),
        settled=lambda: settled_ranges(store.partitions(entity) for entity in sorted(money)),
        concurrency=request.settings.writers,
    )  # fmt: skip


def _failed(exc: BaseException) -> MigrationResult:
    if isinstance(exc, ErrorBudgetExceeded):
        return MigrationResult(ExitCode.ERROR_BUDGET, "budget", str(exc))
    if isinstance(exc, MarkersMissing):
        return MigrationResult(ExitCode.BLOCKED, "blocked", str(exc))
    if isinstance(exc, MigratorError):
        return MigrationResult(ExitCode.FATAL, "fatal", str(exc))
    raise exc


def _finish(
    store: StateStore,
    result: MigrationResult,
    budget: ErrorBudget,
    request: MigrationRequest,
    window: Window | None,
) -> None:
    dry = request.dry_run
    # A run that completes a migration says so of the whole of it: records an earlier
    # (interrupted) run rejected are as rejected as this run's.
    rejected = sum(c.rejected for c in store.counts())
    earlier = rejected - budget.rejected
    if result.exit_code == ExitCode.OK and rejected:
        result.exit_code, result.status = ExitCode.REJECTS, "rejects"
        if earlier > 0 and not dry:
            note = f"{earlier:,} records were rejected by earlier runs of this state file"
            result.message = "\n".join(line for line in (result.message, note) if line)
    if dry:
        result.rejects = [
            {"entity": r.entity, "sonar_id": r.sonar_id, "field": r.field, "reason": r.reason}
            for r in store.rejects()
        ]
    summary = {
        "settled": budget.settled,
        "rejected": budget.rejected,
        "message": result.message,
        "limit": request.limit,  # a sample is no start for ``--since last``
        "since": None if window is None else window.since.isoformat(),
    }
    assert result.run_id is not None
    store.finish_run(
        result.run_id, status=result.status, exit_code=int(result.exit_code), summary=summary
    )
    store.close()
