"""Tickets after a migration, read back through Splynx's API and held against Sonar's data.

``check_support`` reads the Sonar simulator's own tables (users, tickets, replies,
comments: not through the migrator's reader) and Splynx's administrators,
tickets and ticket messages through the API, and asserts:

- every Sonar user is an administrator once (by login), or rejected;
- every Sonar ticket is a Splynx ticket exactly once (its ``sonar_id``), or
  rejected, on its account's customer (none and its origin in the note when not
  on an account), with the profile's priority and status;
- each ticket's messages, in Splynx's id order, are its description then its
  replies and comments in Sonar's order (created_at, then id), each with its
  exact text, its author (customer for an incoming reply, else the administrator
  of the Sonar user who wrote it) and hidden from the customer when a comment.

The expectations are computed here from the raw records, not by the transforms.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from migrator.profile import Profile
from migrator.splynx.client import SplynxClient
from tests.support.migration_checks import everything
from tests.support.pair import Pair

__all__ = ["check_support"]

_PRIORITY = {"LOW": "low", "MEDIUM": "medium", "HIGH": "high", "CRITICAL": "urgent"}


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def _conversation(pair: Pair) -> dict[int, list[tuple[str, dict[str, Any]]]]:
    """Each Sonar ticket's replies and comments, in Sonar's order."""
    threads: dict[int, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for kind, query in (("reply", "ticket_replies"), ("comment", "ticket_comments")):
        for record in pair.dataset.records(query):
            threads[int(record["ticket_id"])].append((kind, dict(record)))
    for thread in threads.values():
        thread.sort(key=lambda pair_: (pair_[1]["created_at"], int(pair_[1]["id"]), pair_[0]))
    return threads


async def _admins(client: SplynxClient, pair: Pair, rejected: set[int]) -> dict[int, int]:
    """Sonar user id -> Splynx administrator id (each user once, or rejected)."""
    listed = await everything(client, "administrators")
    by_login = {str(a["login"]).casefold(): a.id for a in listed}
    found = {}
    for user in pair.dataset.records("users"):
        user_id = int(user["id"])
        splynx = by_login.get(str(user["username"]).casefold())
        assert splynx is not None or user_id in rejected, f"user {user_id} is missing"
        if user_id not in rejected:
            assert splynx is not None
            found[user_id] = splynx
    return found


def _expected_message(kind: str, entry: dict[str, Any], admins: dict[int, int]) -> dict[str, Any]:
    incoming = kind == "reply" and bool(entry["incoming"])
    user = entry.get("user_id")
    return {
        "message": entry["body"],
        "author_type": "customer" if incoming else "admin",
        "hide": kind == "comment",
        "admin_id": 0 if incoming or user is None else admins.get(int(user), 0),
    }


def _check_thread(
    ticket: dict[str, Any], splynx: list[Any], thread: list[tuple[str, dict[str, Any]]],
    admins: dict[int, int],
) -> None:  # fmt: skip
    expected = [_expected_message(kind, entry, admins) for kind, entry in thread]
    if ticket["description"].strip():
        first = splynx.pop(0)
        assert first["message"] == ticket["description"], f"ticket {ticket['id']} description"
    actual = [
        {"message": m["message"], "author_type": m["author_type"],
         "hide": _flag(m["hide_for_customer"]), "admin_id": int(m["admin_id"] or 0)}
        for m in splynx
    ]  # fmt: skip
    kinds = [m["message_type"] for m in splynx]
    assert kinds == ["note" if m["hide"] else "message" for m in expected], ticket["id"]
    assert actual == expected, f"ticket {ticket['id']}: messages differ"


async def check_support(
    client: SplynxClient, pair: Pair, rejects: dict[str, set[int]], profile: Profile
) -> dict[str, int]:
    """Assert the support data is in Splynx as it was in Sonar; counts of what was checked."""
    admins = await _admins(client, pair, rejects.get("administrators", set()))
    listed = await everything(client, "customers")
    customers = {int(c.additional_attributes["sonar_id"]): c.id for c in listed}
    statuses = {s.id: s["title_for_agent"] for s in await everything(client, "ticket_statuses")}
    tickets = await everything(client, "tickets")
    markers = Counter(str(t.additional_attributes.get("sonar_id")) for t in tickets)
    assert [m for m, n in markers.items() if n > 1] == [], "a ticket was created twice"
    by_marker = {int(t.additional_attributes["sonar_id"]): t for t in tickets}
    messages: dict[int, list[Any]] = defaultdict(list)
    for message in sorted(await everything(client, "ticket_messages"), key=lambda m: m.id):
        messages[int(message["ticket_id"])].append(message)
    threads = _conversation(pair)
    rejected = rejects.get("tickets", set())
    checked = Counter[str]()
    for ticket in pair.dataset.records("tickets"):
        ticket_id = int(ticket["id"])
        found = by_marker.get(ticket_id)
        if found is None:
            assert ticket_id in rejected, f"ticket {ticket_id} is missing"
            continue
        on_account = ticket["ticketable_type"] == "Account"
        customer = customers[int(ticket["ticketable_id"])] if on_account else 0
        assert int(found["customer_id"] or 0) == customer, f"ticket {ticket_id} customer"
        if not on_account:
            assert f"Sonar ticket {ticket_id} on" in found["note"], f"ticket {ticket_id} note"
        assert found["priority"] == _PRIORITY[ticket["priority"]]
        assert statuses[int(found["status_id"])] == profile.support.status[ticket["status"]]
        _check_thread(ticket, messages.pop(found.id, []), threads.get(ticket_id, []), admins)
        checked["tickets"] += 1
        checked["messages"] += len(threads.get(ticket_id, []))
    assert messages == {}, "messages on tickets Sonar does not explain"
    checked["administrators"] = len(admins)
    return dict(checked)
