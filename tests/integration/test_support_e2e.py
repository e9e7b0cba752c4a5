"""Issue 15 end to end: administrators, tickets and their conversations.

Both simulators over real HTTP, the Splynx one in memory and on MariaDB, and on
MariaDB the database path too (tickets and messages written into the tables
the simulator's API serves, ``SPLYNX_DB_DSN``). Every
Sonar user is an administrator once, every ticket a Splynx ticket once with
its messages in Sonar's order, authors and visibility right, read back through
Splynx's API and held against the Sonar simulator's own records
(``tests/support/support_checks``); the generated mess is there (a reply by a
user who left, HTML, emoji and right-to-left text). A
second run creates nothing more.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.events import RequestDone
from migrator.exitcodes import ExitCode
from migrator.profile import load_profile
from migrator.splynx.client import SplynxClient
from tests.support.migration_checks import rejects_of, run
from tests.support.pair import Pair, running_pair
from tests.support.splynx_db import splynx_storage
from tests.support.support_checks import check_support

pytestmark = pytest.mark.slow

SCALE, SEED = 30, 5
SUPPORT = ("partners", "locations", "customers", "administrators", "tickets", "ticket_messages")


def _mess(pair: Pair) -> dict[str, int]:
    """How much of the generator's mess this dataset holds (so the test proves it moves)."""
    departed = {int(u["id"]) for u in pair.dataset.records("users") if not u["enabled"]}
    entries = [*pair.dataset.records("ticket_replies"), *pair.dataset.records("ticket_comments")]
    tickets = list(pair.dataset.records("tickets"))
    return {
        "not on an account": sum(t["ticketable_type"] != "Account" for t in tickets),
        "departed": sum(int(e["user_id"] or 0) in departed for e in entries),
        "html": sum("<" in e["body"] for e in entries),
        "rtl": sum(any("\u0600" <= c <= "\u06ff" for c in e["body"]) for e in entries),
    }


@pytest.mark.parametrize(
    ("storage", "path"), [("memory", "api"), ("mariadb", "api"), ("mariadb", "db")]
)
async def test_every_ticket_arrives_once_with_its_conversation_in_order(
    tmp_path: Path, storage: str, path: str, request: pytest.FixtureRequest
) -> None:
    profile = load_profile("full")
    with splynx_storage(storage, request, prefix="migrator_support") as splynx:
        async with running_pair({"scale": SCALE, "seed": SEED}, splynx) as pair:
            state = tmp_path / "state.sqlite3"
            database = {"splynx_db_dsn": splynx["db_dsn"]} if path == "db" else {}
            # a nested page of 3: a ticket with a longer thread costs follow-up requests
            result, settings, events = await run(
                pair, state, entities=SUPPORT, profile=profile, nested_page_size=3, **database
            )
            assert result.exit_code in (ExitCode.OK, ExitCode.REJECTS), result.message
            assert "must reset their password" in result.message
            rejects = rejects_of(state)
            # only one of the two users whose logins differ in case alone: the second to arrive
            assert rejects.get("administrators") in ({1}, {2}), rejects
            assert "tickets" not in rejects and "ticket_messages" not in rejects, rejects
            async with SplynxClient.open(settings) as client:
                found = await check_support(client, pair, rejects, profile)
            assert found["tickets"] > 50 and found["messages"] > 100, found
            mess = _mess(pair)
            assert mess["departed"] and mess["html"] and mess["rtl"], mess
            posts = [
                e for e in events
                if isinstance(e, RequestDone) and e.system == "splynx"
                and e.operation.split(" ")[:2] in (["POST", "tickets"], ["POST", "ticket_messages"])
            ]  # fmt: skip
            assert (posts == []) == (path == "db"), posts[:3]
            # tickets and their messages share each page of tickets: one request per page
            pages = [
                e.operation for e in events
                if isinstance(e, RequestDone) and e.system == "sonar"
                and e.operation.startswith("tickets") and " page " in e.operation
            ]  # fmt: skip
            assert pages and len(pages) == len(set(pages)), sorted(pages)

            again, _, _ = await run(pair, state, entities=SUPPORT, profile=profile, **database)
            assert again.exit_code == result.exit_code, again.message
            async with SplynxClient.open(settings) as client:
                assert await check_support(client, pair, rejects_of(state), profile) == found
