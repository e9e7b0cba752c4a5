"""What the pre-flight found: one ``Finding`` per check, gathered into a ``Report``.

The report is the stable, documented output of ``migrator check --json``
(``REPORT_VERSION`` changes if its shape ever does):

    {"version": 1, "blocked": false, "exit_code": 0,
     "findings": [{"check": "splynx.access.customers", "status": "ok",
                   "detail": "...", "fix": ""}, ...],
     "counts": {"sonar": {"accounts": 1000, ...}, "splynx": {"customers": 0, ...}},
     "estimate": {...} | null,
     "mapping": [{"kind": "status", "sonar": "Hold", "detail": "does not activate",
                  "splynx": "disabled", "why": "inactive_status"}, ...]}

``mapping`` is what each Sonar account status and type becomes with the
profile's rules (``migrator.preflight.mapping_table``); empty when Sonar's
tables could not be read.

``status`` is ``ok``, ``warning`` (worth knowing, does not stop a migration)
or ``blocker`` (a migration would fail or do harm: fix it first, ``fix`` says
how). Findings never carry a secret: every text goes through the redactor.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from migrator.exitcodes import ExitCode
from migrator.logconfig import redactor
from migrator.preflight.estimate import Estimate
from migrator.preflight.mapping_table import MappingRow

__all__ = ["REPORT_VERSION", "Counts", "Finding", "Report", "Status"]

REPORT_VERSION = 1


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    BLOCKER = "blocker"


class Finding(BaseModel):
    """The outcome of one check: a stable dotted name, a status, what was seen, what to do."""

    model_config = ConfigDict(frozen=True)

    check: str
    status: Status
    detail: str
    fix: str = ""

    @field_validator("detail", "fix")
    @classmethod
    def _redacted(cls, text: str) -> str:
        return redactor(text)

    @classmethod
    def ok(cls, check: str, detail: str) -> Finding:
        return cls(check=check, status=Status.OK, detail=detail)

    @classmethod
    def warning(cls, check: str, detail: str, fix: str = "") -> Finding:
        return cls(check=check, status=Status.WARNING, detail=detail, fix=fix)

    @classmethod
    def blocker(cls, check: str, detail: str, fix: str) -> Finding:
        return cls(check=check, status=Status.BLOCKER, detail=detail, fix=fix)


class Counts(BaseModel):
    """Records per Sonar list query, and per Splynx endpoint (what it already holds)."""

    sonar: dict[str, int] = Field(default_factory=dict)
    splynx: dict[str, int] = Field(default_factory=dict)


class Report(BaseModel):
    """Everything ``migrator check`` prints, in the order it prints it."""

    version: int = REPORT_VERSION
    findings: list[Finding] = Field(default_factory=list)
    counts: Counts = Field(default_factory=Counts)
    estimate: Estimate | None = None
    mapping: list[MappingRow] = Field(default_factory=list)

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.findings if f.status is Status.BLOCKER]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.status is Status.WARNING]

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)

    @property
    def exit_code(self) -> ExitCode:
        """0 when nothing blocks (warnings allowed), 5 (BLOCKED) otherwise."""
        return ExitCode.BLOCKED if self.blocked else ExitCode.OK

    def as_json(self) -> dict[str, object]:
        """The documented JSON shape (see the module docstring)."""
        data = self.model_dump(mode="json")
        return {
            "version": data["version"],
            "blocked": self.blocked,
            "exit_code": int(self.exit_code),
            "findings": data["findings"],
            "counts": data["counts"],
            "estimate": data["estimate"],
            "mapping": data["mapping"],
        }
