"""``--limit N``: a sample of N records per entity, then the whole migration.

A child whose parent is outside the sample (a service whose tariff, a comment
whose customer, was not among the first N) is skipped with that reason: it is
not rejected as "missing in Sonar", does not make the exit code 3, and the
next run without ``--limit`` migrates it like any other.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from migrator.events import Event, RecordsSettled
from migrator.exitcodes import ExitCode
from migrator.pipeline.migration import MigrationRequest, migrate
from migrator.pipeline.state import StateStore
from migrator.profile import load_profile
from tests.support.migration_checks import NO_MONEY, rejects_of, run, verify_splynx
from tests.support.pair import running_pair, settings_for

pytestmark = pytest.mark.slow

OUTSIDE = "parent not in this sample"


async def test_children_of_parents_outside_the_sample_are_skipped_not_rejected(
    tmp_path: Path,
) -> None:
    async with running_pair({"scale": 30, "seed": 11}) as pair:
        state = tmp_path / "state.sqlite3"
        events: list[Event] = []
        sample = MigrationRequest(
            settings_for(pair, state), load_profile("full"), list(NO_MONEY), limit=5
        )
        result = await migrate(sample, events.append)

        store = StateStore.open(state)
        rejects = [(r.entity, r.sonar_id, r.reason) for r in store.rejects()]
        store.close()
        assert rejects == [], "a child of a parent outside the sample was rejected"
        assert result.exit_code == ExitCode.OK, result.message
        skipped = Counter(
            e.stream
            for e in events
            if isinstance(e, RecordsSettled) and getattr(e, "reason", "") == OUTSIDE
        )
        assert skipped["internet_services"] + skipped["customer_notes"] > 0, skipped
        assert f"{sum(skipped.values())} records skipped: {OUTSIDE}" in result.message

        final, settings, _ = await run(pair, state)
        assert final.exit_code in (ExitCode.OK, ExitCode.REJECTS), final.message
        await verify_splynx(pair, settings, rejects_of(state))
