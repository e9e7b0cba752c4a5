"""Notes and tickets as the months go by, with the replies and comments on tickets.

Each account-month brings a note with probability ~8.5% (~2 per account over
an average life) and a ticket with ~15% (~3.7 per account); now and then a
note is written on a contact, and a ticket is internal (no ticketable). A
ticket gets ~1.3 replies (customer e-mails and staff answers) and ~0.7
internal comments; one in ~150 is a long thread (24 to 130 messages). Tickets
older than two weeks are mostly closed.
"""

from __future__ import annotations

from enum import IntEnum

from migrator.sim.sonar.generate.common import World
from migrator.sim.sonar.generate.timeline import History, Month, Sequences
from migrator.sim.sonar.instance_time import DAY, NOW, SECOND
from migrator.sim.sonar.table import NULL

__all__ = ["SupportRun", "TicketStatus"]

NOTE_RATE, TICKET_RATE = 0.078, 0.148
# about one ticket in 150 is a long thread; their lengths cycle, one in four above a nested page
LONG_THREAD_EVERY = 150
LONG_THREAD_SIZES = (24, 40, 60, 130)
MINUTE = 60 * SECOND


class TicketStatus(IntEnum):
    OPEN = 0
    CLOSED = 1
    PENDING_INTERNAL = 2
    PENDING_EXTERNAL = 3


class SupportRun:
    """Appends notes, tickets, replies and comments; one call per account-month."""

    def __init__(self, world: World, history: History, sequences: Sequences) -> None:
        self.rng, self.seq, self.history = world.rng, sequences, history
        self.staff: tuple[int, ...] = world.facts["staff"]
        self.groups: tuple[int, ...] = world.facts["groups"]
        self.calls = 0
        for name, code in (("owner", "q"), ("owner_kind", "b"), ("user", "b")):
            history.notes.column(name, code)
        for name in ("owner", "closed_at"):
            history.tickets.column(name)
        for name in ("status", "group", "user", "closer"):
            history.tickets.column(name, "b")
        for columns in (history.replies, history.comments):
            columns.column("ticket_id")
            columns.column("user", "b")
        history.replies.column("incoming", "b")

    def month(self, account_id: int, contact_id: int | None, month: Month, earliest: int) -> None:
        rng = self.rng
        self.calls += 1
        if rng.random() < NOTE_RATE:
            on_contact = contact_id is not None and rng.random() < 0.01
            owner, kind = (contact_id, 1) if on_contact else (account_id, 0)
            self._note(owner or account_id, kind, month.at(rng.random(), earliest))
        if rng.random() < TICKET_RATE:
            self._ticket(account_id, month.at(rng.random(), earliest))
        if self.calls % 400 == 0:
            self._ticket(NULL, month.at(rng.random(), earliest))

    def _staff(self) -> int:
        return self.staff[int(self.rng.random() * len(self.staff))]

    def _note(self, owner: int, kind: int, at: int) -> None:
        if at > NOW:
            return
        notes = self.history.notes
        notes.ids.append(self.seq.note.next())
        notes.created.append(at)
        notes.updated.append(at if self.rng.random() < 0.9 else min(NOW, at + 3 * DAY))
        notes.extra["owner"].append(owner)
        notes.extra["owner_kind"].append(kind)
        notes.extra["user"].append(self._staff() if self.rng.random() < 0.95 else 0)

    def _ticket(self, owner: int, at: int) -> None:
        if at > NOW:
            return
        rng, ticket_id = self.rng, self.seq.ticket.next()
        last = self._conversation(ticket_id, at)
        fresh = NOW - at < 14 * DAY
        roll = rng.random()
        status = (
            (TicketStatus.OPEN, TicketStatus.PENDING_EXTERNAL, TicketStatus.PENDING_INTERNAL)[
                int(roll * 3)
            ]
            if (fresh and roll < 0.8) or (not fresh and roll < 0.05)
            else TicketStatus.CLOSED
        )
        closed = min(NOW, last + int((1 + rng.random() * 47) * 60 * MINUTE)) // SECOND * SECOND
        tickets = self.history.tickets
        tickets.ids.append(ticket_id)
        tickets.created.append(at)
        tickets.updated.append(closed if status is TicketStatus.CLOSED else last)
        tickets.extra["owner"].append(owner)
        tickets.extra["closed_at"].append(closed if status is TicketStatus.CLOSED else NULL)
        tickets.extra["status"].append(status)
        tickets.extra["group"].append(self.groups[int(rng.random() * len(self.groups))])
        tickets.extra["user"].append(self._staff() if rng.random() < 0.85 else 0)
        tickets.extra["closer"].append(self._staff())

    def _conversation(self, ticket_id: int, at: int) -> int:
        """Replies then comments on a new ticket; returns the time of the last one."""
        rng, last = self.rng, at
        roll = rng.random()
        replies = (
            0 if roll < 0.3 else 1 if roll < 0.6 else 2 if roll < 0.85 else 3 if roll < 0.95 else 4
        )
        roll = rng.random()
        comments = 0 if roll < 0.5 else 1 if roll < 0.85 else 2 if roll < 0.95 else 3
        for count, columns, sequence in (
            (replies, self.history.replies, self.seq.reply),
            (comments, self.history.comments, self.seq.comment),
        ):
            when = at
            for index in range(count):
                when = (when + int((10 + rng.random() * 2000) * MINUTE)) // SECOND * SECOND
                if when > NOW:
                    break
                columns.ids.append(sequence.next())
                columns.created.append(when)
                columns.updated.append(when)
                columns.extra["ticket_id"].append(ticket_id)
                columns.extra["user"].append(self._staff())
                if columns is self.history.replies:
                    columns.extra["incoming"].append(index % 2 == 0)
                last = max(last, when)
        if ticket_id % LONG_THREAD_EVERY == 0:
            last = max(last, self._long_thread(ticket_id, at))
        return last

    def _long_thread(self, ticket_id: int, at: int) -> int:
        """A long back-and-forth (more than one nested page of 100 now and then).

        Drawn without the shared random stream (times, authors and ids follow from the
        ticket id), so the rest of the generated ISP stays what it was for a seed.
        """
        size = LONG_THREAD_SIZES[(ticket_id // LONG_THREAD_EVERY) % len(LONG_THREAD_SIZES)]
        last, when = at, at
        for index in range(size):
            when = (when + (17 + (ticket_id * 7 + index * 13) % 600) * MINUTE) // SECOND * SECOND
            if when > NOW:
                break
            comment = index % 5 == 4
            columns = self.history.comments if comment else self.history.replies
            sequence = self.seq.comment if comment else self.seq.reply
            sequence.last += 1  # no gap drawn: the shared stream is left alone
            columns.ids.append(sequence.last)
            columns.created.append(when)
            columns.updated.append(when)
            columns.extra["ticket_id"].append(ticket_id)
            columns.extra["user"].append(self.staff[(ticket_id + index) % len(self.staff)])
            if not comment:
                columns.extra["incoming"].append(index % 2 == 0)
            last = when
        return last
