"""``migrator run --since``: a delta sync through both simulators over HTTP.

The cut-over chain: a whole run, a batch of changes in Sonar (sign-ups,
renames, status changes, archives, a contact's new e-mail, services added and
changed, notes and payments added), ``--since last``, then ``verify --all``
finds Splynx equal to Sonar, and a second sync has nothing to do; a ticket
altered by hand is named by verify, and once it is put back ``rollback --yes``
leaves Splynx as it was before the first run (its API and its MariaDB rows),
and a second rollback has nothing to do.

A sync over everything (a start before any record was made) reads every record
again and finds each equal to what the run left: it writes nothing but the one
field somebody changed in Splynx by hand, which it puts back. A sync with no
run to follow is refused with a clear message, and one from a moment after
every change reads nothing and writes nothing. A record deleted in Splynx since
the run is named as a reject by the sync, not created a second time.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from migrator.entity_map import ENTITY_ORDER
from migrator.events import Event, RecordsSettled
from migrator.exitcodes import ExitCode
from migrator.pipeline.state import StateStore
from migrator.profile import load_profile
from migrator.profile_rules import SyncRules
from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, where
from tests.support.cutover import change_sonar, cli, photograph, rows, storage, verify_cli
from tests.support.migration_checks import run
from tests.support.pair import Pair, running_pair, settings_for
from tests.support.request_log import RequestLog

pytestmark = pytest.mark.slow

SCALE = 30
LONG_AGO = "2000-01-01T00:00:00+00:00"
WRITES = {"POST", "PUT", "DELETE", "PATCH"}


def settled(events: list[Event]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for event in events:
        if isinstance(event, RecordsSettled):
            counts[event.stream, event.outcome] += event.count
    return counts


async def test_a_sync_over_everything_puts_back_only_what_was_changed_by_hand(
    tmp_path: Path,
) -> None:
    splynx_log = RequestLog()
    async with running_pair(
        {"scale": SCALE}, middlewares=(RequestLog().middleware, splynx_log.middleware)
    ) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, _ = await run(pair, state)
        assert result.status in {"completed", "rejects"}, result.message
        async with SplynxClient.open(settings) as splynx:
            [customer] = await splynx.list(
                "customers", Search(main={"id": where(">", 0)}).page(1, 0)
            )
            await splynx.update("customers", customer.id, {"name": "Renamed By Hand"})
        mark = splynx_log.mark()

        result, _, events = await run(pair, state, since=LONG_AGO)

        assert result.exit_code in {ExitCode.OK, ExitCode.REJECTS}, result.message
        counts = settled(events)
        assert counts["customers", "updated"] == 1
        assert not [key for key in counts if key[1] in {"created", "adopted"}], counts
        assert counts["customers", "skipped"] == SCALE - 1 - counts["customers", "rejected"]
        writes = [(r.method, r.path) for r in splynx_log.since(mark) if r.method in WRITES]
        assert writes == [
            ("POST", "/api/2.0/admin/auth/tokens"),
            ("PUT", f"/api/2.0/admin/customers/customer/{customer.id}"),
        ]
        async with SplynxClient.open(settings_for(pair, state)) as splynx:
            again = await splynx.get("customers", customer.id)
        assert again is not None and again["name"] == customer["name"]


async def test_a_record_deleted_in_splynx_is_named_by_the_sync_not_made_again(
    tmp_path: Path,
) -> None:
    async with running_pair({"scale": 12}) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, _ = await run(pair, state)
        assert result.status in {"completed", "rejects"}, result.message
        async with SplynxClient.open(settings) as splynx:
            [service] = await splynx.list(
                "internet_services", Search(main={"id": where(">", 0)}).page(1, 0)
            )
            customer_id = int(service["customer_id"])
            assert await splynx.delete("internet_services", service.id, customer_id=customer_id)

        result, _, events = await run(pair, state, since=LONG_AGO)

        assert result.exit_code == ExitCode.REJECTS, result.message
        assert settled(events)["internet_services", "created"] == 0
        store = StateStore.open(state)
        try:
            gone = f"internet_services {service.id} is no longer in Splynx (deleted there?)"
            [reject] = [r for r in store.rejects("internet_services") if gone in r.reason]
            assert reject.sonar_id == int(service.additional_attributes["sonar_id"])
            # still mapped: what hangs on it is there, and a rollback or a person decides
            assert store.splynx_id("internet_services", reject.sonar_id) == service.id
        finally:
            store.close()


async def test_since_last_needs_a_run_that_went_through(tmp_path: Path) -> None:
    async with running_pair({"scale": 5}) as pair:
        result, _, _ = await run(pair, tmp_path / "state.sqlite3", since="last")
    assert result.exit_code == ExitCode.FATAL
    assert "no run that went through" in result.message


async def test_a_sync_after_every_change_reads_and_writes_nothing(tmp_path: Path) -> None:
    splynx_log = RequestLog()
    async with running_pair(
        {"scale": SCALE}, middlewares=(RequestLog().middleware, splynx_log.middleware)
    ) as pair:
        state = tmp_path / "state.sqlite3"
        result, _, _ = await run(pair, state)
        assert result.status in {"completed", "rejects"}, result.message
        mark = splynx_log.mark()

        result, _, events = await run(pair, state, since="2999-01-01T00:00:00+00:00")

        assert result.exit_code in {ExitCode.OK, ExitCode.REJECTS}, result.message
        # the profile's default location is no Sonar record: it is looked at every time
        assert settled(events) == Counter({("locations", "skipped"): 1})
        writes = [r for r in splynx_log.since(mark) if r.method in WRITES]
        assert [(r.method, r.path) for r in writes] == [("POST", "/api/2.0/admin/auth/tokens")]


async def test_the_cut_over_chain_migrate_change_sync_verify_rollback(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Everything (money and tickets too, through MariaDB) -> Sonar changes ->
    ``--since last`` -> verify -> rollback."""
    sonar_log = RequestLog()
    with storage("mariadb", request) as (splynx_options, db):
        dsn, params = db
        async with running_pair(
            {"scale": 40},
            splynx_options,
            middlewares=(sonar_log.middleware, RequestLog().middleware),
        ) as pair:
            state = tmp_path / "state.sqlite3"
            before = await photograph(settings_for(pair, state))
            before_rows = rows(params)
            await _chain(pair, state, sonar_log, dsn)
            await _rolled_back(pair, state, dsn, before, before_rows, params)


async def _chain(pair: Pair, state: Path, sonar_log: RequestLog, dsn: str) -> None:
    """Run, change, sync, verify: equal; a second sync has nothing to do."""
    result, settings, _ = await run(pair, state, entities=ENTITY_ORDER, splynx_db_dsn=dsn)
    assert result.status in {"completed", "rejects"}, result.message
    changes = await change_sonar(pair, seed=3, fraction=0.1)
    mark = sonar_log.mark()
    created, updated = changes["created"], changes["updated"]
    assert created["accounts"] and updated["accounts"] and changes["archived"]["accounts"]

    result, _, events = await run(
        pair, state, entities=ENTITY_ORDER, since="last", splynx_db_dsn=dsn
    )

    assert result.exit_code in {ExitCode.OK, ExitCode.REJECTS}, result.message
    # the RADIUS logins: only those changed are read, over the ones the run kept
    radius = [r.body for r in sonar_log.since(mark) if "radius_accounts" in r.body]
    assert radius and all("updated_at" in body for body in radius)
    with sqlite3.connect(state) as db:
        (kept,) = db.execute("SELECT COUNT(*) FROM radius_logins").fetchone()
    assert kept == pair.dataset.count("radius_accounts") > 0
    counts = settled(events)
    assert counts["customers", "created"] == len(created["accounts"])
    assert counts["customer_notes", "created"] == len(created["notes"])
    assert counts["payments", "created"] == len(created["payments"])
    assert result.balances is not None and not result.balances.mismatches
    assert result.balances.checked >= len(created["payments"])
    new_services = counts["internet_services", "created"] + counts["recurring_services", "created"]
    assert new_services >= len(created["account_services"])
    # every account renamed, re-statused or archived, and every changed contact's
    # account, had something to put (names, statuses, e-mails)
    assert counts["customers", "updated"] >= (
        len(updated["accounts"]) + len(changes["archived"]["accounts"])
    )
    assert counts["internet_services", "updated"] + counts["recurring_services", "updated"] > 0
    archived = changes["archived"]["accounts"]
    assert f"{len(archived):,} accounts archived in Sonar since the last run" in result.message
    async with SplynxClient.open(settings) as splynx:
        for account_id in archived:
            found = await splynx.find_by_marker("customers", account_id)
            assert found is not None
            customer = await splynx.get("customers", found)
            assert customer is not None and customer["status"] == "disabled"
        for account_id in updated["accounts"]:
            found = await splynx.find_by_marker("customers", account_id)
            assert found is not None
            customer = await splynx.get("customers", found)
            assert customer is not None
            assert customer["name"] == pair.dataset.get("accounts", account_id)["name"]

    code, report, err = await verify_cli(pair, state, "--all")
    assert code == ExitCode.OK, (err, [e for e in report.get("entities", []) if not e["equal"]])

    again, _, events = await run(
        pair, state, entities=ENTITY_ORDER, since="last", splynx_db_dsn=dsn
    )
    assert again.exit_code in {ExitCode.OK, ExitCode.REJECTS}, again.message
    assert not [k for k in settled(events) if k[1] in {"created", "updated", "adopted"}]


async def _rolled_back(
    pair: Pair,
    state: Path,
    dsn: str,
    before: dict[str, Any],
    before_rows: dict[str, Any],
    params: dict[str, Any],
) -> None:
    """A record altered by hand is named by verify; put back, a rollback leaves Splynx as
    it was before the first run, and a second one has nothing to do."""
    settings = settings_for(pair, state)
    async with SplynxClient.open(settings) as splynx:
        [ticket] = await splynx.list("tickets", Search(main={"id": where(">", 0)}).page(1, 0))
        await splynx.update("tickets", ticket.id, {"subject": "Altered By Hand"})
    code, report, err = await verify_cli(pair, state, "--only", "tickets")
    assert code == ExitCode.BLOCKED, err
    [difference] = report["entities"][0]["differences"]
    assert (difference["splynx_id"], difference["field"]) == (ticket.id, "subject")
    async with SplynxClient.open(settings) as splynx:
        await splynx.update("tickets", ticket.id, {"subject": ticket["subject"]})

    code, out = await cli(pair, state, "rollback", "--all", "--yes", dsn=dsn)

    assert code == ExitCode.OK, out
    assert await photograph(settings) == before
    assert rows(params) == before_rows
    code, out = await cli(pair, state, "rollback", "--all", "--yes", dsn=dsn)
    assert code == ExitCode.OK and "nothing to roll back" in out, out


async def test_archived_accounts_can_be_left_as_they_are_and_named(tmp_path: Path) -> None:
    """``[sync] archived = "report"``: the customer keeps its status, the summary names it."""
    report = load_profile("full").model_copy(update={"sync": SyncRules(archived="report")})
    async with running_pair({"scale": SCALE}) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, _ = await run(pair, state)
        assert result.status in {"completed", "rejects"}, result.message
        changes = await change_sonar(pair, seed=4, fraction=0.2)
        archived = changes["archived"]["accounts"]
        assert archived
        async with SplynxClient.open(settings) as splynx:
            before = {}
            for account_id in archived:
                found = await splynx.find_by_marker("customers", account_id)
                assert found is not None
                before[found] = (await splynx.get("customers", found))["status"]  # type: ignore[index]
        assert set(before.values()) - {"disabled"}, "an archived account was disabled already"

        result, _, events = await run(pair, state, profile=report, since="last")

        assert result.exit_code in {ExitCode.OK, ExitCode.REJECTS}, result.message
        assert f"{len(archived):,} accounts archived in Sonar since the last run" in result.message
        assert "left as they are in Splynx" in result.message
        skipped = [
            e for e in events
            if isinstance(e, RecordsSettled) and e.stream == "customers" and "archived" in e.reason
        ]  # fmt: skip
        assert len(skipped) == len(archived)
        async with SplynxClient.open(settings) as splynx:
            for splynx_id, status in before.items():
                customer = await splynx.get("customers", splynx_id)
                assert customer is not None and customer["status"] == status
