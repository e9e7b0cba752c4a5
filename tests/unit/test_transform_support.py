"""Administrators, tickets and ticket messages: the pure transforms, table-driven."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest

from migrator.errors import Rejected
from migrator.profile_rules import SupportRules
from migrator.records import Resolved
from migrator.sonar.entities import TicketPriority, TicketStatus, User
from migrator.transform.staff import administrator, role_of
from migrator.transform.support_targets import SupportTargets
from migrator.transform.tickets import (
    message_key,
    message_parents,
    message_records,
    splynx_message,
    splynx_ticket,
)
from tests.support.sonar_tickets import BASE, at, comment, reply, ticket

UTC = ZoneInfo("UTC")
RULES = SupportRules(roles={"3": "engineer"})
TARGETS = SupportTargets(
    RULES, {s: n for n, s in enumerate(TicketStatus, 1)}, type_id=7, groups={4: 2}, default_group=1
)
STAFF = "administration"  # the source of a message staff wrote


def _user(**fields: Any) -> User:
    values = {
        **BASE, "id": 5, "created_at": at(0), "updated_at": at(0), "completed_setup": True,
        "email_address": "ann@example.net", "enabled": True, "name": "Ann Lee",
        "public_name": "Ann", "role_id": 3, "super_admin": False, "username": "alee",
    }  # fmt: skip
    return User.model_validate({**values, **fields})


@pytest.mark.parametrize(
    ("fields", "role"),
    [
        ({}, "engineer"),  # by role id
        ({"role_id": 1}, "administrator"),  # the default
        ({"role_id": None}, "administrator"),
        ({"super_admin": True}, "super-administrator"),
    ],
)
def test_role_mapping(fields: dict[str, Any], role: str) -> None:
    assert role_of(_user(**fields), RULES) == role


def test_an_administrator_gets_a_random_password_and_a_user_who_left_is_noted() -> None:
    cleaned = administrator(
        _user(enabled=False), Resolved(), rules=RULES, password=lambda: "x" * 20
    )
    body = cleaned.payload.body()
    assert (body["login"], body["email"], body["role_name"]) == (
        "alee",
        "ann@example.net",
        "engineer",
    )
    assert "x" * 20 not in repr(cleaned.payload)  # a secret: never printed
    assert any("disabled in Sonar" in note for note in cleaned.notes)
    with pytest.raises(Rejected):
        administrator(_user(username="  "), Resolved(), rules=RULES)


@pytest.mark.parametrize(
    ("status", "priority", "status_id", "splynx_priority", "closed"),
    [
        ("OPEN", "LOW", 1, "low", False),
        ("CLOSED", "MEDIUM", 2, "medium", True),
        ("PENDING_INTERNAL", "HIGH", 3, "high", False),
        ("PENDING_EXTERNAL", "CRITICAL", 4, "urgent", False),
    ],
)
def test_status_and_priority_mapping(
    status: str, priority: str, status_id: int, splynx_priority: str, closed: bool
) -> None:
    assert [s.value for s in TicketStatus] == [
        "OPEN",
        "CLOSED",
        "PENDING_INTERNAL",
        "PENDING_EXTERNAL",
    ]
    resolved = Resolved({"ticketable_id": 100, "user_id": 11})
    body = splynx_ticket(
        ticket(status=status, priority=priority), resolved, targets=TARGETS, zone=UTC
    ).payload.body()
    assert (body["status_id"], body["priority"], bool(body["closed"])) == (
        status_id, splynx_priority, closed,
    )  # fmt: skip
    assert TicketPriority(priority) in RULES.priority


@pytest.mark.parametrize(
    ("fields", "resolved", "customer", "group", "note", "first_author"),
    [
        ({}, {"ticketable_id": 100, "user_id": 11}, 100, 2, None, "customer"),
        ({"ticket_group_id": 8}, {"ticketable_id": 100}, 100, 1, None, "customer"),
        (
            {"ticketable_type": "NetworkSite", "ticketable_id": 3}, {"user_id": 11}, None, 2,
            "Sonar ticket 40 on NetworkSite 3", "admin",
        ),
        (
            {"ticketable_type": None, "ticketable_id": None}, {}, None, 2,
            "Sonar ticket 40 on nothing", "admin",
        ),
    ],
)  # fmt: skip
def test_a_ticket_belongs_to_its_account_or_keeps_its_origin(
    fields: dict[str, Any], resolved: dict[str, int], customer: int | None, group: int,
    note: str | None, first_author: str,
) -> None:  # fmt: skip
    cleaned = splynx_ticket(ticket(**fields), Resolved(resolved), targets=TARGETS, zone=UTC)
    body = cleaned.payload.body()
    assert body.get("customer_id") == customer and body["group_id"] == group
    assert body.get("note") == note
    assert body["additional_attributes"] == {"sonar_id": "40"}
    assert body["message"]["message"] == "Help" and body["message"]["author_type"] == first_author
    assert ("user_id" in resolved) == ("assign_to" in body)


def test_messages_follow_sonar_order_each_waiting_for_its_ticket() -> None:
    thread = ticket(
        ticket_replies=[reply(7, 30, True), reply(3, 10, False), reply(9, 30, False)],
        ticket_comments=[comment(7, 20), comment(2, 30)],
    )
    records = message_records(thread)
    order = [(r.kind, r.entry.id) for _, r in records]
    # created_at, then id (a reply and a comment at the same minute: the lower id first)
    assert order == [("reply", 3), ("comment", 7), ("comment", 2), ("reply", 7), ("reply", 9)]
    keys = [key for key, _ in records]
    assert keys == [message_key("reply", 3), 15, 5, 14, 18] and len(set(keys)) == 5
    second = message_parents(records[1][1])
    assert [(p.entity, p.field, p.required) for p in second] == [
        ("tickets", "ticket_id", True),
        ("administrators", "user_id", False), ("customers", "customer_id", False),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "entry", "resolved", "author", "admin", "hidden", "source", "noted"),
    [
        ("reply", reply(1, 5, True), {"user_id": 11}, "customer", None, False, "incoming", False),
        ("reply", reply(1, 5, False), {"user_id": 11}, "admin", 11, False, STAFF, False),
        ("comment", comment(1, 5), {"user_id": 11}, "admin", 11, True, STAFF, False),
        # written by a Sonar user who left and is not in Splynx: kept, noted, no administrator
        ("reply", reply(1, 5, False, user=13), {}, "admin", None, False, STAFF, True),
    ],
)  # fmt: skip
def test_authors_and_visibility(
    kind: str, entry: dict[str, Any], resolved: dict[str, int], author: str,
    admin: int | None, hidden: bool, source: str, noted: bool,
) -> None:  # fmt: skip
    replies, comments = ([entry], []) if kind == "reply" else ([], [entry])
    [(_, record)] = message_records(ticket(ticket_replies=replies, ticket_comments=comments))
    cleaned = splynx_message(
        record, Resolved({"ticket_id": 70, "customer_id": 100, **resolved}), zone=UTC
    )
    body = cleaned.payload.body()
    assert (body["author_type"], body.get("admin_id"), bool(body["hide_for_customer"])) == (
        author, admin, hidden,
    )  # fmt: skip
    assert (body["ticket_id"], body["source"], body["date"], body["time"]) == (
        70, source, "2024-05-01", "12:05:00",
    )  # fmt: skip
    assert bool(cleaned.notes) == noted


@pytest.mark.parametrize(
    "text",
    ["<p>Hello <b>there</b></p>\n", "🚀 ok 👍🏽", "مرحبا بالعالم", "  padded  \n\n", "x" * 65_536],
)
def test_bodies_are_kept_exactly(text: str) -> None:
    entry = {**comment(1, 5), "body": text}
    [(_, record)] = message_records(ticket(ticket_comments=[entry]))
    body = splynx_message(record, Resolved({"ticket_id": 70}), zone=UTC).payload.body()
    assert body["message"] == text


def test_an_empty_body_is_rejected_with_its_reason() -> None:
    entry = {**comment(1, 5), "body": " \n"}
    [(_, record)] = message_records(ticket(ticket_comments=[entry]))
    with pytest.raises(Rejected) as caught:
        splynx_message(record, Resolved({"ticket_id": 70}), zone=UTC)
    assert caught.value.field == "body"


def test_no_message_waits_for_another_the_conversation_is_written_in_order() -> None:
    thread = ticket(ticket_replies=[reply(1, 5, True), reply(2, 6, False)])
    [_, (_, second)] = message_records(thread)
    entities = [p.entity for p in message_parents(second)]
    assert "ticket_messages" not in entities and "tickets" in entities
