"""Where an export keeps its work, so that re-running it continues instead of restarting.

Layout of an export directory::

    OUT/accounts.jsonl              finished queries, in the fixture format
    OUT/.migrator-export/state.json the plan: per query its partitions, which are done
    OUT/.migrator-export/state.json.lock   held while an export runs (one at a time)
    OUT/.migrator-export/accounts.2.part   records of partition 2 read so far

A partition's progress is its part file itself: records are appended a page
at a time, each line complete with its newline, so the last complete line
names the last id written. On resume a torn last line (a crash mid-write) is
cut off and the partition continues after the last complete id: no record is
written twice, none is skipped. Only "partition done" and "query finished"
go to ``state.json``, rewritten atomically (temporary file + rename).

When every partition of a query is done its parts are concatenated in id
order into ``OUT/<query>.jsonl`` (again through a temporary file and a
rename), so a fixture file that exists is always complete. Parts and fixture
files are owner-only: they hold customer data, RADIUS passwords included.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from migrator.errors import ConfigError
from migrator.private_files import private_file
from migrator.sonar.extract import Partition
from migrator.sonar.fixture import fixture_path

__all__ = ["STATE_FILE", "WORK_DIR", "PartState", "QueryState", "SnapshotStore"]

log = logging.getLogger(__name__)

WORK_DIR = ".migrator-export"
STATE_FILE = "state.json"  # in WORK_DIR; locked while an export runs (``state.json.lock``)
STATE_VERSION = 1


@dataclass
class PartState:
    after: int
    upto: int | None
    done: bool = False


@dataclass
class QueryState:
    total: int
    parts: list[PartState] = field(default_factory=list)
    finished: bool = False
    records: int = 0

    def partition(self, query: str, index: int) -> Partition:
        part = self.parts[index]
        return Partition(query, index, len(self.parts), part.after, part.upto)


def source_fingerprint(endpoint: str) -> str:
    """Which Sonar an export came from, without keeping its URL (it may hold secrets)."""
    return hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:16]


class SnapshotStore:
    """The files of one export directory; every method is synchronous and quick."""

    def __init__(self, out: Path, *, source: str, fresh: bool = False) -> None:
        self.out = out
        self.work = out / WORK_DIR
        self.state_path = self.work / STATE_FILE
        self.source = source
        self.fresh = fresh  # the user chose to start over: files already in OUT may be replaced
        self.out.mkdir(parents=True, exist_ok=True)
        self.work.mkdir(exist_ok=True)
        self.queries: dict[str, QueryState] = {} if fresh else self._load()
        if fresh:
            for stale in self.work.glob("*.part"):
                stale.unlink()
        self._save()

    def _load(self) -> dict[str, QueryState]:
        if not self.state_path.exists():
            return {}
        try:
            raw = json.loads(self.state_path.read_text(encoding="utf-8"))
            if raw.get("source") != self.source:
                raise ConfigError(
                    f"{self.out} holds an export of a different Sonar; choose another --out "
                    "or pass --fresh to start over"
                )
            return {
                query: QueryState(
                    total=state["total"],
                    parts=[PartState(**part) for part in state["parts"]],
                    finished=state["finished"],
                    records=state["records"],
                )
                for query, state in raw["queries"].items()
            }
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{self.state_path} is unreadable ({exc}); pass --fresh to start over"
            ) from None

    def _save(self) -> None:
        body: dict[str, Any] = {
            "version": STATE_VERSION,
            "source": self.source,
            "queries": {query: asdict(state) for query, state in self.queries.items()},
        }
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(body, indent=1), encoding="utf-8")
        os.replace(temporary, self.state_path)

    # -- planning ---------------------------------------------------------------

    def check_foreign(self, query: str) -> None:
        """Refuse to overwrite a fixture file this export did not plan (unless fresh)."""
        if self.fresh or query in self.queries:
            return
        if fixture_path(self.out, query).exists():
            raise ConfigError(
                f"{fixture_path(self.out, query)} exists but was not written by this export; "
                "choose an empty --out or pass --fresh"
            )

    def planned(self, query: str, total: int, partitions: Iterable[Partition]) -> QueryState:
        """Record a new plan for ``query`` (empty part files for each partition)."""
        state = QueryState(total, [PartState(p.after, p.upto) for p in partitions])
        for index in range(len(state.parts)):
            private_file(self.part_path(query, index)).write_bytes(b"")
        self.queries[query] = state
        self._save()
        return state

    def part_path(self, query: str, index: int) -> Path:
        return self.work / f"{query}.{index}.part"

    def resume_point(self, query: str, index: int) -> tuple[int | None, int]:
        """(last complete id or None, complete lines) of a part file, torn tail cut off."""
        path = self.part_path(query, index)
        if not path.exists():
            private_file(path)
            return None, 0
        _cut_torn_tail(path)
        last_id, count = None, 0
        with path.open("rb") as lines:
            for line in lines:
                count += 1
                last = line
        if count:
            last_id = int(json.loads(last)["id"])
        return last_id, count

    # -- writing ----------------------------------------------------------------

    def append(self, query: str, index: int, lines: list[str]) -> None:
        """Append one page's lines to a partition, as one write, flushed."""
        if not lines:
            return
        with self.part_path(query, index).open("a", encoding="utf-8") as part:
            part.write("".join(line + "\n" for line in lines))

    def partition_done(self, query: str, index: int) -> bool:
        """Mark a partition read to its end; True when that finished the whole query."""
        state = self.queries[query]
        state.parts[index].done = True
        self._save()
        return all(part.done for part in state.parts)

    def finish(self, query: str) -> int:
        """Concatenate the parts into ``<query>.jsonl``; returns the number of records."""
        state = self.queries[query]
        target = fixture_path(self.out, query)
        temporary = self.work / f"{query}.jsonl.tmp"
        count = 0
        with private_file(temporary).open("wb") as out:
            for index in range(len(state.parts)):
                with self.part_path(query, index).open("rb") as part:
                    for line in part:
                        out.write(line)
                        count += 1
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
        state.finished, state.records = True, count
        self._save()
        self.discard_parts(query)
        return count

    def discard_parts(self, query: str) -> None:
        for stale in self.work.glob(f"{query}.*.part"):
            stale.unlink(missing_ok=True)


def _cut_torn_tail(path: Path) -> None:
    """Drop a last line without its newline (a write cut short by a crash)."""
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb+") as part:
        part.seek(-1, os.SEEK_END)
        if part.read(1) == b"\n":
            return
        position = size
        while position > 0:
            step = min(65536, position)
            part.seek(position - step)
            chunk = part.read(step)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                part.truncate(position - step + newline + 1)
                log.info("%s: cut a torn last line left by an interrupted run", path.name)
                return
            position -= step
        part.truncate(0)
