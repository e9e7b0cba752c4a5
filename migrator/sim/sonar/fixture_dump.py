"""Writing a dataset as a fixture directory (``--export-fixture DIR``).

Exactly what ``--fixture DIR`` reads: one ``<query>.jsonl`` per list query,
records as the API spells them, keys in schema order, ascending id, each
line through the shared ``dump_record``. Each file is written beside its
final name and renamed into place, so an interrupted export never leaves a
half-written file under the real name.
"""

from __future__ import annotations

import logging
from pathlib import Path

from migrator.sim.sonar.table import Dataset
from migrator.sonar.fixture import dump_record, fixture_path
from migrator.sonar.schema import SERVED_QUERIES

__all__ = ["write_fixture"]

log = logging.getLogger(__name__)


def write_fixture(dataset: Dataset, directory: Path) -> dict[str, int]:
    """Write every list query's file into ``directory`` (created if needed); count per query."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for query in SERVED_QUERIES:
        final = fixture_path(directory, query)
        partial = final.with_name(final.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            out.writelines(dump_record(record) + "\n" for record in dataset.records(query))
        partial.replace(final)
        counts[query] = dataset.count(query)
    log.info("wrote %d records to %s", sum(counts.values()), directory)
    return counts
