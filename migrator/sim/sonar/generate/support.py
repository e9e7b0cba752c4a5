"""Note, ticket, reply and comment records, built on demand from the support columns.

Text is where the mess lives: multi-line bodies, HTML, emoji, right-to-left
script, a few very long notes (tens of kilobytes, still within ``Text``'s
100,000 characters) and replies (64 KB). Now and then a staff reply or comment
is by a user who has left since (disabled in Sonar), and a ticket that is on
no account is on a network site instead (the ticket id decides, so the shared
random stream is untouched).
"""

from __future__ import annotations

from array import array
from typing import Any

from migrator.sim.sonar.draw import Draw
from migrator.sim.sonar.generate.common import Columns, Salt, World, common_fields
from migrator.sim.sonar.generate.tickets import TicketStatus
from migrator.sim.sonar.generate.timeline import History
from migrator.sim.sonar.generate.words import person_name
from migrator.sim.sonar.instance_time import DAY, instant_to_iso, local_date
from migrator.sim.sonar.table import NULL, CodeColumn, IntColumn, Table

__all__ = ["support_tables"]

NOTEABLE = ("Account", "Contact")
_NOTES = (
    "Customer called about slow speeds in the evening; ran a speed test, 92/95 Mbps.",
    "Promised a courtesy credit for the outage on the 14th.",
    "Dog in the back yard! Call before the tech arrives.",
    "Gate code 4411#\nKey under the mat for the equipment room.",
    "Cliente prefiere comunicación en español. Llamar después de las 5pm.",
    "Paid by check at the office 💵 — receipt #88121.",
    "Moved router to the upstairs office; signal much better 👍",
    "العميل يطلب فاتورة ورقية",
    "<p>Escalated to <b>NOC</b>: packet loss on sector 3.</p>",
)
_SUBJECTS = (
    "No internet since this morning", "Slow speeds", "Billing question", "Router blinking red",
    "Upgrade request", "Cancel service", "Move service to new address", "Wi-Fi drops every hour",
    "Invoice looks wrong", "Outage on Ranch Road", "Need a static IP", "Re: Re: Re: your bill",
)  # fmt: skip
_BODIES = (
    "Hi,\n\nMy internet has been down since about 7am. Lights on the router are red.\n\nThanks",
    "Speeds are way below what I pay for. Can someone look at this?",
    "Why was I charged twice this month??",
    "We are moving on the 1st — please transfer the service. 🏠",
    "Bonjour, est-ce que je peux payer par virement ?",
)
_ANSWERS = (
    "Thanks for reaching out! A technician is scheduled for tomorrow between 8 and 12.",
    "We have refreshed your connection; please reboot your router and let us know.",
    "The second charge is the prorated part of your first month; it is correct.",
    '<p>Hi,</p>\n<p>Your <b>new router</b> ships today. Tracking: <a href="#">1Z999</a></p>',
    "تم حل المشكلة، شكراً لصبركم 🙏",
    "Résolu ✅ — merci ! 🛠️👩🏽‍🔧",
)
_COMMENTS = (
    "Checked the radio, SNR is fine.",
    "Waiting on the customer.",
    "Escalating.",
    "<ul><li>CPE rebooted</li><li>firmware 8.7.1</li></ul>",
    "العميل غاضب، يرجى الاتصال به 📞",
)
# The share of staff replies and comments whose author has since left (a disabled user).
DEPARTED_RATE = 0.05
LONG_BODY_RATE = 0.002  # a pasted log or e-mail thread of exactly 64 KB


def _big_body(draw: Draw) -> str:
    """65,536 characters of a pasted modem log, emoji and right-to-left text in it."""
    line = "2024-05-01 12:00:01 wan0: link up 1000Mb/s ✅ | خط الاتصال يعمل\n"
    return (line * (65_536 // len(line) + 1))[:65_536]


def _author(world: World, draw: Draw, user: int) -> int:
    """The staff member who wrote it, or now and then one who has left since."""
    departed: tuple[int, ...] = world.facts.get("departed", ())
    if departed and draw.chance(DEPARTED_RATE):
        return draw.pick(departed)
    return user


def _long_text(draw: Draw) -> str:
    return ("Site survey notes: line of sight to the tower is partly blocked by oaks. " * 400)[
        : draw.between(20_000, 40_000)
    ]


def _note(world: World, cols: Columns, row: int) -> dict[str, Any]:
    note_id = cols.ids[row]
    draw = world.draw(Salt.NOTE, note_id)
    user = cols.extra["user"][row]
    record = common_fields(draw, note_id, cols.created[row], cols.updated[row])
    record.update(
        message=_long_text(draw) if draw.chance(0.003) else draw.pick(_NOTES),
        noteable_id=str(cols.extra["owner"][row]),
        noteable_type=NOTEABLE[cols.extra["owner_kind"][row]],
        priority="NORMAL"
        if draw.chance(0.9)
        else draw.pick(("STICKY", "STICKY_WITH_CONFIRMATION")),
        user_id=str(user) if user else None,
    )
    return record


def _ticket(world: World, cols: Columns, row: int) -> dict[str, Any]:
    ticket_id, created = cols.ids[row], cols.created[row]
    draw = world.draw(Salt.TICKET, ticket_id)
    owner, closed = cols.extra["owner"][row], cols.extra["closed_at"][row]
    status, user = TicketStatus(cols.extra["status"][row]), cols.extra["user"][row]
    spam = owner == NULL and draw.chance(0.3)
    record = common_fields(draw, ticket_id, created, cols.updated[row])
    record.update(
        global_updated_at=instant_to_iso(cols.updated[row]),
        closed_at=None if closed == NULL else instant_to_iso(closed),
        closed_by_user_id=None if closed == NULL else str(cols.extra["closer"][row]),
        company_id="1",
        description=draw.pick(_BODIES),
        due_date=local_date(created + 3 * DAY).isoformat() if draw.chance(0.2) else None,
        inbound_mailbox_id="1" if draw.chance(0.6) else None,
        is_spam=spam,
        parent_ticket_id=None,
        priority=draw.pick(("LOW", "MEDIUM", "MEDIUM", "HIGH", "CRITICAL")),
        spam_score=round(draw.unit() * 10, 2) if spam or draw.chance(0.3) else None,
        status=status.name,
        subject=draw.pick(_SUBJECTS),
        ticket_group_id=str(cols.extra["group"][row]),
        **_ticketable(ticket_id, owner),
        user_id=str(user) if user else None,
    )
    return record


def _site(ticket_id: int, owner: int) -> int | None:
    """A ticket on no account is, one time in two, about a network site (1-5) instead."""
    return 1 + ticket_id % 5 if owner == NULL and ticket_id % 2 == 0 else None


def _ticketable(ticket_id: int, owner: int) -> dict[str, Any]:
    """What the ticket is about: an account, a network site, or nothing."""
    site = _site(ticket_id, owner)
    if site is not None:
        return {"ticketable_id": str(site), "ticketable_type": "NetworkSite"}
    if owner == NULL:
        return {"ticketable_id": None, "ticketable_type": None}
    return {"ticketable_id": str(owner), "ticketable_type": "Account"}


def _reply(world: World, cols: Columns, row: int) -> dict[str, Any]:
    reply_id = cols.ids[row]
    draw = world.draw(Salt.REPLY, reply_id)
    incoming = bool(cols.extra["incoming"][row])
    author = person_name(draw) if incoming else None
    body = draw.pick(_BODIES) if incoming else draw.pick(_ANSWERS)
    if draw.chance(LONG_BODY_RATE):
        body = _big_body(draw)
    record = common_fields(draw, reply_id, cols.created[row], cols.updated[row])
    record.update(
        author=author,
        author_email=f"{author.split()[0].lower()}{reply_id}@example.com" if author else None,
        body=body,
        headers="From: customer\nTo: support@example.net\nContent-Type: text/plain"
        if incoming
        else None,
        incoming=incoming,
        raw_body=body if incoming else None,
        signature=None if incoming else "-- \n[PUBLIC_NAME]\nHill Country Broadband",
        ticket_id=str(cols.extra["ticket_id"][row]),
        user_id=None if incoming else str(_author(world, draw, cols.extra["user"][row])),
    )
    return record


def _comment(world: World, cols: Columns, row: int) -> dict[str, Any]:
    comment_id = cols.ids[row]
    draw = world.draw(Salt.COMMENT, comment_id)
    record = common_fields(draw, comment_id, cols.created[row], cols.updated[row])
    record.update(
        body=draw.pick(_COMMENTS),
        ticket_id=str(cols.extra["ticket_id"][row]),
        user_id=str(_author(world, draw, cols.extra["user"][row])),
    )
    return record


def support_tables(world: World, history: History) -> dict[str, Table]:
    notes, tickets, replies, comments = (
        history.notes,
        history.tickets,
        history.replies,
        history.comments,
    )
    note_table = notes.table("notes", lambda row: _note(world, notes, row))
    note_table.columns["noteable_id"] = IntColumn(notes.extra["owner"])
    note_table.columns["noteable_type"] = CodeColumn(notes.extra["owner_kind"], NOTEABLE)
    ticket_table = tickets.table(
        "tickets", lambda row: _ticket(world, tickets, row), ("closed_at",)
    )
    ticketable = array("q", tickets.extra["owner"])
    for row, ticket_id in enumerate(tickets.ids):
        site = _site(ticket_id, ticketable[row])
        ticketable[row] = ticketable[row] if site is None else site
    ticket_table.columns["ticketable_id"] = IntColumn(ticketable)
    return {
        "notes": note_table,
        "tickets": ticket_table,
        "ticket_replies": replies.table(
            "ticket_replies", lambda row: _reply(world, replies, row), ("ticket_id",)
        ),
        "ticket_comments": comments.table(
            "ticket_comments", lambda row: _comment(world, comments, row), ("ticket_id",)
        ),
    }
