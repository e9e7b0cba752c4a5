"""``migrator verify`` as a user runs it, after a real run through both simulators over HTTP.

A clean run verifies equal (exit 0, equal counts per entity) and verify sends
nothing but reads, to either system; a customer altered and a service deleted
in Splynx through its API are both named (exit 5): the entity, the Sonar id,
the field with both values, and the missing record as missing. Tickets and
their messages verify too: an altered ticket is named by field, an edited
message as missing and extra (a message is known by its text); a rollback
keeps both, and a ticket the support team answered in Splynx since, each
with its whole conversation. With money,
every balance is equal to the cent until a charge booked by hand in Splynx
moves one, which is named with both figures.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from migrator.entity_map import ENTITY_ORDER
from migrator.exitcodes import ExitCode
from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, where
from migrator.splynx.records import SplynxRecord
from tests.support.cutover import cli, verify_cli
from tests.support.migration_checks import run
from tests.support.migration_processes import WITHOUT_MONEY
from tests.support.pair import Pair, running_pair, settings_for
from tests.support.request_log import RequestLog

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCALE = 40
READS = {"GET", "HEAD", "OPTIONS"}
ANY = Search(main={"id": where(">", 0)})


def store_ids(state: Path, entity: str) -> list[tuple[int, int]]:
    """(Sonar id, Splynx id) of each record of ``entity`` the state file maps."""
    with sqlite3.connect(state) as db:
        query = "SELECT sonar_id, splynx_id FROM id_map WHERE entity = ?"
        return [(int(a), int(b)) for a, b in db.execute(query, (entity,))]


async def first(splynx: SplynxClient, endpoint: str) -> SplynxRecord:
    """The oldest record of ``endpoint`` (services: across customers)."""
    [record] = await splynx.list(endpoint, Search(main={"id": where(">", 0)}).page(1, 0))
    return record


async def migrated(pair: Pair, tmp_path: Path) -> Path:
    state = tmp_path / "state.sqlite3"
    result, _, _ = await run(pair, state)
    assert result.status in {"completed", "rejects"}, result.message
    return state


async def test_a_clean_run_verifies_equal_and_verify_only_reads(tmp_path: Path) -> None:
    sonar_log, splynx_log = RequestLog(), RequestLog()
    logs = (sonar_log.middleware, splynx_log.middleware)
    async with running_pair({"scale": SCALE}, middlewares=logs) as pair:
        state = await migrated(pair, tmp_path)
        before = state.read_bytes()
        sonar_mark, splynx_mark = sonar_log.mark(), splynx_log.mark()

        code, report, err = await verify_cli(pair, state, "--all", *WITHOUT_MONEY)

        assert code == ExitCode.OK, err
        assert report["equal"] is True and report["sample"] is None
        entities = {e["entity"]: e for e in report["entities"]}
        assert entities["customers"]["sonar"] == SCALE
        for name, entity in entities.items():
            state_side = entity["state"]["created"] + entity["state"]["adopted"]
            state_side += entity["state"]["existing"]
            assert entity["sonar"] == entity["splynx"] + entity["rejected"], name
            assert entity["splynx"] == state_side, name
            assert entity["rejected"] == entity["state"]["rejected"], name
            assert entity["compared"] == entity["splynx"] > 0, name
            assert entity["missing"] == entity["extra"] == entity["differences"] == [], name

        writes = [r for r in splynx_log.since(splynx_mark) if r.method not in READS]
        # the token login is the one POST a read-only session sends
        assert [(r.method, r.path) for r in writes] == [("POST", "/api/2.0/admin/auth/tokens")]
        sonar_sent = sonar_log.since(sonar_mark)
        assert sonar_sent and not [r for r in sonar_sent if "mutation" in r.body.lower()]
        assert state.read_bytes() == before, "verify changed the state file"


async def test_an_altered_and_a_deleted_record_are_named(tmp_path: Path) -> None:
    async with running_pair({"scale": SCALE}) as pair:
        state = await migrated(pair, tmp_path)
        settings = settings_for(pair, state)
        async with SplynxClient.open(settings) as splynx:
            customer = await first(splynx, "customers")
            await splynx.update("customers", customer.id, {"name": "Altered By Hand"})
            service = await first(splynx, "internet_services")
            customer_id = int(service["customer_id"])
            assert await splynx.delete("internet_services", service.id, customer_id=customer_id)

        code, report, err = await verify_cli(pair, state, "--all", *WITHOUT_MONEY)

        assert code == ExitCode.BLOCKED, err
        assert report["equal"] is False
        entities = {e["entity"]: e for e in report["entities"]}
        [difference] = entities["customers"]["differences"]
        assert difference["sonar_id"] == int(customer.additional_attributes["sonar_id"])
        assert difference["splynx_id"] == customer.id
        assert difference["field"] == "name"
        assert difference["sonar"] == customer["name"]
        assert difference["splynx"] == "Altered By Hand"
        [missing] = entities["internet_services"]["missing"]
        assert missing["sonar_id"] == int(service.additional_attributes["sonar_id"])
        services = entities["internet_services"]
        assert services["splynx"] == services["sonar"] - services["rejected"] - 1
        assert [e["entity"] for e in report["entities"] if not e["equal"]] == [
            "customers",
            "internet_services",
        ]


async def test_money_verifies_to_the_cent_and_a_moved_balance_is_named(tmp_path: Path) -> None:
    money = "customers,invoices,payments,transactions"
    async with running_pair({"scale": 12}) as pair:
        state = tmp_path / "state.sqlite3"
        result, settings, _ = await run(pair, state, entities=ENTITY_ORDER)
        assert result.status in {"completed", "rejects"}, result.message

        code, report, err = await verify_cli(pair, state, "--all", "--only", money)

        assert code == ExitCode.OK, err
        assert [e["entity"] for e in report["entities"]] == money.split(",")
        assert all(e["sonar"] == e["splynx"] + e["rejected"] > 0 for e in report["entities"])
        assert report["balances"]["checked"] == report["balances"]["equal"] > 0

        async with SplynxClient.open(settings) as splynx:
            customer = await first(splynx, "customers")
            charge = {"type": "debit", "customer_id": customer.id, "date": "2026-12-01",
                      "category": 1, "description": "by hand", "price": "12.34"}  # fmt: skip
            await splynx.create("transactions", charge)

        code, report, err = await verify_cli(pair, state, "--all", "--only", money)

        assert code == ExitCode.BLOCKED, err
        assert all(e["equal"] for e in report["entities"]), "the charge carries no marker of ours"
        [moved] = report["balances"]["different"]
        assert moved["account_id"] == int(customer.additional_attributes["sonar_id"])
        assert moved["customer_id"] == customer.id
        assert moved["sonar"] != moved["splynx"]


async def test_an_altered_ticket_and_message_are_named_and_kept_by_rollback(
    tmp_path: Path,
) -> None:
    support = "administrators,tickets,ticket_messages"
    async with running_pair({"scale": 12, "seed": 3}) as pair:
        state = tmp_path / "state.sqlite3"
        entities = ("partners", "locations", "customers", *support.split(","))
        result, settings, _ = await run(pair, state, entities=entities)
        assert result.status in {"completed", "rejects"}, result.message

        code, report, err = await verify_cli(pair, state, "--all", "--only", support)

        assert code == ExitCode.OK, err
        entities_found = {e["entity"]: e for e in report["entities"]}
        assert list(entities_found) == support.split(",")
        for name, entity in entities_found.items():
            assert entity["sonar"] == entity["splynx"] + entity["rejected"], name
            assert entity["compared"] > 0, name

        async with SplynxClient.open(settings) as splynx:
            ticket = await first(splynx, "tickets")
            await splynx.update("tickets", ticket.id, {"subject": "Altered By Hand"})
            ours = {row[1] for row in store_ids(state, "ticket_messages")}
            messages = [m async for m in splynx.iterate("ticket_messages", ANY)]
            message = next(m for m in messages if m.id in ours)
            await splynx.update("ticket_messages", message.id, {"message": "Edited by hand"})

        code, report, err = await verify_cli(pair, state, "--all", "--only", support)

        assert code == ExitCode.BLOCKED, err
        found = {e["entity"]: e for e in report["entities"]}
        [difference] = found["tickets"]["differences"]
        assert difference["splynx_id"] == ticket.id and difference["field"] == "subject"
        assert difference["sonar"] == ticket["subject"]
        assert difference["splynx"] == "Altered By Hand"
        # a message is known by its text: edited, it is another message, and ours is gone
        [missing] = found["ticket_messages"]["missing"]
        assert missing["marker"].startswith(f"ticket {message['ticket_id']} ")
        assert [e["splynx_id"] for e in found["ticket_messages"]["extra"]] == [message.id]
        assert found["administrators"]["equal"] is True

        # a reply the support team adds in Splynx to another of our tickets
        async with SplynxClient.open(settings) as splynx:
            tickets = [t async for t in splynx.iterate("tickets")]
            others = (ticket.id, int(message["ticket_id"]))
            talked = {int(m["ticket_id"]) for m in messages if m.id in ours}  # replies of ours
            answered = next(t for t in tickets if t.id not in others and t.id in talked)
            reply = {"ticket_id": answered.id, "message": "We are on it", "author_type": "admin"}
            await splynx.create("ticket_messages", reply)

        # a rollback keeps all three tickets, named, each with its whole conversation
        code, out = await cli(pair, state, "rollback", "--all")
        assert code == ExitCode.REJECTS, out  # something kept
        kept = {(c[1], c[3]): " ".join(c) for c in map(str.split, out.splitlines()) if len(c) > 3}
        assert "changed in Splynx" in kept[("tickets", str(ticket.id))], out
        assert "changed in Splynx" in kept[("ticket_messages", str(message.id))], out
        assert "message(s) added in Splynx" in kept[("tickets", str(answered.id))], out
        on_answered = {m.id for m in messages if int(m["ticket_id"]) == answered.id} & ours
        assert on_answered
        for message_id in on_answered:
            assert "its ticket is kept" in kept[("ticket_messages", str(message_id))], out
