"""The balance check's timing: which accounts every money entity has settled (from their
partitions' checkpoints), and a watch that checks those before the money finishes."""

from collections.abc import Iterable
from decimal import Decimal

import anyio

from migrator.events import Event, RecordsSettled
from migrator.pipeline.balance_check import BalanceWatch, settled_ranges
from migrator.pipeline.state_schema import PartitionState

TOP = 2**63 - 1


def parts(entity: str, *states: tuple[int, int, int, bool]) -> list[PartitionState]:
    return [PartitionState(entity, n, *state) for n, state in enumerate(states)]


def test_an_entity_settles_up_to_each_checkpoint_and_a_finished_partition_entirely() -> None:
    invoices = parts("invoices", (1, 5000, 1200, False), (5001, TOP, 7000, True))
    assert settled_ranges([invoices]) == [(1, 1200), (5001, TOP)]


def test_a_partition_not_begun_settles_nothing() -> None:
    invoices = parts("invoices", (1, 5000, 0, False), (5001, TOP, 5000, False))
    assert settled_ranges([invoices]) == []


def test_accounts_count_only_where_every_entity_has_settled_them() -> None:
    invoices = parts("invoices", (1, 5000, 3000, False), (5001, TOP, 9000, False))
    payments = parts("payments", (1, 5000, 2500, False), (5001, TOP, 9500, False))
    transactions = parts("transactions", (1, 5000, 5000, True), (5001, TOP, 6000, False))
    assert settled_ranges([invoices, payments, transactions]) == [(1, 2500), (5001, 6000)]


def test_an_entity_with_no_partitions_yet_holds_every_account_back() -> None:
    invoices = parts("invoices", (1, TOP, 9000, False))
    assert settled_ranges([invoices, []]) == []
    assert settled_ranges([]) == []


def test_partitions_that_split_differently_still_overlap_exactly() -> None:
    invoices = parts("invoices", (1, 100, 100, True), (101, 200, 150, False))
    payments = parts("payments", (1, 60, 60, True), (61, 130, 130, True), (131, 200, 140, False))
    assert settled_ranges([invoices, payments]) == [(1, 60), (61, 100), (101, 130), (131, 140)]


# -- the watch: accounts checked as their money settles, each once --------------------


OWED = {1: 1000, 2: 0, 3: 250, 4: 4200}  # account id -> cents owed in Sonar
CUSTOMER = {1: 11, 2: 12, 3: 13, 4: 14}  # account id -> Splynx customer id


class Splynx:
    """Customers' balances as Splynx would answer them; customer 13's is wrong."""

    def __init__(self) -> None:
        self.read: list[int] = []
        self.changed = anyio.Event()

    async def deposit(self, customer_id: int) -> Decimal | None:
        self.read.append(customer_id)
        self.changed.set()
        self.changed = anyio.Event()
        account = customer_id - 10
        cents = -OWED[account] + (1 if customer_id == 13 else 0)
        return Decimal(cents).scaleb(-2)

    async def until(self, reads: int) -> None:
        with anyio.fail_after(5):
            while len(self.read) < reads:
                await self.changed.wait()


async def test_the_watch_checks_settled_accounts_before_the_money_finishes() -> None:
    splynx, settled = Splynx(), [(1, 2)]
    events: list[Event] = []
    release = anyio.Event()

    def balances() -> Iterable[tuple[int, int, int]]:
        return [(a, CUSTOMER[a], OWED[a]) for a in sorted(OWED)]

    async def finished(names: Iterable[str]) -> None:
        assert tuple(names) == ("invoices",)
        await release.wait()

    watch = BalanceWatch(
        splynx.deposit, balances, events.append,
        waits_for=("invoices",), settled=lambda: settled, interval=0.01,
    )  # fmt: skip
    async with anyio.create_task_group() as tg:
        tg.start_soon(watch.run, finished)
        await splynx.until(2)
        settled = [(1, 3)]  # account 3 settles later, still before the end
        await splynx.until(3)
        seen_before_release = list(splynx.read)
        release.set()
    assert sorted(seen_before_release) == [11, 12, 13]
    assert sorted(splynx.read) == [11, 12, 13, 14]  # account 4 once the money finished
    report = watch.report
    assert report is not None and report.checked == 4
    assert [m.account_id for m in report.mismatches] == [3]
    assert report.mismatches[0].sonar == Decimal("-2.50")
    assert report.mismatches[0].splynx == Decimal("-2.49")
    settles = [e.outcome for e in events if isinstance(e, RecordsSettled)]
    assert sorted(settles) == ["checked", "checked", "checked", "rejected"]
    assert watch.verdict()[0].startswith("1 of 4 customers' balances differ")
