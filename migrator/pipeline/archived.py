"""A delta's accounts archived in Sonar since it started: named, and disabled or left alone.

An account Sonar archived after the last run shows up in a delta (archiving bumps
its ``updated_at``). ``ArchivedSince`` wraps the customers' transform: it notes
each such account, and with the profile's ``[sync] archived = "report"`` skips it
with the reason (its customer stays as it is in Splynx); with "disable" the
transform goes on and the customer takes ``[customers] archived_status``. The
run's summary names them either way (``summary``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from migrator.records import Cleaned, Resolved, Skipped
from migrator.sonar.models import AccountWithRelations

__all__ = ["ArchivedSince"]

Transform = Callable[[AccountWithRelations, Resolved], Cleaned[Any]]
_SHOWN = 20


class ArchivedSince:
    """The accounts archived after ``since`` that a delta's customers met."""

    def __init__(self, since: datetime, mode: Literal["disable", "report"]) -> None:
        self.since = since
        self.mode = mode
        self.accounts: set[int] = set()

    def watch(self, transform: Transform) -> Transform:
        def watched(account: AccountWithRelations, resolved: Resolved) -> Cleaned[Any]:
            archived = account.archived_at
            if archived is not None and archived > self.since:
                self.accounts.add(account.id)
                if self.mode == "report":
                    raise Skipped(
                        "archived in Sonar since the last run: left as it is in Splynx "
                        '(profile [sync] archived = "report")'
                    )
            return transform(account, resolved)

        return watched

    def summary(self, archived_status: str) -> str:
        """The line naming them (empty when none was archived)."""
        if not self.accounts:
            return ""
        ids = sorted(self.accounts)
        shown = ", ".join(map(str, ids[:_SHOWN])) + (" ..." if len(ids) > _SHOWN else "")
        done = (
            f"their customers are now {archived_status!r} in Splynx"
            if self.mode == "disable"
            else "their customers were left as they are in Splynx"
        )
        return f"{len(ids):,} accounts archived in Sonar since the last run ({shown}): {done}"
