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
    RequestDone,
    Retried,
    StreamFinished,
    StreamPlanned,
)
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


def test_splynx_requests_and_retries_arrive_as_events() -> None:
    shown, clock = display()
    shown.emit(BudgetKnown("splynx", 60.0 * 10))
    shown.emit(StreamPlanned("customer_notes", None))
    for _ in range(30):
        shown.emit(RequestDone("splynx", "POST customer_notes", "ok", 0.05))
    shown.emit(RequestDone("splynx", "POST customer_notes", "rate_limited", 0.01))
    clock.advance(3.0)
    shown.emit(Retried("splynx", "create customer_notes title=sonar:note:5", 1, 0.5, "429"))
    line = shown.line()
    assert "splynx: 31 requests" in line and "of 10/s" in line and "1 rate-limited" in line
    assert shown.entities.retries["customer_notes"] == 1


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
