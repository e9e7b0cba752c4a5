"""What verify found, per entity and for the balances: plain data, JSON-ready.

Counts say whether the three sides agree (Sonar: what the profile would
migrate; Splynx: the records carrying our markers; state: what our runs
settled), and the lists name every record that makes them disagree, so an
operator can go straight to it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "Difference",
    "EntityReport",
    "Extra",
    "Missing",
    "StateCounts",
    "VerifyReport",
]


class Missing(BaseModel):
    """A Sonar record that should be in Splynx and is not (``reason``: why, when known)."""

    sonar_id: int
    marker: str = ""
    reason: str = ""


class Extra(BaseModel):
    """A Splynx record carrying our marker that no Sonar record accounts for."""

    splynx_id: int
    marker: str


class Difference(BaseModel):
    """A mapped field whose Splynx value is not what the transform makes of Sonar's."""

    sonar_id: int
    splynx_id: int
    field: str
    sonar: Any  # the value the run would write (Splynx's spelling)
    splynx: Any


class StateCounts(BaseModel):
    created: int = 0
    adopted: int = 0
    existing: int = 0
    rejected: int = 0


class EntityReport(BaseModel):
    """One entity's reconciliation."""

    entity: str
    sonar: int = 0  # records the profile would migrate, as Sonar holds them now
    splynx: int = 0  # records in Splynx carrying the marker of one of them, or ours
    state: StateCounts = Field(default_factory=StateCounts)
    rejected: int = 0  # Sonar records our state keeps as rejected, with their reasons
    compared: int = 0  # records compared field by field (the sample)
    missing: list[Missing] = Field(default_factory=list)
    extra: list[Extra] = Field(default_factory=list)
    duplicates: list[Extra] = Field(default_factory=list)  # a marker on several records
    differences: list[Difference] = Field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not (self.missing or self.extra or self.duplicates or self.differences)


class VerifyReport(BaseModel):
    """Every entity verified, and the balances (None when no money was migrated)."""

    sample: int | None  # records compared per entity at most (None: all)
    entities: list[EntityReport] = Field(default_factory=list)
    balances: dict[str, Any] | None = None

    @property
    def equal(self) -> bool:
        money = self.balances is None or not self.balances.get("different")
        return money and all(entity.equal for entity in self.entities)

    def as_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json")
        data["equal"] = self.equal
        for entity, report in zip(data["entities"], self.entities, strict=True):
            entity["equal"] = report.equal
        return data
