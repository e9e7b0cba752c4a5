"""Keep a request's worker time at the configured latency, our own work included.

``--latency-ms`` is the time a PHP worker is busy with one request, so the
simulator's capacity is ``workers / latency`` (8 / 50 ms = 160 requests/s), the
bound every throughput benchmark divides by. The shared fault middleware
sleeps the latency and then runs the handler inside the worker, so anything
beyond the requested sleep (the event loop waking late, a millisecond or two of
Python per request) would come on top and quietly lower the capacity below the
configured one. Here each request's excess is measured, from the moment its
sleep was asked for (the sample, remembered in a context variable of the
request's task) to the end of its handler, and the latency handed to the fault
middleware subtracts the recent average excess, so a worker is held for the
configured time in total.
"""

from __future__ import annotations

import contextvars
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Middleware

from migrator.sim.faults import Latency

__all__ = ["NetLatency", "ServiceMeter", "metering_middleware"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# (perf_counter when the sleep was asked for, the seconds asked) of this request's task.
_ASKED: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "splynx_sim_sleep_asked", default=None
)


class ServiceMeter:
    """An exponentially weighted mean of recent requests' excess worker time, in seconds."""

    def __init__(self, weight: float = 0.05) -> None:
        self.weight = weight
        self.mean = 0.0

    def record(self, seconds: float) -> None:
        self.mean += self.weight * (seconds - self.mean)


@dataclass(frozen=True)
class NetLatency(Latency):
    """The configured latency less the meter's mean processing time (never negative)."""

    meter: ServiceMeter = field(default_factory=ServiceMeter, compare=False)

    @classmethod
    def of(cls, latency: Latency, meter: ServiceMeter) -> NetLatency:
        return cls(latency.mean_ms, latency.jitter_ms, meter)

    def sample(self, rng: random.Random) -> float:
        seconds = max(0.0, super().sample(rng) - self.meter.mean)
        _ASKED.set((time.perf_counter(), seconds))
        return seconds


def metering_middleware(meter: ServiceMeter) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        finally:
            asked = _ASKED.get()
            if asked is not None:
                since, seconds = asked
                meter.record(max(0.0, time.perf_counter() - since - seconds))

    return middleware
