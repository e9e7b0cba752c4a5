"""A lone UTF-16 surrogate escape in Sonar's JSON (valid JSON, not valid Unicode text)
neither stops the run nor loses its record: the field is cleaned with a note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.events import Event
from migrator.exitcodes import ExitCode
from migrator.pipeline.migration import MigrationRequest, migrate
from migrator.pipeline.state import StateStore
from migrator.profile import load_profile
from migrator.sim.sonar.app import SonarSimConfig, export_fixture
from migrator.sonar.fixture import fixture_path, read_records
from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, where
from tests.support.migration_checks import NO_MONEY
from tests.support.pair import running_pair, settings_for

pytestmark = pytest.mark.slow

LONE = "\ud800"  # a high surrogate with no low one after it


def rewrite(directory: Path, query: str, changes: dict[int, dict[str, str]]) -> None:
    """Patch records by id; lines written with JSON escapes, as Sonar sends such text."""
    path = fixture_path(directory, query)
    records = [record for _, record in read_records(path)]
    for record in records:
        record.update(changes.get(int(record["id"]), {}))
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="ascii")


async def test_a_lone_surrogate_is_cleaned_and_the_run_goes_on(tmp_path: Path) -> None:
    fixture = tmp_path / "fixture"
    export_fixture(SonarSimConfig(scale=8, seed=5), fixture)
    note = next(
        r
        for _, r in read_records(fixture_path(fixture, "notes"))
        if r["noteable_type"] == "Account"
    )
    rewrite(fixture, "accounts", {2: {"name": f"Rocket{LONE} Internet"}})
    rewrite(fixture, "notes", {int(note["id"]): {"message": f"call back {LONE}tomorrow"}})
    async with running_pair({"fixture": fixture}) as pair:
        state = tmp_path / "state.sqlite3"
        settings = settings_for(pair, state)
        events: list[Event] = []
        request = MigrationRequest(settings, load_profile("full"), list(NO_MONEY))
        result = await migrate(request, events.append)
        assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
        async with SplynxClient.open(settings) as client:
            [customer] = await client.list(
                "customers", Search(additional={"sonar_id": where("=", "2")})
            )
            comments = [
                c
                for c in await client.list("customer_notes")
                if c["title"] == f"sonar:note:{note['id']}"
            ]
    assert customer["name"] == "Rocket\ufffd Internet"
    assert [c["comment"] for c in comments] == ["call back \ufffdtomorrow"]
    store = StateStore.open(state)
    notes: dict[tuple[str, int], str] = {}
    for entity, sonar_id, text in store.cleanups():
        notes[(entity, sonar_id)] = notes.get((entity, sonar_id), "") + text
    store.close()
    assert "name" in notes[("customers", 2)] and "U+FFFD" in notes[("customers", 2)]
