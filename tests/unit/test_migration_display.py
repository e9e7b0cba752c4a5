"""The migration display folds writers' events into what an operator reads (virtual time)."""

from __future__ import annotations

import io

from rich.console import Console

from migrator.display.migration_view import MigrationDisplay
from migrator.events import (
    BudgetKnown,
    QueueDepth,
    RecordsRead,
    RecordsSettled,
    RequestTotals,
    Retried,
    StreamFinished,
    StreamPlanned,
)
from migrator.splynx.session import SplynxStats
from tests.support.clock import FakeClock


def display() -> tuple[MigrationDisplay, FakeClock]:
    clock = FakeClock()
    console = Console(file=io.StringIO(), width=120)
    return MigrationDisplay("migrate", console=console, clock=clock, live=False), clock


def test_counts_rates_and_eta_per_entity() -> None:
    shown, clock = display()
    shown.emit(StreamPlanned("customers", 100))
    shown.emit(RecordsRead("customers", 50))
    for _second in range(10):
        clock.advance(1.0)
        shown.emit(RecordsSettled("customers", "created", 4))
        shown.emit(RecordsSettled("customers", "rejected", 1))
    shown.emit(QueueDepth("customers", 20, 40))
    row = shown.streams.row("customers")
    assert shown.entities.done(row) == 50
    assert shown.entities.count("customers", "created") == 40
    eta = shown.entities.eta_of(row)
    assert eta is not None and 9 <= eta <= 11  # 50 left at about 5 a second
    text = shown.render()
    out = Console(file=io.StringIO(), width=140)
    out.print(text)
    assert "customers" in out.file.getvalue() and "50%" in out.file.getvalue()  # queue fill


def test_splynx_counters_are_sampled_and_retries_attributed() -> None:
    shown, clock = display()
    stats = SplynxStats()
    shown.watch_splynx(stats)
    shown.emit(BudgetKnown("splynx", 60.0 * 10))
    shown.emit(StreamPlanned("customer_notes", None))
    stats.requests, stats.retries = 30, 2
    clock.advance(3.0)
    shown.emit(Retried("splynx", "create customer_notes title=sonar:note:5", 1, 0.5, "503"))
    line = shown.line()
    assert "splynx: 30 requests" in line and "of 10/s" in line
    assert shown.entities.retries["customer_notes"] == 1


def test_request_totals_are_folded_like_any_event() -> None:
    """A client's counters arrive as an event; a sample with nothing new adds no requests."""
    shown, clock = display()
    shown.emit(RequestTotals("splynx", requests=12, retries=1, rate_limited=3))
    clock.advance(1.0)
    shown.emit(RequestTotals("splynx", requests=12, retries=2, rate_limited=3))
    splynx = shown.systems.rows["splynx"]
    assert (splynx.requests, splynx.retries, splynx.rate_limited) == (12, 2, 3)
    assert splynx.meter.per_second() == 12.0  # counted once, not once per sample
    assert "splynx: 12 requests, 12/s (no limit of ours), 2 retries, 3 rate-limited" in shown.line()


def test_a_finished_stream_shows_what_it_did_and_the_summary_data_is_complete() -> None:
    shown, _clock = display()
    shown.emit(StreamPlanned("internet_tariffs", 100))  # Sonar counted all services
    shown.emit(RecordsRead("internet_tariffs", 100))
    shown.emit(RecordsSettled("internet_tariffs", "existing", 55))
    shown.emit(StreamFinished("internet_tariffs"))
    shown.emit(StreamPlanned("customers", 10))
    shown.emit(StreamFinished("customers", "stopped"))
    assert shown.streams.row("internet_tariffs").total == 55
    assert shown.streams.row("customers").state == "stopped"
    data = shown.summary_data()["entities"]
    assert data["internet_tariffs"]["written"] == 55 and data["internet_tariffs"]["read"] == 100
    assert set(data["customers"]) >= {
        "read",
        "written",
        "adopted",
        "rejected",
        "retried",
        "seconds",
    }
