"""Where ticket messages go through the API: created once, found by their natural key.

A ticket message has no marker field (Splynx has no additional-field module
for messages), so it is recognised by what it is: its ticket, date, time,
author type and exact text. A create whose answer was lost, or a message in
the resume window, is looked up among its ticket's messages by that key and
adopted when found, never sent twice (``SplynxClient.create_found_by``).
Two messages of one ticket alike in all of these (the same text by the same
kind of author in the same second) are indistinguishable here: the second
would be taken for the first, which leaves the conversation readable.
"""

from __future__ import annotations

from functools import partial

from migrator.errors import ConfigError
from migrator.pipeline.entities import Delivered
from migrator.splynx.client import SplynxClient
from migrator.splynx.endpoints import endpoint
from migrator.splynx.payloads import TicketMessage
from migrator.splynx.query import Search, where

__all__ = ["TicketMessageSink", "same_message"]

_KEY = ("date", "time", "author_type", "message")


def same_message(found: dict[str, object], wanted: TicketMessage) -> bool:
    """Whether a message Splynx lists is ``wanted`` (ticket, date, time, author, text)."""
    body = wanted.body()
    return all(str(found.get(name) or "") == str(body.get(name) or "") for name in _KEY)


class TicketMessageSink:
    """Creates ticket messages through the API unless their ticket already holds them."""

    def __init__(self, client: SplynxClient) -> None:
        self._client = client
        self._endpoint = endpoint("ticket_messages")

    async def find(self, message: TicketMessage) -> int | None:
        """The id of the oldest message of its ticket that is this one, or None."""
        search = Search(main={"ticket_id": message.ticket_id}, order={"id": "ASC"})
        async for record in self._client.iterate(self._endpoint, search):
            if same_message(record.fields(), message):
                return record.id
        return None

    async def deliver(self, payload: TicketMessage, *, verify: bool) -> Delivered:
        if verify and (found := await self.find(payload)) is not None:
            return Delivered(found, "adopted")
        created = await self._client.create_found_by(
            self._endpoint, payload, partial(self.find, payload)
        )
        return Delivered(created.id, "adopted" if created.adopted else "created")

    async def link(self, splynx_id: int, field: str, target_id: int) -> None:
        raise ConfigError(f"ticket messages cannot link {field}")

    async def occupied(self) -> bool:
        """More messages than tickets: more than the first message each ticket is created
        with (counted messages first, so a ticket created meanwhile cannot tip it)."""
        messages = await self._client.count(self._endpoint, Search(main={"id": where(">", 0)}))
        tickets = await self._client.count("tickets", Search(main={"id": where(">", 0)}))
        return messages > tickets
