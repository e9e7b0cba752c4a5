"""Sonar tickets with their replies and comments, as the unit tests build them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from migrator.sonar.tickets import TicketWithConversation

__all__ = ["BASE", "at", "comment", "reply", "ticket"]

BASE = {"sonar_unique_id": "u", "_version": "1"}


def at(minute: int) -> str:
    return (
        dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=minute)
    ).isoformat()


def ticket(**fields: Any) -> TicketWithConversation:
    values = {
        **BASE, "id": 40, "created_at": at(0), "updated_at": at(90), "description": "Help",
        "priority": "MEDIUM", "status": "OPEN", "subject": "Slow", "ticket_group_id": 4,
        "ticketable_id": 9, "ticketable_type": "Account", "user_id": 5,
    }  # fmt: skip
    return TicketWithConversation.model_validate({**values, **fields})


def reply(reply_id: int, minute: int, incoming: bool, user: int | None = 5) -> dict[str, Any]:
    return {
        **BASE, "id": reply_id, "created_at": at(minute), "updated_at": at(minute),
        "body": f"reply {reply_id}", "incoming": incoming, "ticket_id": 40,
        "user_id": None if incoming else user,
    }  # fmt: skip


def comment(comment_id: int, minute: int, user: int = 5) -> dict[str, Any]:
    return {
        **BASE, "id": comment_id, "created_at": at(minute), "updated_at": at(minute),
        "body": f"comment {comment_id}", "ticket_id": 40, "user_id": user,
    }  # fmt: skip
