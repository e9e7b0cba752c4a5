"""A few days of an ISP's life, applied to a served dataset: ``apply_changes``.

Between a full load and the cut-over, a real Sonar keeps changing. One batch
(sized by ``fraction`` of the accounts: ~100 accounts touched at 10,000 and
0.01, every kind of change at least once) does what those days do:

- sign-ups (20%): new accounts shaped like existing ones (``change_signups``);
- account updates (20%): a new name, and for two in five a new status (the
  first of them a disconnecting one: "Disconnected - NonPay", "Inactive"...);
- archived accounts (5%), as the generator's archived ones look;
- a contact's new e-mail (10%), a service added (10%) or changed (5%), a note
  (15%) and a payment (15%) on an account that is itself left unchanged: a
  changed child of an unchanged parent, which a delta by the parent's
  ``updated_at`` alone would miss.

Each account is touched by one kind only. Everything written carries the
batch's moment (see ``change_batch``); ``ChangeSummary`` lists it. The same seed
on the same dataset makes the same changes; a second batch (the dataset has
changed) makes others, with ids above the first's. Nothing is deleted.
ASSUMPTION: Sonar archives accounts rather than deleting them, and deleting
is rare enough that a delta sync need not model it.

Not ``async`` and never awaiting: the simulator's single event loop applies a
batch between two GraphQL requests, never in the middle of one.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from migrator.sim.sonar.change_batch import (
    ARCHIVED_QUERIES,
    CREATED_QUERIES,
    UPDATED_QUERIES,
    Batch,
)
from migrator.sim.sonar.change_edits import (
    add_service,
    archive_account,
    change_contact,
    change_service,
    note_account,
    update_account,
)
from migrator.sim.sonar.change_payments import pay_account
from migrator.sim.sonar.change_signups import sign_up
from migrator.sim.sonar.columns import NULL, IntColumn
from migrator.sim.sonar.instance_time import SECOND, to_instant
from migrator.sim.sonar.table import Dataset

__all__ = [
    "ARCHIVED_QUERIES",
    "CREATED_QUERIES",
    "UPDATED_QUERIES",
    "ChangeSummary",
    "apply_changes",
]

log = logging.getLogger(__name__)

Step = Callable[[Batch, int, int], bool]  # (batch, account row, how many done) → applied?

SIGN_UP_SHARE = 0.20
_MOVES = (0, None, 1, None, None)  # per five updated accounts: which status move, if any
# (share of the batch's accounts, step), in the order they are dealt.
_EDITS: tuple[tuple[float, Step], ...] = (
    (0.20, lambda batch, row, done: update_account(batch, row, _MOVES[done % 5])),
    (0.05, lambda batch, row, _: archive_account(batch, row)),
    (0.10, lambda batch, row, _: change_contact(batch, row)),
    (0.10, lambda batch, row, _: add_service(batch, row)),
    (0.05, lambda batch, row, _: change_service(batch, row)),
    (0.15, lambda batch, row, _: note_account(batch, row)),
    (0.15, lambda batch, row, _: pay_account(batch, row)),
)
_TRIES_PER_SIGN_UP = 20


class ChangeSummary(BaseModel):
    """What one batch did: per list query, the ids it created, updated (still live) and
    archived (each id in one list only), and ``at``, the ``updated_at`` it gave them all,
    spelled as Sonar spells it. ``model_dump(mode="json")`` is the admin endpoint's answer."""

    model_config = ConfigDict(frozen=True)

    created: dict[str, list[int]]
    updated: dict[str, list[int]]
    archived: dict[str, list[int]]
    at: str


def _latest(dataset: Dataset) -> int:
    """The latest ``updated_at`` anywhere in the data (``NULL`` for none)."""
    latest = NULL
    for table in dataset.tables.values():
        column = table.columns.get("updated_at")
        if isinstance(column, IntColumn) and len(column):
            latest = max(latest, max(column.values))
    return latest


def _moment(dataset: Dataset, now: datetime | None) -> int:
    """The batch's instant, to the second (as Sonar's timestamps are): ``now``, or the wall
    clock; never at or before a change the data already holds."""
    latest = _latest(dataset)
    if now is None:
        wall = to_instant(datetime.now(UTC)) // SECOND * SECOND
        return max(wall, latest // SECOND * SECOND + SECOND)
    if now.utcoffset() is None:
        raise ValueError("now must carry a time zone")
    at = to_instant(now) // SECOND * SECOND
    if at <= latest:
        raise ValueError("now must come after every updated_at the data holds")
    return at


def _sign_ups(batch: Batch, live: list[int], count: int) -> None:
    for _ in range(count * _TRIES_PER_SIGN_UP if live else 0):
        if count == 0:
            return
        if sign_up(batch, batch.rng.choice(live)):
            count -= 1


def _deal(batch: Batch, pool: list[int], step: Step, count: int) -> list[int]:
    """Apply ``step`` to the first ``count`` accounts of ``pool`` it applies to; the pool
    without them."""
    left: list[int] = []
    done = 0
    for position, row in enumerate(pool):
        if done == count:
            return left + pool[position:]
        if step(batch, row, done):
            done += 1
        else:
            left.append(row)
    return left


def apply_changes(
    dataset: Dataset, *, seed: int, fraction: float = 0.01, now: datetime | None = None
) -> ChangeSummary:
    """Apply one batch of changes to ``dataset`` in place (see the module's description).

    ``now``: the batch's moment (aware; default the wall clock); ``ValueError`` for a
    ``fraction`` outside ``(0, 1]`` or a ``now`` not after the data's latest change.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    at = _moment(dataset, now)
    accounts = dataset.table("accounts")
    highest = accounts.ids[-1] if len(accounts) else 0
    batch = Batch(dataset, at, random.Random(f"sonar-changes:{seed}:{len(accounts)}:{highest}"))
    live = [row for row in range(len(accounts)) if accounts.value(row, "archived_at") is None]
    batch.rng.shuffle(live)
    size = fraction * len(accounts)

    def wanted(share: float) -> int:
        return max(1, round(share * size)) if len(accounts) else 0

    _sign_ups(batch, live, wanted(SIGN_UP_SHARE))
    pool = live
    for share, step in _EDITS:
        pool = _deal(batch, pool, step, wanted(share))
    summary = ChangeSummary(
        created={query: sorted(ids) for query, ids in batch.created.items()},
        updated={query: sorted(ids) for query, ids in batch.updated.items()},
        archived={query: sorted(ids) for query, ids in batch.archived.items()},
        at=batch.stamp,
    )
    log.info(
        "changes at %s (seed %d): %d records created, %d updated, %d archived",
        summary.at,
        seed,
        sum(map(len, summary.created.values())),
        sum(map(len, summary.updated.values())),
        sum(map(len, summary.archived.values())),
    )
    return summary
