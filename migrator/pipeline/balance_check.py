"""Every customer's balance, Splynx's against Sonar's, in a run that moved money.

Sonar's side is what each account owed when its ledger was read
(``StateStore.sonar_balance``, kept as the money entities read it), turned
into Splynx's sign (``finance_ledger.splynx_balance``: owing is negative).
Splynx's side is read through its API, ``customer-billing/{id}`` ``deposit``,
never from its database: the application keeps that stored field, and a
rehearsal against a real staging Splynx must show whatever it really holds
(a bulk path that forgot to move it, say).

An account is checked as soon as every money entity has settled it (its
partition's checkpoint has passed it: ``settled_ranges``), not at the end of
the run: the reads share Splynx's capacity with the writes still going on
instead of coming after them. They are spread over ``concurrency`` workers (the
Splynx client's own limiter keeps them inside its budget) and reported as the
stream ``balances``: each equal one ``checked``, each different one ``rejected``.
"""

from __future__ import annotations

import bisect
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import anyio
from anyio.abc import ObjectReceiveStream, ObjectSendStream, TaskGroup

from migrator.events import Emit, RecordsSettled, StreamFinished, StreamPlanned
from migrator.pipeline.state_schema import PartitionState
from migrator.splynx.client import SplynxClient
from migrator.splynx.records import CustomerBalance
from migrator.transform.finance_ledger import splynx_balance

__all__ = [
    "BALANCES",
    "BalanceMismatch",
    "BalanceReport",
    "BalanceWatch",
    "check_balances",
    "settled_ranges",
    "splynx_deposits",
]

BALANCES = "balances"
_Work = tuple[int, int, int]  # account id, Splynx customer id, cents owed in Sonar
Range = tuple[int, int]  # inclusive account ids


@dataclass(frozen=True)
class BalanceMismatch:
    account_id: int
    customer_id: int
    sonar: Decimal  # the balance Sonar's ledger gives, in Splynx's sign
    splynx: Decimal | None  # None: Splynx has no billing record for the customer

    def describe(self) -> str:
        shown = "no billing record" if self.splynx is None else f"{self.splynx:.2f}"
        return (
            f"account {self.account_id} (customer {self.customer_id}): "
            f"Sonar {self.sonar:.2f}, Splynx {shown}"
        )


@dataclass(frozen=True)
class BalanceReport:
    checked: int
    mismatches: tuple[BalanceMismatch, ...]

    @property
    def equal(self) -> int:
        return self.checked - len(self.mismatches)

    def as_dict(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "equal": self.equal,
            "different": [
                {"account_id": m.account_id, "customer_id": m.customer_id,
                 "sonar": str(m.sonar), "splynx": None if m.splynx is None else str(m.splynx)}
                for m in self.mismatches
            ],
        }  # fmt: skip


def settled_ranges(partitions: Iterable[Sequence[PartitionState]]) -> list[Range]:
    """The account ids every entity has settled: each entity's partitions (one list per
    entity) give the ranges up to their checkpoints; the answer is where all overlap."""
    common: list[Range] | None = None
    for parts in partitions:
        mine = sorted(
            (p.low, p.high if p.done else p.checkpoint)
            for p in parts
            if (p.high if p.done else p.checkpoint) >= p.low
        )
        common = mine if common is None else _overlap(common, mine)
    return common or []


def _overlap(left: list[Range], right: list[Range]) -> list[Range]:
    out, i, j = [], 0, 0
    while i < len(left) and j < len(right):
        low, high = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if low <= high:
            out.append((low, high))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def _within(ranges: list[Range], account_id: int) -> bool:
    at = bisect.bisect_right(ranges, (account_id, 2**63)) - 1
    return at >= 0 and ranges[at][0] <= account_id <= ranges[at][1]


Deposit = Callable[[int], Awaitable[Decimal | None]]  # a Splynx customer's balance, if any


def splynx_deposits(client: SplynxClient) -> Deposit:
    """Read each customer's balance through Splynx's API."""

    async def deposit(customer_id: int) -> Decimal | None:
        record = await client.get_as(CustomerBalance, "customer_billing", customer_id)
        return None if record is None else record.deposit

    return deposit


class _Comparer:
    """Reads customers' balances from Splynx and keeps the ones that differ."""

    def __init__(self, deposit: Deposit, emit: Emit) -> None:
        self.deposit, self.emit = deposit, emit
        self.checked = 0
        self.mismatches: list[BalanceMismatch] = []

    async def compare(self, items: ObjectReceiveStream[_Work]) -> None:
        async with items:
            async for account_id, customer_id, owed in items:
                found = await self.deposit(customer_id)
                expected = splynx_balance(owed)
                self.checked += 1
                if found == expected:
                    self.emit(RecordsSettled(BALANCES, "checked"))
                    continue
                self.mismatches.append(BalanceMismatch(account_id, customer_id, expected, found))
                self.emit(RecordsSettled(BALANCES, "rejected"))

    def report(self) -> BalanceReport:
        return BalanceReport(
            self.checked, tuple(sorted(self.mismatches, key=lambda m: m.account_id))
        )


async def check_balances(
    client: SplynxClient, customers: Iterable[_Work], emit: Emit, *, concurrency: int = 8
) -> BalanceReport:
    """Compare each customer's Splynx balance with Sonar's; the differences, by account."""
    work = list(customers)
    emit(StreamPlanned(BALANCES, len(work)))
    comparer = _Comparer(splynx_deposits(client), emit)
    async with anyio.create_task_group() as tg:
        send = _start(tg, comparer, concurrency)
        async with send:
            for item in work:
                await send.send(item)
    emit(StreamFinished(BALANCES))
    return comparer.report()


def _start(tg: TaskGroup, comparer: _Comparer, concurrency: int) -> ObjectSendStream[_Work]:
    send, receive = anyio.create_memory_object_stream[_Work](concurrency)
    with receive:
        for _ in range(max(1, concurrency)):
            tg.start_soon(comparer.compare, receive.clone())
    return send


class BalanceWatch:
    """The balance check of a run: each account as soon as its money is all written.

    Every ``interval`` seconds it asks which accounts every money entity has
    settled (``settled``: the entities' partitions) and checks those not checked
    yet; once the entities are finished (the engine's ``finished``), the rest.
    ``report`` is None until it has run to the end.
    """

    def __init__(
        self,
        deposit: Deposit,
        balances: Callable[[], Iterable[_Work]],
        emit: Emit,
        *,
        waits_for: Iterable[str],
        settled: Callable[[], list[Range]],
        concurrency: int = 8,
        interval: float = 5.0,
    ) -> None:
        self._deposit = deposit
        self._balances = balances
        self._emit = emit
        self._waits_for = tuple(waits_for)
        self._settled = settled
        self._concurrency = concurrency
        self._interval = interval
        self._sent: set[int] = set()
        self.report: BalanceReport | None = None

    async def run(self, finished: Callable[[Iterable[str]], Awaitable[None]]) -> None:
        """Check settled accounts while ``finished`` waits for the entities, then the rest."""
        self._emit(StreamPlanned(BALANCES, None))
        comparer = _Comparer(self._deposit, self._emit)
        done = anyio.Event()

        async def wait() -> None:
            await finished(self._waits_for)
            done.set()

        async with anyio.create_task_group() as tg:
            tg.start_soon(wait)
            async with _start(tg, comparer, self._concurrency) as send:
                while not done.is_set():
                    await self._send(send, self._settled())
                    with anyio.move_on_after(self._interval):
                        await done.wait()
                await self._send(send, None)
                self._emit(StreamPlanned(BALANCES, len(self._sent)))
        self._emit(StreamFinished(BALANCES))
        self.report = comparer.report()

    async def _send(self, send: ObjectSendStream[_Work], within: list[Range] | None) -> None:
        """Queue the accounts not sent yet (those in ``within``; None: all of them)."""
        due = [
            item
            for item in self._balances()
            if item[0] not in self._sent and (within is None or _within(within, item[0]))
        ]
        for item in due:
            self._sent.add(item[0])
            await send.send(item)

    def verdict(self) -> list[str]:
        """What the run must say: nothing when every balance is equal, else the list."""
        report = self.report
        if report is None or not report.mismatches:
            return []
        shown = [m.describe() for m in report.mismatches[:_SHOWN]]
        more = len(report.mismatches) - len(shown)
        return [
            f"{len(report.mismatches):,} of {report.checked:,} customers' balances differ "
            "between Splynx and Sonar:",
            *(f"  {line}" for line in shown),
            *([f"  ... and {more:,} more in the summary file"] if more > 0 else []),
        ]


_SHOWN = 20
