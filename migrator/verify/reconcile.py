"""``verify``: every selected entity reconciled at once, then the balances.

The Sonar side is wired by the run's own ``build_specs`` (the same readers,
transforms, lookups and profile), with ``Targets`` in place of sinks, so what
verify expects is exactly what a run would write. Both clients are the run's,
with their rate limiters: verify spends the same budgets and never exceeds
them, and it sends Splynx only reads (GET and the listing searches).

Balances: when money entities are verified, their ledger read (the run's
``ledger`` hook) gives each account's balance in Sonar now; each migrated
customer's ``deposit`` in Splynx is compared with it to the cent, as the run's
own check does (``check_balances``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import anyio

from migrator.errors import ConfigError
from migrator.events import BudgetKnown, Emit
from migrator.first_contact import reach
from migrator.pipeline.balance_check import check_balances
from migrator.pipeline.finance_specs import LedgerSink, finance_entities
from migrator.pipeline.late_lookups import LateNetworks
from migrator.pipeline.lookups import load_lookups, load_network_lookups
from migrator.pipeline.state import StateStore
from migrator.pipeline.support_specs import load_support_targets
from migrator.pipeline.wiring import NETWORK_ENTITIES, build_specs
from migrator.profile import Profile
from migrator.settings import Settings
from migrator.sonar.client import SonarClient
from migrator.sonar.extract import Extractor
from migrator.splynx.client import SplynxClient
from migrator.verify.checks import CHECKS
from migrator.verify.entity_check import EntityVerifier
from migrator.verify.report import EntityReport, VerifyReport
from migrator.verify.targets import Targets

__all__ = ["DEFAULT_SAMPLE", "VerifyRequest", "verifiable", "verify"]

log = logging.getLogger(__name__)

DEFAULT_SAMPLE = 300  # records compared field by field per entity, unless --sample / --all


@dataclass(frozen=True)
class VerifyRequest:
    settings: Settings
    profile: Profile
    entities: Sequence[str]
    sample: int | None = DEFAULT_SAMPLE  # None: every record


def verifiable(entities: Sequence[str]) -> list[str]:
    """The entities verify knows how to reconcile, in the run's order."""
    return [name for name in entities if name in CHECKS]


def _balances(store: StateStore, owed: dict[int, int]) -> list[tuple[int, int, int]]:
    """(account, Splynx customer, cents owed in Sonar now) of each migrated customer."""
    found = []
    for account_id, cents in sorted(owed.items()):
        customer_id = store.splynx_id("customers", account_id)
        if customer_id is not None:
            found.append((account_id, customer_id, cents))
    return found


def _open_state(path: Path) -> StateStore:
    if not path.exists():
        raise ConfigError(
            f"no state file at {path}: verify reconciles what a run did "
            "(--state or MIGRATOR_STATE names the run's state file)"
        )
    return StateStore.open(path)


async def verify(request: VerifyRequest, emit: Emit) -> VerifyReport:
    """Reconcile Sonar, Splynx and the state store; reads only, writes nowhere."""
    settings = request.settings
    store = _open_state(settings.state)
    report = VerifyReport(sample=request.sample)
    try:
        async with AsyncExitStack() as stack:
            await reach(settings)
            sonar = await stack.enter_async_context(SonarClient.from_settings(settings, emit=emit))
            emit(BudgetKnown("sonar", settings.sonar_rate))
            splynx = await stack.enter_async_context(SplynxClient.open(settings, emit=emit))
            emit(BudgetKnown("splynx", settings.splynx_rate * 60.0))
            owed: dict[int, int] = {}
            report.entities = await _entities(request, store, sonar, splynx, emit, owed.__setitem__)
            if owed:
                balances = _balances(store, owed)
                found = await check_balances(splynx, balances, emit, concurrency=settings.writers)
                report.balances = found.as_dict()
    finally:
        store.close()
    return report


async def _entities(
    request: VerifyRequest,
    store: StateStore,
    sonar: SonarClient,
    splynx: SplynxClient,
    emit: Emit,
    ledger: LedgerSink,
) -> list[EntityReport]:
    settings = request.settings
    extractor = Extractor(sonar, page_size=settings.page_size, producers=settings.producers)
    lookups = await load_lookups(extractor)
    networks = LateNetworks()
    names = verifiable(finance_entities(request.entities, request.profile.finance))
    support = None  # the ticket statuses, groups and type the run gave tickets
    if "tickets" in names:
        rules = request.profile.support
        support = await load_support_targets(splynx, rules, lookups.ticket_groups)
    specs = build_specs(
        names, profile=request.profile, lookups=lookups, networks=networks,
        extractor=extractor, sink=Targets(), nested_page_size=settings.nested_page_size,
        ledger=ledger, support=support,
    )  # fmt: skip
    verifiers = [
        EntityVerifier(
            spec,
            CHECKS[spec.name],
            splynx=splynx,
            store=store,
            emit=emit,
            sample=request.sample,
            partitions=settings.producers,
        )
        for spec in specs
    ]
    reports: dict[str, EntityReport] = {}

    async def one(verifier: EntityVerifier) -> None:
        reports[verifier.report.entity] = await verifier.reconcile()

    # Every entity's Splynx index first, then Sonar for all at once: the money entities
    # page through the same accounts' ledgers in step and share each page's request
    # (``SharedLedger``); one that started late would read them all again.
    async with anyio.create_task_group() as tg:
        for verifier in verifiers:
            tg.start_soon(verifier.index)

    async def read_networks() -> None:
        networks.set((await load_network_lookups(extractor))[0])

    async with anyio.create_task_group() as tg:
        if NETWORK_ENTITIES & set(names):
            tg.start_soon(read_networks)
        for verifier in verifiers:
            tg.start_soon(one, verifier)
    return [reports[name] for name in names]
