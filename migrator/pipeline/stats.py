"""Counters the workers bump and the live display reads.

Plain integers on plain objects: bumping one costs nothing on the hot path,
and the display (the only code that renders) samples them a few times a
second. Nothing here renders or logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["EntityStats", "RunStats"]


@dataclass
class EntityStats:
    """One entity's progress in this run."""

    name: str
    total: int | None = None  # records Sonar says there are (None until known)
    already: int = 0  # settled by earlier runs (below the checkpoints)
    extracted: int = 0
    created: int = 0
    adopted: int = 0
    existing: int = 0
    skipped: int = 0  # already in the id map
    rejected: int = 0
    retried: int = 0
    queue_depth: int = 0
    queue_size: int = 0
    started: float | None = None
    finished: float | None = None
    state: str = "waiting"  # waiting | running | done | stopped | failed

    def count(self, how: str) -> None:
        """One more record written: ``created``, ``adopted`` or ``existing``."""
        if how == "created":
            self.created += 1
        elif how == "adopted":
            self.adopted += 1
        else:
            self.existing += 1

    @property
    def written(self) -> int:
        return self.created + self.adopted + self.existing

    @property
    def settled(self) -> int:
        """Records this run has finished with, one way or another."""
        return self.written + self.skipped + self.rejected


@dataclass
class RunStats:
    """All entities, plus the counters of the two remote systems."""

    entities: dict[str, EntityStats] = field(default_factory=dict)
    sonar_requests: int = 0
    splynx_requests: int = 0
    retries: int = 0

    def entity(self, name: str) -> EntityStats:
        return self.entities.setdefault(name, EntityStats(name))

    @property
    def rejected(self) -> int:
        return sum(e.rejected for e in self.entities.values())

    @property
    def settled(self) -> int:
        return sum(e.settled for e in self.entities.values())
