"""Accounts, and the facts about each that later generators lean on.

Accounts sign up over the ~50 months before the snapshot, so ids rise with
``created_at``. A seeded share is awkward on purpose (see ``words.NameStyle``),
about 6% of older accounts are archived (``archived_at`` set; Sonar hides
them unless ``include_archived: true``), about 2% are child accounts of an
earlier one (``parent_account_id``). About 6% are delinquent: those in the
"Delinquent" and "Collections" statuses, and ~2% of "Active" ones (a bill
overdue, the status not changed yet). About 82% are residential, 3% seniors,
11% businesses, 2% farms (industrial), 2% government.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from migrator.sim.sonar.generate.common import Columns, IdSequence, Salt, World, common_fields
from migrator.sim.sonar.generate.service_catalog import CatalogService, ServiceCatalog
from migrator.sim.sonar.generate.words import CITIES, NameStyle, styled_name
from migrator.sim.sonar.instance_time import (
    DAY,
    NOW,
    SECOND,
    instant_to_iso,
    local_date,
    month_start,
)
from migrator.sim.sonar.table import NULL, Table

__all__ = [
    "PERSON_TYPES",
    "AccountFacts",
    "Status",
    "account_location",
    "generate_accounts",
    "plan_for",
]

SIGNUP_START = month_start(2021, 4)
MESSY_SHARE = 0.084  # spread evenly over the seven awkward name styles


class Status(IntEnum):
    """Account status ids, as ``reference.STATUSES`` lists them."""

    ACTIVE = 1
    INACTIVE = 2
    DELINQUENT = 3
    SUSPENDED = 4
    PENDING = 5
    CANCELLED = 6
    COLLECTIONS = 7
    HOLD = 9
    SEASONAL = 10
    STAFF = 11
    NON_PAYMENT = 12
    MOVED = 13


_LIVE_STATUSES = (
    (0.85, Status.ACTIVE), (0.90, Status.DELINQUENT), (0.92, Status.SUSPENDED),
    (0.93, Status.COLLECTIONS), (0.94, Status.HOLD), (0.95, Status.NON_PAYMENT),
    (0.97, Status.SEASONAL), (0.98, Status.STAFF), (1.0, Status.INACTIVE),
)  # fmt: skip
# Account type ids (``reference._TYPES``) by cumulative share: residential, senior,
# business, industrial, government.
_TYPE_SHARES = ((0.82, 1), (0.85, 5), (0.96, 2), (0.98, 4), (1.0, 3))
PERSON_TYPES = frozenset({1, 5})  # the types whose accounts are people, not businesses
_GONE_STATUSES = (Status.CANCELLED, Status.CANCELLED, Status.MOVED, Status.NON_PAYMENT)
_ARCHIVABLE = frozenset({Status.CANCELLED, Status.MOVED, Status.NON_PAYMENT, Status.INACTIVE})


@dataclass
class AccountFacts:
    """What other generators need to know about accounts, by row."""

    table: Table
    created: array[int]
    archived: array[int]
    types: array[int]
    styles: array[int]
    statuses: array[int]


def account_location(world: World, account_id: int) -> tuple[tuple[Any, ...], float, float]:
    """Where an account's service address is (its geopoint agrees)."""
    draw = world.draw(Salt.ADDRESS, account_id, 0)
    city = draw.pick(CITIES)
    return city, city[4] + (draw.unit() - 0.5) * 0.2, city[5] + (draw.unit() - 0.5) * 0.2


def plan_for(world: World, account_id: int, created: int) -> CatalogService:
    """The data plan an account has had since sign-up (older ones often on a legacy plan)."""
    catalog: ServiceCatalog = world.facts["catalog"]
    draw = world.draw(Salt.PLAN, account_id)
    legacy = [plan for plan in catalog.plans if not plan.enabled]
    if created < month_start(2022, 1) and legacy and draw.chance(0.3):
        return draw.pick(legacy)
    return draw.pick(catalog.enabled_plans)


def _status(rng_value: float, archived: bool, created: int) -> Status:
    if archived:
        return _GONE_STATUSES[int(rng_value * len(_GONE_STATUSES))]
    if created > NOW - 14 * DAY and rng_value < 0.6:
        return Status.PENDING
    return next(status for bound, status in _LIVE_STATUSES if rng_value < bound)


def generate_accounts(world: World) -> AccountFacts:
    rng, ids = world.rng, IdSequence(world.rng)
    span = NOW - 3 * DAY - SIGNUP_START
    signups = sorted(
        SIGNUP_START + int(rng.random() * span) // SECOND * SECOND for _ in range(world.scale)
    )
    cols = Columns()
    for name in ("archived_at", "parent_account_id", "account_status_id", "account_type_id"):
        cols.column(name)
    cols.column("style", "b")
    for row, created in enumerate(signups):
        _add_account(rng, cols, row, ids.next(), created)
    exposed = ("archived_at", "parent_account_id", "account_status_id", "account_type_id")
    facts = AccountFacts(
        table=cols.table("accounts", lambda row: _account(world, facts, row), exposed),
        created=cols.created,
        archived=cols.extra["archived_at"],
        types=cols.extra["account_type_id"],
        styles=cols.extra["style"],
        statuses=cols.extra["account_status_id"],
    )
    world.facts["accounts"] = facts
    return facts


def _add_account(rng: Any, cols: Columns, row: int, account_id: int, created: int) -> None:
    """One account's structural facts: archived or not, status, type, name style, parent."""
    cols.ids.append(account_id)
    cols.created.append(created)
    gone = created < NOW - 180 * DAY and rng.random() < 0.06
    ended = created + 90 * DAY + int(rng.random() * (NOW - created - 91 * DAY)) if gone else NULL
    archived = ended // SECOND * SECOND if gone else NULL
    cols.extra["archived_at"].append(archived)
    cols.extra["account_status_id"].append(_status(rng.random(), gone, created))
    roll = rng.random()
    cols.extra["account_type_id"].append(next(kind for bound, kind in _TYPE_SHARES if roll < bound))
    roll = rng.random()
    messy = 1 + int(roll / (MESSY_SHARE / 7)) if roll < MESSY_SHARE else NameStyle.PLAIN
    cols.extra["style"].append(messy)
    cols.extra["parent_account_id"].append(_parent(rng, row, cols))
    touched = created + int(rng.random() * (NOW - created)) if rng.random() < 0.7 else created
    cols.updated.append(max(touched // SECOND * SECOND, archived))


def _parent(rng: Any, row: int, cols: Columns) -> int:
    """About 2% of accounts are children of an earlier account (never of a child)."""
    if row < 20 or rng.random() >= 0.02:
        return NULL
    candidate = int(rng.random() * row)
    grand = cols.extra["parent_account_id"][candidate]
    return cols.ids[candidate] if grand == NULL else grand


def account_name(world: World, facts: AccountFacts, row: int) -> str:
    account_id = facts.table.ids[row]
    style = NameStyle(facts.styles[row])
    business = facts.types[row] not in PERSON_TYPES
    return styled_name(style, world.draw(Salt.ACCOUNT, account_id, 1), business)


def _account(world: World, facts: AccountFacts, row: int) -> dict[str, Any]:
    account_id, created = facts.table.ids[row], facts.created[row]
    draw = world.draw(Salt.ACCOUNT, account_id)
    archived, status = facts.archived[row], Status(facts.statuses[row])
    record = common_fields(draw, account_id, created, facts.table.columns["updated_at"][row])
    live = archived == NULL
    pending = status is Status.PENDING
    activated = created + draw.between(1, 10) * DAY
    _, lat, lon = account_location(world, account_id)
    plan = plan_for(world, account_id, created)
    parent = facts.table.columns["parent_account_id"][row]
    record.update(
        account_status_id=str(int(status)),
        account_type_id=str(facts.types[row]),
        activation_date=None if pending else local_date(activated).isoformat(),
        activation_time=None if pending else f"{draw.between(8, 17):02d}:{draw.below(60):02d}:00",
        archived_at=None if live else instant_to_iso(archived),
        archived_by_user_id=None if live else str(draw.pick(world.facts["staff"])),
        company_id="1",
        data_usage_percentage=draw.between(0, 130) if live and not pending else None,
        geopoint=None if draw.chance(0.03) else f"{lat:.6f},{lon:.6f}",
        is_delinquent=status in (Status.DELINQUENT, Status.COLLECTIONS),
        is_eligible_for_archive=None if draw.chance(0.1) else status in _ARCHIVABLE,
        name=account_name(world, facts, row),
        next_bill_date="2025-06-01" if live else None,
        next_recurring_charge_amount=plan.amount if live else None,
        parent_account_id=None if parent is None else str(parent),
    )
    overdue = draw.chance(0.02)  # drawn last: the fields above keep their values
    record["is_delinquent"] = record["is_delinquent"] or (status is Status.ACTIVE and overdue)
    return record
