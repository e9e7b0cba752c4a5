"""The live display, driven by events and virtual time (no terminal, no real sleeps)."""

from __future__ import annotations

import io

import anyio
import anyio.lowlevel
from rich.console import Console

from migrator.display.export_view import ExportDisplay
from migrator.display.rows import RateMeter, duration
from migrator.events import (
    BudgetKnown,
    RecordsRead,
    RequestDone,
    Retried,
    StreamFinished,
    StreamPlanned,
)
from tests.support.clock import FakeClock


class ManualClock:
    """Virtual time that only the test moves; sleepers wake when it passes their deadline."""

    def __init__(self) -> None:
        self._now = 0.0
        self._moved = anyio.Event()

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        deadline = self._now + seconds
        while self._now < deadline:
            await self._moved.wait()

    async def advance(self, seconds: float) -> None:
        self._now += seconds
        moved, self._moved = self._moved, anyio.Event()
        moved.set()
        for _ in range(5):
            await anyio.lowlevel.checkpoint()


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=160, color_system=None), out


def test_rate_meter_counts_only_the_window() -> None:
    clock = FakeClock(start=0.0)
    meter = RateMeter(clock, window=10.0)
    for _ in range(20):
        meter.add(5)
        clock.advance(1.0)
    assert meter.per_second() == 5.0
    clock.advance(30.0)
    assert meter.per_second() == 0.0


def test_events_fold_into_rows_and_etas() -> None:
    clock = FakeClock(start=0.0)
    reporter = ExportDisplay("export", console=console(False)[0], clock=clock)
    reporter.emit(BudgetKnown("sonar", 400))
    reporter.emit(StreamPlanned("accounts", total=1_000, done=200))
    for _ in range(10):
        reporter.emit(RecordsRead("accounts", 40))
        reporter.emit(RequestDone("sonar", "accounts page", "ok", 0.15))
        clock.advance(1.0)
    reporter.emit(RequestDone("sonar", "accounts page", "rate_limited", 0.01))
    reporter.emit(Retried("sonar", "accounts page", 1, 2.0, "limit"))
    row = reporter.streams.rows["accounts"]
    assert (row.done, row.pages, row.state) == (600, 10, "running")
    assert row.eta() == 400 / 40  # remaining records / recent records per second
    sonar = reporter.systems.rows["sonar"]
    assert (sonar.requests, sonar.rate_limited, sonar.retries) == (11, 1, 1)
    reporter.emit(StreamFinished("accounts"))
    reporter.emit(StreamFinished("notes", error="gave up on notes page 3"))
    assert row.state == "done" and reporter.streams.rows["notes"].state == "failed"


async def test_without_a_terminal_it_prints_one_line_every_few_seconds() -> None:
    clock = ManualClock()
    terminal, out = console(False)
    reporter = ExportDisplay("export", console=terminal, clock=clock, line_every=5.0)
    assert reporter.screen.live is False
    reporter.emit(BudgetKnown("sonar", 400))
    reporter.emit(StreamPlanned("invoices", total=300))
    async with reporter.running():
        for _ in range(12):
            reporter.emit(RecordsRead("invoices", 25))
            reporter.emit(RequestDone("sonar", "invoices page", "ok", 0.1))
            await clock.advance(1.0)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # two after 5 virtual seconds each, then the final line
    assert lines[0].startswith("export: ") and "/300 records" in lines[0]
    assert "100%" not in lines[0]
    assert lines[-1].startswith("export: 300/300 records (100%)")
    assert "sonar: 12 requests" in lines[-1] and "of 400" in lines[-1]
    assert "\x1b[" not in out.getvalue()  # no terminal codes in a log


async def test_on_a_terminal_it_draws_a_table_per_stream() -> None:
    clock = ManualClock()
    terminal, out = console(True)
    reporter = ExportDisplay("export", console=terminal, clock=clock, refresh=1.0)
    reporter.emit(StreamPlanned("accounts", total=10))
    async with reporter.running():
        reporter.emit(RecordsRead("accounts", 10))
        reporter.emit(StreamFinished("accounts"))
        await clock.advance(2.0)
    text = out.getvalue()
    assert "accounts" in text and "done" in text
    summary, summary_out = console(False)
    summary.print(reporter.summary())
    assert "accounts" in summary_out.getvalue() and "10" in summary_out.getvalue()


def test_durations_read_naturally() -> None:
    assert [duration(s) for s in (None, 5, 65, 3_725)] == ["?", "5s", "1m05s", "1h02m"]
