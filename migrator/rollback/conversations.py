"""Tickets the support team has worked on in Splynx since the run, and their conversations.

A ticket of ours that somebody answered in Splynx (a message neither its
first, which came with its create, nor one of ours) holds the ISP's own words:
a rollback keeps it, unless ``--force``, as it keeps any record changed since.
A kept ticket keeps its whole conversation (``plan.keep_conversations``):
deleting our messages from it would leave the new answer replying to nothing.
"""

from __future__ import annotations

from collections import defaultdict

from migrator.pipeline.state import StateStore
from migrator.splynx.client import SplynxClient
from migrator.splynx.query import Search, where

__all__ = ["answered_since"]

_ALL = Search(main={"id": where(">", 0)})


async def answered_since(
    store: StateStore, splynx: SplynxClient, run_id: int | None
) -> dict[int, list[str]]:
    """Our tickets (of one run, or all) holding a message we did not write, by Splynx id,
    with why they are changed."""
    tickets = {splynx_id for _, splynx_id, _ in store.ours("tickets", run_id)}
    if not tickets:
        return {}
    ours = {splynx_id for _, splynx_id, _ in store.ours("ticket_messages", None)}
    on_ticket: dict[int, list[int]] = defaultdict(list)
    async for message in splynx.iterate("ticket_messages", _ALL):
        ticket = int(message.get("ticket_id") or 0)
        if ticket in tickets:
            on_ticket[ticket].append(message.id)
    answered: dict[int, list[str]] = {}
    for ticket, ids in on_ticket.items():
        added = [i for i in ids if i != min(ids) and i not in ours]
        if added:
            answered[ticket] = [f"{len(added)} message(s) added in Splynx since the run"]
    return answered
