"""The one owner of the terminal while a command works: rich ``Live``, or a line now and then.

A display hands the screen a ``View``: something that renders the live
picture and says the same in one line. On a terminal the screen redraws
``render()`` every ``refresh`` seconds; without one (CI, a log file, a pipe)
it prints ``line()`` every ``line_every`` seconds. Either way it draws the
final state when the block ends. Time comes from an injected clock, so it is
testable with virtual time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

import anyio
from rich.console import Console, RenderableType
from rich.live import Live

from migrator.policy.clock import SYSTEM_CLOCK, Clock

__all__ = ["Screen", "View"]


class View(Protocol):
    """What a screen shows: a live picture, and the same said in one line."""

    def render(self) -> RenderableType: ...

    def line(self) -> str: ...


class Screen:
    """Draws a ``View`` while ``showing(view)`` is open: live on a terminal, else in lines."""

    def __init__(
        self,
        *,
        console: Console | None = None,
        clock: Clock = SYSTEM_CLOCK,
        live: bool | None = None,
        refresh: float = 0.5,
        line_every: float = 5.0,
    ) -> None:
        self.console = console or Console(stderr=True)
        self.clock = clock
        self.live = self.console.is_terminal if live is None else live
        self.refresh = refresh
        self.line_every = line_every

    @asynccontextmanager
    async def showing(self, view: View) -> AsyncIterator[None]:
        """Show ``view`` while the block runs; draw its final state when it ends."""
        async with anyio.create_task_group() as group:
            if self.live:
                with Live(console=self.console, auto_refresh=False, transient=False) as live:
                    group.start_soon(self._redraw, live, view)
                    try:
                        yield
                    finally:
                        group.cancel_scope.cancel()
                        live.update(view.render(), refresh=True)
            else:
                group.start_soon(self._print_lines, view)
                try:
                    yield
                finally:
                    group.cancel_scope.cancel()
                    self._print(view.line())

    async def _redraw(self, live: Live, view: View) -> None:
        while True:
            live.update(view.render(), refresh=True)
            await self.clock.sleep(self.refresh)

    async def _print_lines(self, view: View) -> None:
        while True:
            await self.clock.sleep(self.line_every)
            self._print(view.line())

    def _print(self, line: str) -> None:
        self.console.print(line, markup=False, highlight=False, soft_wrap=True)
