"""The end of a run that moved money: every customer's balance, Splynx's against Sonar's.

Sonar's side is what each account owed when its ledger was read
(``StateStore.sonar_balance``, kept as the money entities read it), turned
into Splynx's sign (``finance_ledger.splynx_balance``: owing is negative).
Splynx's side is read through its API, ``customer-billing/{id}`` ``deposit``,
never from its database: the application keeps that stored field, and a
rehearsal against a real staging Splynx must show whatever it really holds
(a bulk path that forgot to move it, say).

The reads are spread over ``concurrency`` workers (the Splynx client's own
limiter keeps them inside its budget) and reported as the stream
``balances``: each equal one ``checked``, each different one ``rejected``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import anyio
from anyio.abc import ObjectReceiveStream

from migrator.events import Emit, RecordsSettled, StreamFinished, StreamPlanned
from migrator.splynx.client import SplynxClient
from migrator.splynx.records import CustomerBalance
from migrator.transform.finance_ledger import splynx_balance

__all__ = ["BALANCES", "BalanceMismatch", "BalanceReport", "BalanceWatch", "check_balances"]

BALANCES = "balances"
_Work = tuple[int, int, int]  # account id, Splynx customer id, cents owed in Sonar


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


async def check_balances(
    client: SplynxClient, customers: Iterable[_Work], emit: Emit, *, concurrency: int = 8
) -> BalanceReport:
    """Compare each customer's Splynx balance with Sonar's; the differences, by account."""
    work = list(customers)
    emit(StreamPlanned(BALANCES, len(work)))
    mismatches: list[BalanceMismatch] = []
    send, receive = anyio.create_memory_object_stream[_Work](concurrency)

    async def compare(items: ObjectReceiveStream[_Work]) -> None:
        async with items:
            async for account_id, customer_id, owed in items:
                found = await _deposit(client, customer_id)
                expected = splynx_balance(owed)
                if found == expected:
                    emit(RecordsSettled(BALANCES, "checked"))
                    continue
                mismatches.append(BalanceMismatch(account_id, customer_id, expected, found))
                emit(RecordsSettled(BALANCES, "rejected"))

    async with anyio.create_task_group() as tg:
        for _ in range(max(1, concurrency)):
            tg.start_soon(compare, receive.clone())
        receive.close()
        async with send:
            for item in work:
                await send.send(item)
    emit(StreamFinished(BALANCES))
    mismatches.sort(key=lambda m: m.account_id)
    return BalanceReport(len(work), tuple(mismatches))


class BalanceWatch:
    """The balance check of a run, started as soon as its customers and money are written.

    It waits for those entities to finish, not for the whole run: the rest (services,
    comments...) goes on meanwhile, so the check's reads share Splynx's capacity with
    them instead of coming after them. ``report`` is None until it has run.
    """

    def __init__(
        self,
        client: SplynxClient,
        balances: Callable[[], Iterable[_Work]],
        emit: Emit,
        *,
        waits_for: Iterable[str],
        concurrency: int = 8,
    ) -> None:
        self._client = client
        self._balances = balances
        self._emit = emit
        self._waits_for = tuple(waits_for)
        self._concurrency = concurrency
        self.report: BalanceReport | None = None

    async def run(self, finished: Callable[[Iterable[str]], Awaitable[None]]) -> None:
        """Wait with ``finished`` (the engine's) for the entities, then check."""
        await finished(self._waits_for)
        self.report = await check_balances(
            self._client, self._balances(), self._emit, concurrency=self._concurrency
        )

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


async def _deposit(client: SplynxClient, customer_id: int) -> Decimal | None:
    record = await client.get_as(CustomerBalance, "customer_billing", customer_id)
    return None if record is None else record.deposit
