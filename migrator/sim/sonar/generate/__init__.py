"""A whole ISP's Sonar data, generated from a seed: ``generate_dataset(scale, seed)``.

The order of the steps is part of the output (they share one random stream),
so it is fixed here and nowhere else.
"""

from __future__ import annotations

import logging
import random
import time

from migrator.sim.sonar.generate.access import access_tables, data_services
from migrator.sim.sonar.generate.accounts import AccountFacts, generate_accounts
from migrator.sim.sonar.generate.addresses import generate_addresses
from migrator.sim.sonar.generate.addressing import assignment_tables, holdings
from migrator.sim.sonar.generate.billing import BillingRun
from migrator.sim.sonar.generate.billing_settings import generate_billing_parameters
from migrator.sim.sonar.generate.common import World
from migrator.sim.sonar.generate.contacts import generate_contacts, generate_phone_numbers
from migrator.sim.sonar.generate.equipment import customer_devices, equipment_tables
from migrator.sim.sonar.generate.holdings import (
    IpPlan,
    generate_account_services,
    generate_custom_field_data,
    plan_ip_assignments,
)
from migrator.sim.sonar.generate.ledger import ledger_tables
from migrator.sim.sonar.generate.reference import reference_tables
from migrator.sim.sonar.generate.support import support_tables
from migrator.sim.sonar.generate.tax_exemptions import generate_tax_exemptions
from migrator.sim.sonar.generate.tickets import SupportRun
from migrator.sim.sonar.generate.timeline import History, Sequences, months_until_now
from migrator.sim.sonar.instance_time import NOW
from migrator.sim.sonar.table import NULL, Dataset, Table
from migrator.sonar.schema import SERVED_QUERIES

__all__ = ["generate_dataset"]

log = logging.getLogger(__name__)


def generate_dataset(scale: int, seed: int) -> Dataset:
    """``scale`` accounts and everything that hangs off them, the same for the same seed."""
    started = time.perf_counter()
    world = World(seed=seed, scale=scale, rng=random.Random(seed))
    tables: dict[str, Table] = reference_tables(world)
    accounts = generate_accounts(world)
    tables["accounts"] = accounts.table
    tables["contacts"] = generate_contacts(world, accounts)
    tables["phone_numbers"] = generate_phone_numbers(world, tables["contacts"])
    tables["addresses"] = generate_addresses(world, accounts)
    tables["account_services"] = generate_account_services(world, accounts)
    ip_plan = plan_ip_assignments(world, accounts)
    tables["custom_field_data"] = generate_custom_field_data(world, accounts)
    tables["account_billing_parameters"] = generate_billing_parameters(world, accounts)
    tables["tax_exemptions"] = generate_tax_exemptions(world, accounts)
    history = _run_history(world, accounts, _primary_contacts(tables["contacts"]))
    tables.update(ledger_tables(world, accounts, history))
    tables.update(support_tables(world, history))
    tables.update(equipment_tables(world, tables))
    _access_and_addresses(world, tables, ip_plan)
    dataset = Dataset({query: tables[query] for query in SERVED_QUERIES}, source=f"seed {seed}")
    log.info(
        "generated %d records for %d accounts (seed %d) in %.1f s",
        sum(dataset.counts().values()),
        scale,
        seed,
        time.perf_counter() - started,
    )
    return dataset


def _access_and_addresses(world: World, tables: dict[str, Table], ip_plan: IpPlan) -> None:
    """RADIUS logins and MACs of accounts with a data service, then their IPs in the address
    plan: last, since IPs may be put on equipment. Neither draws from the shared stream."""
    built, access = access_tables(world, tables, data_services(world, tables))
    tables.update(built)
    owners = holdings(access, customer_devices(tables))
    tables.update(assignment_tables(world, tables, ip_plan, owners))


def _primary_contacts(contacts: Table) -> dict[int, int]:
    """Account id → id of its first contact (notes are now and then written on it)."""
    first: dict[int, int] = {}
    owners, kinds = contacts.columns["contactable_id"], contacts.columns["contactable_type"]
    for row in range(len(contacts)):
        if kinds[row] == "Account":
            first.setdefault(owners[row], contacts.ids[row])
    return first


def _run_history(world: World, accounts: AccountFacts, contacts: dict[int, int]) -> History:
    """Months outermost, accounts inside: billing for served accounts, support for all."""
    history, sequences = History(), Sequences(world.rng)
    billing = BillingRun(world, history, sequences)
    support = SupportRun(world, history, sequences)
    removed: dict[int, int] = world.facts["removed"]
    first = accounts.created[0] if len(accounts.created) else NOW
    ids, created_at, archived_at = accounts.table.ids, accounts.created, accounts.archived
    for month in months_until_now(first):
        billing.begin_month()
        for row, account_id in enumerate(ids):
            created, archived = created_at[row], archived_at[row]
            if created >= month.stop or (archived != NULL and archived <= month.start):
                continue
            if created < month.start and removed.get(account_id, NOW) > month.start:
                billing.bill(account_id, created, accounts.statuses[row], month)
            support.month(account_id, contacts.get(account_id), month, created)
    return history
