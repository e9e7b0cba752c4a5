"""Tickets and ticket messages of the awkward kinds a Sonar helpdesk holds, as payloads.

A small fixed set for comparisons (``conversation``) and a generated volume for
the benchmark (``volume``). Bodies keep what the issue names: HTML, emoji,
right-to-left text, a 64 KB body, internal notes, customer and staff authors,
a ticket with no customer (its origin in its note).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Literal

from migrator.sim.splynx.additional import MARKER_FIELDS
from migrator.splynx.payloads.support import Ticket, TicketMessage

__all__ = ["SUPPORT_FIELDS", "conversation", "messages_of", "tickets", "volume"]

# The migration's marker fields, the ticket's among them (additional field of module ticket).
SUPPORT_FIELDS = MARKER_FIELDS
assert any(f.module == "ticket" and f.name == "sonar_id" for f in SUPPORT_FIELDS)
HTML = '<p>Hello <b>team</b>,<br>the <a href="https://example.net/?a=1&amp;b=2">link</a> fails.</p>'
RTL = "שלום, החיבור שלי איטי מאוד מאז אתמול. مرحبا، الاتصال بطيء"
EMOJI = "Thanks!! 🙏🏽 all good now 👍 — ✔︎ ünïcödé"
BIG = ("Line of a very long log paste: 0123456789abcdef ✓\n" * 1300)[: 64 * 1024]


def tickets(customers: Sequence[int]) -> list[Ticket]:
    """Three tickets: on an account, on nothing (origin in the note), one with a first
    message of its own; statuses, groups and flags varied."""
    return [
        Ticket(
            subject="Internet down 🚨 since Monday", priority="urgent", type_id=2,
            customer_id=customers[0], status_id=2, group_id=1, assign_to=1,
            reporter_type="customer", reporter_id=customers[0], closed=False,
            created_at="2023-03-01 09:15:00", updated_at="2023-03-04 17:00:00",
            note="", additional_attributes={"sonar_id": "9001"},
        ),
        Ticket(
            subject="تعطل الراوتر في الموقع 7", priority="low", type_id=1, status_id=4,
            note="Sonar ticketable: NetworkSite 7", hidden=True, star=True, closed=True,
            created_at="2022-11-20 08:00:00", additional_attributes={"sonar_id": "9002"},
        ),
        Ticket(
            subject="<b>Billing</b> question", priority="medium", type_id=3,
            customer_id=customers[1], created_at="2024-01-05 10:00:00",
            additional_attributes={"sonar_id": "9003"},
            message=TicketMessage(message=HTML, author_type="customer",
                                  customer_id=customers[1], date="2024-01-05",
                                  time="10:00:00", source="portal"),
        ),
    ]  # fmt: skip


def messages_of(ticket: int, customer: int | None, day: str = "2023-03-01") -> list[TicketMessage]:
    """A conversation: customer and staff replies, notes, every awkward body."""
    bodies: list[tuple[Literal["admin", "customer"], str, bool]] = [
        ("customer", HTML, False), ("admin", "We are looking into it.", False),
        ("admin", "Internal: escalate to NOC, router 7 flapping", True),
        ("customer", EMOJI, False), ("admin", BIG, False), ("customer", RTL, False),
        ("admin", "Closed after a week of monitoring.\r\n\r\n-- \nSupport", True),
    ]  # fmt: skip
    messages = []
    for n, (author, body, note) in enumerate(bodies):
        staff = author == "admin"
        messages.append(
            TicketMessage(
                ticket_id=ticket, message=body, author_type=author,
                customer_id=None if staff else customer, admin_id=1 if staff else None,
                hide_for_customer=note, date=day, time=f"1{n}:0{n}:00",
                source="administration" if staff else "portal",
                mail_to="" if staff else "ann@example.net",
            )
        )  # fmt: skip
    return messages


def conversation(ticket_ids: Sequence[int], customers: Sequence[int]) -> list[TicketMessage]:
    """Messages for the first two of ``tickets()``: on an account, and on nothing."""
    return messages_of(ticket_ids[0], customers[0]) + messages_of(ticket_ids[1], None, "2022-11-21")


def volume(
    customers: Sequence[int], count: int, *, run: int = 0, seed: int = 0
) -> tuple[list[Ticket], list[list[TicketMessage]]]:
    """``count`` tickets (markers unique per ``run``) and each one's 2-4 messages without
    their ticket id yet, about 1/3 of them notes; bodies of a few hundred characters."""
    rng = random.Random(seed)
    made, threads = [], []
    words = ("router", "signal", "slow", "outage", "invoice", "modem", "fibre", "wifi", "thanks")
    for n in range(count):
        customer = rng.choice(customers) if rng.random() < 0.9 else None
        made.append(
            Ticket(
                subject=f"Ticket {n}: " + " ".join(rng.choices(words, k=5)),
                priority=rng.choice(("low", "medium", "high", "urgent")), type_id=1,
                customer_id=customer, status_id=rng.randint(1, 5), group_id=rng.randint(1, 3),
                created_at="2023-05-01 10:00:00", note="" if customer else "Sonar: Site 3",
                additional_attributes={"sonar_id": f"R{run}-T{n}"},
            )
        )  # fmt: skip
        thread = []
        for k in range(rng.randint(2, 4)):
            staff = rng.random() < 0.5
            body = " ".join(rng.choices(words, k=rng.randint(20, 80)))
            thread.append(
                TicketMessage(
                    message=body, author_type="admin" if staff else "customer",
                    admin_id=1 if staff else None, hide_for_customer=staff and k % 3 == 2,
                    date="2023-05-02", time=f"10:{k:02d}:00",
                )
            )  # fmt: skip
        threads.append(thread)
    return made, threads
