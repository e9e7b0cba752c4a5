"""How long the migration should take, from Sonar's counts and both systems' limits.

The run is bounded by two things that overlap (DESIGN §7): reading Sonar
(requests ÷ its budget per minute, or latency × requests ÷ producers when no
budget is set) and writing Splynx (writes ÷ its rate limit, or latency ×
writes ÷ writers). The estimate is the larger of the two bounds, never their
sum. Every figure is kept with the arithmetic that produced it, so an operator
can check it by hand.

Pure functions only: the probes measure, this module computes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, Field

from migrator.preflight.plan import MigrationPlan, Read

__all__ = ["Bound", "Estimate", "Limits", "estimate", "human", "pages"]


class Limits(BaseModel):
    """The run's settings and the latencies measured by the probes (seconds, or None)."""

    page_size: int
    producers: int
    sonar_rate: float  # requests per minute, 0 = none of ours
    splynx_rate: float  # requests per second, 0 = none of ours
    writers: int
    sonar_latency: float | None = None
    splynx_latency: float | None = None


class Bound(BaseModel):
    """One system's share: requests, the time they need, and how that was worked out."""

    system: str
    requests: int | None
    seconds: float | None
    arithmetic: list[str] = Field(default_factory=list)


class Estimate(BaseModel):
    seconds: float | None
    bound: str | None  # which system limits the run: "sonar" or "splynx"
    sonar: Bound
    splynx: Bound
    summary: str
    assumptions: list[str] = Field(default_factory=list)


def human(seconds: float) -> str:
    """``42.0 s``, ``3 min 05 s``, ``2 h 07 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def pages(records: int, page_size: int, producers: int) -> tuple[int, int]:
    """(partitions, pages) to read ``records`` split into equal id ranges.

    Never more partitions than pages (as ``Extractor.plan``); each partition
    ends with a part page, so ``p × ⌈n ÷ (p × page size)⌉``.
    """
    if records <= 0:
        return 0, 0
    partitions = max(1, min(producers, math.ceil(records / page_size)))
    return partitions, partitions * math.ceil(records / (partitions * page_size))


def _read_requests(read: Read, count: int, limits: Limits) -> tuple[int, str]:
    partitions, paged = pages(count, limits.page_size, limits.producers)
    each = paged + 1  # the probe that plans the partitions
    times = f"{read.times} × " if read.times > 1 else ""
    split = f" in {partitions} partitions" if partitions > 1 else ""
    line = f"{times}{read.query}: {_n(count, 'record')}{split} → {_n(paged, 'page')} + 1 probe"
    return read.times * each, f"{line} = {read.times * each:,}"


@dataclass(frozen=True)
class _Pace:
    """How fast one system takes requests: a rate per unit, or latency over parallel workers."""

    noun: str  # "requests", "writes"
    rate: float
    unit: str  # "min", "s"
    unit_seconds: float
    latency: float | None
    parallel: int
    workers: str  # "producers", "writers"

    def time(self, total: int) -> tuple[float | None, list[str]]:
        """The slower of the two limits (either may be unknown), with its arithmetic."""
        options, lines = [], []
        if self.rate > 0:
            seconds = total / self.rate * self.unit_seconds
            options.append(seconds)
            lines.append(f"{total:,} {self.noun} ÷ {self.rate:g}/{self.unit} = {human(seconds)}")
        if self.latency is not None:
            seconds = total * self.latency / self.parallel
            options.append(seconds)
            lines.append(
                f"{total:,} {self.noun} × {self.latency * 1000:.0f} ms ÷ "
                f"{self.parallel} {self.workers} = {human(seconds)}"
            )
        return max(options, default=None), lines


def _uncounted(system: str, missing: list[str]) -> Bound:
    lines = [f"not counted: {', '.join(missing)}"]
    return Bound(system=system, requests=None, seconds=None, arithmetic=lines)


def _sonar(counts: Mapping[str, int], plan: MigrationPlan, limits: Limits) -> Bound:
    missing = [r.query for r in plan.reads if r.query not in counts]
    if missing:
        return _uncounted("sonar", missing)
    lines, total = [f"pages of {limits.page_size} records, {limits.producers} producers"], 0
    for read in plan.reads:
        requests, line = _read_requests(read, counts[read.query], limits)
        total += requests
        lines.append(line)
    pace = _Pace("requests", limits.sonar_rate, "min", 60.0, limits.sonar_latency,
                 limits.producers, "producers")  # fmt: skip
    seconds, arithmetic = pace.time(total)
    return Bound(system="sonar", requests=total, seconds=seconds, arithmetic=lines + arithmetic)


def _splynx(counts: Mapping[str, int], plan: MigrationPlan, limits: Limits) -> Bound:
    missing = [w.query for w in plan.writes if w.query is not None and w.query not in counts]
    if missing:
        return _uncounted("splynx", missing)
    lines, total = [f"{limits.writers} writers"], 0
    for writes in plan.writes:
        records = writes.fixed if writes.query is None else counts[writes.query]
        requests = records * writes.per_record
        total += requests
        source = writes.query or "fixed"
        each = f" × {writes.per_record}" if writes.per_record > 1 else ""
        lines.append(f"{writes.label} ({source}): {records:,}{each} = {requests:,}")
    pace = _Pace("writes", limits.splynx_rate, "s", 1.0, limits.splynx_latency,
                 limits.writers, "writers")  # fmt: skip
    seconds, arithmetic = pace.time(total)
    return Bound(system="splynx", requests=total, seconds=seconds, arithmetic=lines + arithmetic)


ASSUMPTIONS = [
    "reading and writing overlap: the run takes about the larger bound, not the sum",
    "a Sonar request takes as long as the sampled page of accounts with relations",
    "a write takes at least one admin/api/check round trip (real writes also validate "
    "and store: the Splynx bound is a floor)",
    "every Sonar service, account service and note is written (an upper bound)",
    "an account's relations fit its page (more than 50 of one kind costs extra pages)",
]


def estimate(counts: Mapping[str, int], plan: MigrationPlan, limits: Limits) -> Estimate:
    """The run's duration: the larger of the Sonar and the Splynx bounds."""
    sonar, splynx = _sonar(counts, plan, limits), _splynx(counts, plan, limits)
    if sonar.seconds is None or splynx.seconds is None:
        unknown = [b.system for b in (sonar, splynx) if b.seconds is None]
        summary = f"no estimate: the {' and '.join(unknown)} bound could not be worked out"
        return Estimate(
            seconds=None,
            bound=None,
            sonar=sonar,
            splynx=splynx,
            summary=summary,
            assumptions=ASSUMPTIONS,
        )
    larger = max((sonar, splynx), key=lambda b: b.seconds or 0.0)
    assert larger.seconds is not None
    summary = (
        f"about {human(larger.seconds)}: reading Sonar {human(sonar.seconds)}, writing "
        f"Splynx {human(splynx.seconds)}; {larger.system.capitalize()} sets the pace"
    )
    return Estimate(
        seconds=round(larger.seconds, 1),
        bound=larger.system,
        sonar=sonar,
        splynx=splynx,
        summary=summary,
        assumptions=ASSUMPTIONS,
    )
