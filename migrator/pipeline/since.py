"""Where a delta starts: ``--since last`` or ``--since ISO-DATETIME``.

``last`` is the start of the newest run of this state file that went through
(completed, perhaps with rejects or balance differences; not interrupted, not
failed, not a ``--limit`` sample), less ``OVERLAP``: everything Sonar changed
after that run started, including what changed while it was reading, is read
again. The overlap absorbs a difference between our clock and Sonar's
(``updated_at`` is Sonar's) and a change committed in Sonar just before the
run's start was written down. Reading a record twice costs a comparison; the
sync changes only what differs.

A delta interrupted and run again resolves to the same start (the run it
follows is still the newest that went through), so it resumes its own
partitions (``StateStore.partition_scope``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from migrator.errors import ConfigError
from migrator.pipeline.state_schema import RunRow

__all__ = ["OVERLAP", "WENT_THROUGH", "resolve_since", "scope_of"]

# ASSUMPTION: a few minutes of clock difference between the migrator's host and Sonar's at
# most (both normally keep NTP time); ten minutes leaves a wide margin for little cost.
OVERLAP = timedelta(minutes=10)
# The statuses of a run that read everything it was asked to (``MigrationResult.status``).
WENT_THROUGH = frozenset({"completed", "rejects", "balances"})


def _aware(text: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(
            f"--since {text!r}: not a date and time (e.g. 2026-05-01T00:00:00+00:00, or 'last')"
        ) from exc
    if moment.utcoffset() is None:
        raise ConfigError(f"{what} {text!r} needs a time zone (e.g. +00:00)")
    return moment


def resolve_since(text: str, runs: Sequence[RunRow]) -> datetime:
    """The instant a delta reads from: ``text`` itself, or for ``last`` the start of the
    newest run that went through, less ``OVERLAP``."""
    if text != "last":
        return _aware(text, "--since")
    through = [
        run
        for run in runs
        if run.command == "run"
        and run.status in WENT_THROUGH
        and (run.summary or {}).get("limit") is None
    ]
    if not through:
        raise ConfigError(
            "--since last: this state file has no run that went through to start from; "
            "run the whole migration first (`migrator run`), then sync with --since last"
        )
    newest = max(through, key=lambda run: run.id)
    return _aware(newest.started_at, f"run {newest.id}'s start") - OVERLAP


def scope_of(since: datetime) -> str:
    """The suffix a delta's partitions are kept under (one set per start)."""
    return f"@since={since.isoformat()}"
