"""The state file's layout: its tables, and the typed rows read back from them.

Kept apart from ``StateStore`` so the store reads as behaviour, not as DDL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SCHEMA", "EntityCounts", "Link", "PartitionState", "RejectRow", "RunRow"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    exit_code INTEGER,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS id_map (
    entity TEXT NOT NULL,
    sonar_id INTEGER NOT NULL,
    splynx_id INTEGER NOT NULL,
    how TEXT NOT NULL,
    run_id INTEGER,
    PRIMARY KEY (entity, sonar_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS partitions (
    entity TEXT NOT NULL,
    part INTEGER NOT NULL,
    low INTEGER NOT NULL,
    high INTEGER NOT NULL,
    checkpoint INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity, part)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cleanups (
    entity TEXT NOT NULL,
    sonar_id INTEGER NOT NULL,
    note TEXT NOT NULL,
    run_id INTEGER,
    PRIMARY KEY (entity, sonar_id, note)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS links (
    entity TEXT NOT NULL,
    sonar_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    target_entity TEXT NOT NULL,
    target_sonar_id INTEGER NOT NULL,
    PRIMARY KEY (entity, sonar_id, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rejects (
    entity TEXT NOT NULL,
    sonar_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    reason TEXT NOT NULL,
    record TEXT NOT NULL,
    answer TEXT,
    run_id INTEGER,
    at TEXT NOT NULL,
    PRIMARY KEY (entity, sonar_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollback_plan (
    entity TEXT NOT NULL,
    sonar_id INTEGER NOT NULL,
    splynx_id INTEGER NOT NULL,
    customer_id INTEGER,
    PRIMARY KEY (entity, sonar_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sonar_balances (
    account_id INTEGER PRIMARY KEY,
    owed_cents INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS radius_logins (
    radius_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    account_id INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class PartitionState:
    """One id range of an entity and how far it got: every id ≤ checkpoint is settled."""

    entity: str
    part: int
    low: int
    high: int
    checkpoint: int
    done: bool


@dataclass(frozen=True)
class Link:
    """A reference set after the fact: ``entity`` record's ``field`` → ``target``."""

    entity: str
    sonar_id: int
    field: str
    target_entity: str
    target_sonar_id: int


@dataclass(frozen=True)
class RejectRow:
    entity: str
    sonar_id: int
    field: str
    reason: str
    record: dict[str, Any]
    answer: str | None
    run_id: int | None
    at: str


@dataclass(frozen=True)
class RunRow:
    id: int
    command: str
    started_at: str
    finished_at: str | None
    status: str
    exit_code: int | None
    summary: dict[str, Any] | None


@dataclass(frozen=True)
class EntityCounts:
    entity: str
    created: int
    adopted: int
    existing: int
    rejected: int
    partitions: int
    partitions_done: int


# "checked" is what a dry run records in its throwaway in-memory store.
