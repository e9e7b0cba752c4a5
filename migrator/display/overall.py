"""What a display says about the run as a whole: the footer under its table, and one line.

Both displays compose these from their panels; only where "done", "total" and
the ETA come from differs (records read for an export, records settled for a
migration).
"""

from __future__ import annotations

from rich.text import Text

from migrator.display.rows import duration
from migrator.display.streams import StreamPanel
from migrator.display.systems import SystemPanel

__all__ = ["footer", "one_line"]


def _clock_text(elapsed: float, eta: float | None) -> str:
    return f"elapsed {duration(elapsed)}, ETA {duration(eta)}"


def footer(systems: SystemPanel, elapsed: float, eta: float | None) -> list[Text]:
    """One line per remote system, then the elapsed time and the ETA."""
    return [*(Text(text) for text in systems.lines()), Text(_clock_text(elapsed, eta))]


def one_line(
    title: str,
    progress: tuple[int, int | None],
    streams: StreamPanel,
    systems: SystemPanel,
    elapsed: float,
    eta: float | None,
) -> str:
    """The concise form, for logs and terminals that cannot redraw."""
    done, total = progress
    share = f" ({done / total:.0%})" if total else ""
    parts = [
        f"{title}: {done:,}/{total:,} records{share}"
        if total is not None
        else f"{title}: {done:,} records",
        f"{streams.finished()}/{len(streams.rows)} done, {streams.running()} running",
        *systems.lines(),
        _clock_text(elapsed, eta),
    ]
    return " | ".join(parts)
