"""Two migrations into one Splynx, each with its own state file, seconds apart.

Nothing but Splynx is shared: neither state file knows what the other run did,
and the lock of one does not stop the other. The second run looks at Splynx
while it is still empty and plans every entity as new; a gate in front of
Splynx then holds it while the first run migrates everything, and lets it go
on. It must adopt every record, not copy it: of every entity (partners, the
location, tariffs, customers, services and comments). Splynx's unique
``sonar_id`` check must not be what makes that hold: with the marker fields not
unique, the look-ups by marker alone must.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import pytest

from migrator.entity_map import ENTITY_ORDER
from migrator.events import Event, StreamPlanned
from migrator.exitcodes import ExitCode
from migrator.pipeline.migration import MigrationRequest, MigrationResult, migrate
from migrator.profile import load_profile
from migrator.sim.splynx.additional import AdditionalField
from tests.integration.test_migration_e2e import rejects_of, run, verify_splynx
from tests.support.gate import gate_in_front_of
from tests.support.pair import Pair, running_pair, settings_for
from tests.support.splynx_db import named_database

pytestmark = pytest.mark.slow

NOT_UNIQUE = tuple(
    AdditionalField(module=module, name="sonar_id", title="Sonar ID", is_unique=False)
    for module in ("customers", "services_internet", "services_custom")
)


class Second:
    """The second run: through the gate, telling when it has planned every entity."""

    def __init__(self, pair: Pair, gate_url: str, state: Path) -> None:
        self.settings = settings_for((pair.sonar_url, gate_url), state)
        self.events: list[Event] = []
        self.planned = anyio.Event()
        self.result: MigrationResult | None = None

    def emit(self, event: Event) -> None:
        self.events.append(event)
        if sum(isinstance(e, StreamPlanned) for e in self.events) == len(ENTITY_ORDER):
            self.planned.set()

    async def run(self) -> None:
        request = MigrationRequest(self.settings, load_profile("full"), list(ENTITY_ORDER))
        self.result = await migrate(request, self.emit)


@pytest.mark.parametrize(
    ("storage", "unique"), [("memory", True), ("memory", False), ("mariadb", True)]
)
async def test_a_run_that_planned_on_an_empty_splynx_adopts_what_another_run_wrote_meanwhile(
    tmp_path: Path, storage: str, unique: bool, request: pytest.FixtureRequest
) -> None:
    splynx: dict[str, Any] = {} if unique else {"additional_fields": NOT_UNIQUE}
    with contextlib.ExitStack() as stack:
        if storage == "mariadb":
            server = request.getfixturevalue("mariadb")
            dsn, _ = stack.enter_context(named_database(server, prefix="migrator_two"))
            splynx["db_dsn"] = dsn
        async with (
            running_pair({"scale": 30, "seed": 11}, splynx) as pair,
            gate_in_front_of(pair.splynx_url, closed=True) as gate,
        ):
            second = Second(pair, gate.url, tmp_path / "second.sqlite3")
            async with anyio.create_task_group() as tg:
                tg.start_soon(second.run)
                with anyio.fail_after(60):  # a guard against a hang, not a timing claim
                    await second.planned.wait()
                first, settings, _ = await run(pair, tmp_path / "first.sqlite3")
                gate.open()
            assert first.exit_code in (ExitCode.OK, ExitCode.REJECTS), first.message
            assert second.result is not None
            assert second.result.exit_code in (ExitCode.OK, ExitCode.REJECTS), second.result.message
            assert gate.held > 0, "the second run was meant to wait at the gate"
            outcomes = Counter(getattr(e, "outcome", None) for e in second.events)
            assert outcomes["adopted"] > 0
            assert outcomes["created"] == 0, "the second run created a copy of a record"
            await verify_splynx(pair, settings, rejects_of(tmp_path / "first.sqlite3"))
